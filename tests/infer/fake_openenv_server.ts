/**
 * A minimal stand-in for the alert-triage OpenEnv server, enough to test the remote client and
 * `deno task infer --url`: `POST /reset {seed, task_id}` and `POST /step {"action": …}` answer
 * `{observation, reward, done}`, a refused action is a 422 with `detail`, and the final
 * observation carries `task_score` (`{score, success, components}`), as the real server will.
 *
 * @module
 */
import type { AlertTriageEnv } from "../../src/env.ts";
import { InvalidActionError } from "../../src/errors.ts";
import { gradeEpisode, makeEnv } from "../../tasks/registry.ts";

/** A running fake server. */
export interface FakeServer {
  /** Base URL (no trailing slash). */
  url: string;
  /** Paths requested, in order. */
  paths: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

/** Starts the fake server on an ephemeral port (one default session). */
export function startFakeServer(): FakeServer {
  let env: AlertTriageEnv | null = null;
  const paths: string[] = [];
  const handler = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    paths.push(path);
    const body = await req.json().catch(() => ({})) as Record<string, unknown>;
    if (path === "/reset") {
      env = makeEnv(String(body.task_id ?? "easy"));
      const { observation } = env.reset({ seed: Number(body.seed ?? 0) });
      return Response.json({ observation, reward: null, done: false });
    }
    if (path === "/step") {
      if (!env) return Response.json({ detail: "reset first" }, { status: 409 });
      try {
        const r = env.step(body.action as never);
        const done = r.terminated || r.truncated;
        const observation = done
          ? { ...r.observation, task_score: gradeEpisode(env) }
          : r.observation;
        return Response.json({ observation, reward: r.reward.value, done });
      } catch (e) {
        if (!(e instanceof InvalidActionError)) throw e;
        return Response.json({ detail: [{ loc: [e.field], msg: e.reason }] }, { status: 422 });
      }
    }
    return Response.json({ detail: "Not Found" }, { status: 404 });
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    paths,
    close: () => server.shutdown(),
  };
}
