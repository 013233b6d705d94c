/**
 * A local OpenAI-compatible chat endpoint for the LLM-baseline tests (`POST /v1/chat/completions`
 * on an ephemeral port). In `good` mode it plays the rule baseline: it reads the observation back
 * from the agent's prompt and answers with `RuleBasedAgent`'s decisions, so an LLM run against it
 * must score exactly like the rule baseline.
 *
 * @module
 */
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";
import type { Alert, AlertType, Observation } from "../../src/models.ts";

/** How the stub answers. */
export type StubMode =
  | "good" // the rule baseline's decisions as plain JSON
  | "fenced" // the same inside a ```json fence, with prose and a <think> block around it
  | "malformed" // broken JSON
  | "refusal" // "I can't help with that."
  | "refusal_field" // OpenAI's message.refusal set, content null
  | "timeout" // never answers (until the client gives up)
  | "rate_limit" // `rateLimits` times 429 with Retry-After, then good
  | "error500" // always 500
  | "unauthorized" // always 401
  | "invalid" // unknown ids, duplicates and too many INVESTIGATE, plus one valid decision
  | "no_json_mode" // 400 when response_format is sent, else good
  | "json_object_only"; // like llama-cpp-python: 500 unless response_format.type is text/json_object

/** One request the stub received. */
export interface StubRequest {
  /** The JSON body. */
  body: Record<string, unknown>;
  /** The Authorization header. */
  authorization: string | null;
}

/** A running stub. */
export interface Stub {
  /** Base URL to use as API_BASE_URL (ends in `/v1`). */
  url: string;
  /** The mode; may be changed between requests. */
  mode: StubMode;
  /** Retry-After sent with 429 (seconds, as a string). */
  retryAfter: string;
  /** How many 429s `rate_limit` sends before answering. */
  rateLimits: number;
  /** Requests received so far. */
  requests: StubRequest[];
  /** Stops the server (pending `timeout` requests are released). */
  close(): Promise<void>;
}

/** The observation a prompt made by `formatObservation` describes. */
export function observationFromPrompt(prompt: string): Observation {
  const num = (name: string) => Number(new RegExp(`${name} (\\d+(?:\\.\\d+)?)`).exec(prompt)![1]);
  const alerts: Alert[] = [];
  for (const m of prompt.matchAll(/^(A\d+),([A-Z]+),([^,\n]+),([\d.e-]+),([\d.e-]+),(\d+)$/gm)) {
    alerts.push({
      id: m[1],
      alert_type: m[2] as AlertType,
      service: m[3],
      visible_severity: Number(m[4]),
      confidence: Number(m[5]),
      age: Number(m[6]),
    });
  }
  return {
    alerts,
    system_load: num("system_load"),
    queue_length: num("queue_length"),
    time_remaining: Number(/\((\d+) left\)/.exec(prompt)![1]),
    investigation_budget: num("investigation_budget"),
    escalations_pending: num("escalations_pending"),
    tick: num("tick"),
  };
}

function completion(content: string | null, refusal: string | null = null): Response {
  return Response.json({
    id: "chatcmpl-stub",
    object: "chat.completion",
    created: 0,
    model: "stub-model",
    choices: [{
      index: 0,
      message: { role: "assistant", content, refusal },
      finish_reason: "stop",
    }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  });
}

function error(status: number, message: string, headers: Record<string, string> = {}): Response {
  return Response.json({ error: { message, type: "stub_error", code: null } }, {
    status,
    headers,
  });
}

const rules = new RuleBasedAgent();

/** Starts the stub on 127.0.0.1 with an ephemeral port. */
export function startStub(mode: StubMode = "good"): Stub {
  const closing = new AbortController();
  const stub: Stub = {
    url: "",
    mode,
    retryAfter: "1",
    rateLimits: 1,
    requests: [],
    close: async () => {
      closing.abort();
      await server.shutdown();
    },
  };
  const answer = async (req: Request): Promise<Response> => {
    if (req.method !== "POST" || !new URL(req.url).pathname.endsWith("/chat/completions")) {
      return error(404, "not found");
    }
    const body = await req.json() as Record<string, unknown>;
    stub.requests.push({ body, authorization: req.headers.get("authorization") });
    const messages = body.messages as { role: string; content: string }[];
    const user = messages.findLast((m) => m.role === "user")?.content ?? "";
    const observation = observationFromPrompt(user);
    const good = JSON.stringify(rules.act(observation));
    switch (stub.mode) {
      case "good":
        return completion(good);
      case "fenced":
        return completion(
          `<think>{"decisions": "not this"}</think>Here is my triage:\n\`\`\`json\n${good}\n\`\`\`\nDone.`,
        );
      case "malformed":
        return completion('{"decisions": [{"alert_id": "A1", "action_type": ');
      case "refusal":
        return completion("I'm sorry, but I can't help with that request.");
      case "refusal_field":
        return completion(null, "I can't assist with that.");
      case "timeout":
        // Hold the request until the stub closes (the client gives up long before).
        await new Promise<void>((resolve) => {
          if (closing.signal.aborted) return resolve();
          closing.signal.addEventListener("abort", () => resolve(), { once: true });
        });
        return error(504, "too late");
      case "rate_limit":
        if (stub.rateLimits > 0) {
          stub.rateLimits--;
          return error(429, "rate limited", { "retry-after": stub.retryAfter });
        }
        return completion(good);
      case "error500":
        return error(500, "internal error");
      case "unauthorized":
        return error(401, "invalid api key");
      case "no_json_mode":
        if (body.response_format) return error(400, "response_format is not supported");
        return completion(good);
      case "json_object_only": {
        const type = (body.response_format as { type?: string } | undefined)?.type;
        if (type !== undefined && type !== "text" && type !== "json_object") {
          // llama-cpp-python 0.3.36's answer, verbatim but for the traceback
          return error(
            500,
            "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', " +
              `'type'), 'msg': "Input should be 'text' or 'json_object'", 'input': '${type}'}`,
          );
        }
        return completion(good);
      }
      case "invalid": {
        const ids = observation.alerts.map((a) => a.id);
        const decisions = [
          { alert_id: "A99999", action_type: "IGNORE" },
          ...ids.map((id) => ({ alert_id: id, action_type: "INVESTIGATE" })),
          { alert_id: ids[0], action_type: "ignore" },
          { alert_id: ids[0], action_type: "PANIC" },
        ];
        return completion(JSON.stringify({ decisions }));
      }
    }
  };
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, answer);
  stub.url = `http://127.0.0.1:${server.addr.port}/v1`;
  return stub;
}
