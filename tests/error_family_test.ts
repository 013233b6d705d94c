// Every error class of the project is an AlertTriageError with a stable code, a kind and its
// own name; the server's answers are derived from the kind and code, not from the message.
import { deepEqual, equal, ok } from "node:assert/strict";
import { AlertTriageError, EpisodeNotRunningError, InvalidActionError } from "../src/errors.ts";
import { InvalidReplyError, ReplyParseError } from "../src/agents/llm_prompt.ts";
import { AgentUnavailableError, UnknownAgentError } from "../src/eval/agent_registry.ts";
import { EpisodeError } from "../src/eval/episode.ts";
import { RecordingFormatError } from "../src/eval/recording.ts";
import { ActionRejectedError } from "../src/infer/episode_env.ts";
import { LlmConfigError } from "../src/infer/llm_config.ts";
import { RemoteEnvError } from "../src/infer/remote_env.ts";
import { IngestFormatError } from "../src/ingest/errors.ts";
import { KvUnavailableError } from "../src/ingest/store.ts";
import { BacklogFullError } from "../src/ingest/store_commit.ts";
import { BadCursorError } from "../src/ingest/store_query.ts";
import { StreamFormatError } from "../src/ingest/stream_io.ts";
import { LegendError } from "../src/plots/render.ts";
import { NoRecordedAlertsError } from "../src/replay/replay_env.ts";
import { HttpError, toHttpError } from "../src/server/http_errors.ts";
import { CapacityError } from "../src/server/session_store.ts";
import { UnknownTaskError } from "../tasks/registry.ts";

/**
 * One instance of each exported error class, with its expected name, code, kind (the command
 * lines' `UsageError`s, `USAGE`/`invalid_input`, are left to their CLI tests).
 */
const ERRORS: [AlertTriageError, string, string, string][] = [
  [
    new InvalidActionError("decisions[0]", "bad"),
    "InvalidActionError",
    "INVALID_ACTION",
    "invalid_input",
  ],
  [
    new EpisodeNotRunningError("No episode"),
    "EpisodeNotRunningError",
    "EPISODE_NOT_RUNNING",
    "conflict",
  ],
  [new UnknownTaskError("x"), "UnknownTaskError", "UNKNOWN_TASK", "not_found"],
  [new CapacityError(2, 2), "CapacityError", "CAPACITY_REACHED", "unavailable"],
  [new HttpError(426, "upgrade", "not_upgrade"), "HttpError", "not_upgrade", "invalid_input"],
  [new ReplyParseError("no JSON"), "ReplyParseError", "REPLY_NOT_JSON", "invalid_input"],
  [new InvalidReplyError("bad"), "InvalidReplyError", "INVALID_REPLY", "invalid_input"],
  [new UnknownAgentError("x"), "UnknownAgentError", "UNKNOWN_AGENT", "not_found"],
  [
    new AgentUnavailableError("ppo", "no policy"),
    "AgentUnavailableError",
    "AGENT_UNAVAILABLE",
    "unavailable",
  ],
  [
    new EpisodeError("a", "easy", 1, 2, new Error("boom")),
    "EpisodeError",
    "EPISODE_FAILED",
    "failed",
  ],
  [new RecordingFormatError(3, "bad"), "RecordingFormatError", "RECORDING_FORMAT", "invalid_input"],
  [new ActionRejectedError("no"), "ActionRejectedError", "ACTION_REJECTED", "invalid_input"],
  [new LlmConfigError("bad"), "LlmConfigError", "LLM_CONFIG", "invalid_input"],
  [new RemoteEnvError(502, "bad gateway"), "RemoteEnvError", "REMOTE_ENV", "failed"],
  [
    new IngestFormatError("alerts", "required"),
    "IngestFormatError",
    "INVALID_ALERT",
    "invalid_input",
  ],
  [new KvUnavailableError("no KV"), "KvUnavailableError", "STORE_UNAVAILABLE", "unavailable"],
  [new BacklogFullError(5, 5), "BacklogFullError", "BACKLOG_FULL", "overloaded"],
  [new BadCursorError(), "BadCursorError", "BAD_CURSOR", "invalid_input"],
  [new StreamFormatError(1, "line", "bad"), "StreamFormatError", "STREAM_FORMAT", "invalid_input"],
  [new LegendError("linear"), "LegendError", "LEGEND_UNSUPPORTED", "invalid_input"],
  [
    new NoRecordedAlertsError("the store"),
    "NoRecordedAlertsError",
    "NO_RECORDED_ALERTS",
    "conflict",
  ],
];

Deno.test("every error class is an AlertTriageError with its own name, a code and a kind", () => {
  for (const [err, name, code, kind] of ERRORS) {
    ok(err instanceof AlertTriageError && err instanceof Error, name);
    deepEqual([err.name, err.code, err.kind], [name, code, kind]);
    ok(err.message.length > 0, name);
  }
});

Deno.test("the HTTP answer of an error comes from its kind and code", () => {
  const answer = (err: AlertTriageError) => {
    const http = toHttpError(err);
    return [http.status, http.code, http.detail];
  };
  deepEqual(answer(new UnknownTaskError("x")), [
    404,
    "unknown_task",
    'unknown task "x"; known tasks: easy, medium, hard',
  ]);
  deepEqual(answer(new EpisodeNotRunningError("No episode")), [409, "not_running", "No episode"]);
  equal(toHttpError(new CapacityError(1, 1)).status, 503);
  equal(toHttpError(new CapacityError(1, 1)).code, "capacity");
  equal(toHttpError(new InvalidActionError("a", "b")).code, "validation");
  equal(toHttpError(new InvalidActionError("a", "b")).status, 422);
  equal(toHttpError(new BacklogFullError(1, 1)).status, 429);
});
