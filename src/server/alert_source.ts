/**
 * Where a reset's alerts come from. A reset's `source` is `synthetic` (default: the task as
 * is), `replay` (only the alerts recorded by `/ingest/*`, the synthetic stream off) or `mixed`
 * (recorded alerts on top of the synthetic stream); `replay: {since, until, limit, tick_ms}`
 * picks the recorded window. A non-synthetic episode is built here, asynchronously, from the
 * ingest store (`replayEnvFromStore`), and then handed to `Session.reset(params, env)`; a
 * synthetic one needs no work, so {@link prepareEpisode} returns `undefined` for it and every
 * transport keeps its synchronous fast path.
 *
 * Failures: an unknown task throws `UnknownTaskError` (before the store is touched), a `replay`
 * episode with nothing recorded in the window {@link NoRecordedAlertsError}, and a store that
 * cannot be opened {@link KvUnavailableError}; {@link sourceFailure} maps the last two to the
 * HTTP status and error code every transport reports.
 *
 * @example
 * ```ts
 * import { IngestStore } from "../ingest/store.ts";
 * import { prepareEpisode } from "./alert_source.ts";
 * const open = () => IngestStore.open(":memory:");
 * console.assert(prepareEpisode(open, "easy", {}) === undefined);
 * ```
 *
 * @module
 */
import type { AlertTriageEnv } from "../env.ts";
import { KvUnavailableError } from "../ingest/store.ts";
import type { IngestStore } from "../ingest/store.ts";
import {
  NoRecordedAlertsError,
  replayEnvFromStore,
  type ReplayWindow,
} from "../replay/replay_env.ts";
import type { AlertStreamSource } from "../sim/replay_world.ts";
import { getTask } from "../../tasks/registry.ts";
import { AlertTriageError } from "../errors.ts";
import { errorLabel, HTTP_STATUS } from "./http_errors.ts";

/**
 * A `replay`/`mixed` reset without the ingest token while one is configured: those episodes
 * read the ingested (real) alerts, which `/ingest/*` keeps behind `ALERT_TRIAGE_INGEST_TOKEN`.
 */
export class ReplayAuthError extends AlertTriageError {
  /** Creates the error with the reason (missing or wrong token). */
  constructor(reason: string) {
    super(
      `${reason}: replay and mixed resets read the ingested alerts and need the ingest token ` +
        "(Authorization: Bearer <token>, on the request or on the WebSocket upgrade)",
      "INGEST_TOKEN_REQUIRED",
      "forbidden",
    );
    this.name = "ReplayAuthError";
  }
}

export { KvUnavailableError, NoRecordedAlertsError };
export type { AlertStreamSource };

/**
 * The `replay` field of a reset body as it arrives (snake_case): the wire form of a
 * {@link ReplayWindow}, converted by {@link replayWindowFromBody}.
 */
export interface ReplayWindowBody {
  /** Only alerts received at or after this time (epoch ms or ISO 8601). */
  since?: number | string;
  /** Only alerts received before this time (epoch ms or ISO 8601). */
  until?: number | string;
  /** At most this many alerts (default 1000): the first after `since`, else the latest. */
  limit?: number;
  /** Wall-clock length of one tick in ms (default: the window's span over the horizon, ≥ 1 min). */
  tick_ms?: number;
}

/** What {@link prepareEpisode} reads from a reset. */
export interface SourceParams {
  /** Task, if the reset names one. */
  task_id?: string;
  /** Alert source (default `synthetic`). */
  source?: AlertStreamSource;
  /** Recorded window, for `replay` and `mixed`. */
  replay?: ReplayWindowBody;
}

/**
 * The {@link ReplayWindow} of a reset's `replay` field (`tick_ms` becomes `tickMs`).
 *
 * @example
 * ```ts
 * import { replayWindowFromBody } from "./alert_source.ts";
 * console.assert(replayWindowFromBody({ limit: 5, tick_ms: 60000 }).tickMs === 60000);
 * ```
 */
export function replayWindowFromBody(body: ReplayWindowBody): ReplayWindow {
  return { since: body.since, until: body.until, limit: body.limit, tickMs: body.tick_ms };
}

/**
 * The environment of a non-synthetic reset, built from the store `openStore` opens, or
 * `undefined` for a synthetic one (nothing to prepare). `currentTask` is the session's task,
 * played when the reset names none.
 *
 * @example
 * ```ts
 * import { IngestStore } from "../ingest/store.ts";
 * import { prepareEpisode } from "./alert_source.ts";
 * const store = await IngestStore.open(":memory:");
 * const env = await prepareEpisode(() => Promise.resolve(store), "hard", { source: "mixed" });
 * console.assert(env?.taskId === "hard");
 * store.close();
 * ```
 */
export function prepareEpisode(
  openStore: () => Promise<IngestStore>,
  currentTask: string,
  params: SourceParams,
): Promise<AlertTriageEnv> | undefined {
  const source = params.source ?? "synthetic";
  if (source === "synthetic") return undefined;
  const task = params.task_id ?? currentTask;
  return (async () => {
    getTask(task);
    let store: IngestStore;
    try {
      store = await openStore();
    } catch (err) {
      if (err instanceof KvUnavailableError) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new KvUnavailableError(`Alert store unavailable: ${why}`);
    }
    return await replayEnvFromStore(store, task, source, replayWindowFromBody(params.replay ?? {}));
  })();
}

/** How a transport reports a failed non-synthetic reset. */
export interface SourceFailure {
  /**
   * HTTP status: 401 ingest token missing or wrong, 409 nothing recorded to replay, 503 store
   * unavailable.
   */
  status: 401 | 409 | 503;
  /** Error code (the error's): the `/ws/train` protocol's code and the MCP error's `code`. */
  code: "NO_RECORDED_ALERTS" | "STORE_UNAVAILABLE" | "INGEST_TOKEN_REQUIRED";
  /** Metrics label (the code lower-cased). */
  label: string;
  /** A message saying what to do. */
  message: string;
}

const NO_RECORDED_ALERTS_MESSAGE = "No recorded alerts to replay in the requested window: POST " +
  "real alerts to /ingest/alerts first, widen replay.since/until, or reset with source " +
  '"mixed" or "synthetic"';

/**
 * The report of a {@link NoRecordedAlertsError} or {@link KvUnavailableError}; `null` for any
 * other error.
 *
 * @example
 * ```ts
 * import { NoRecordedAlertsError, sourceFailure } from "./alert_source.ts";
 * console.assert(sourceFailure(new NoRecordedAlertsError("the store"))?.status === 409);
 * ```
 */
export function sourceFailure(err: unknown): SourceFailure | null {
  if (err instanceof ReplayAuthError) {
    return {
      status: 401,
      code: "INGEST_TOKEN_REQUIRED",
      label: errorLabel(err),
      message: err.message,
    };
  }
  if (!(err instanceof NoRecordedAlertsError) && !(err instanceof KvUnavailableError)) {
    return null;
  }
  return {
    status: HTTP_STATUS[err.kind] as 401 | 409 | 503,
    code: err.code as SourceFailure["code"],
    label: errorLabel(err),
    message: err instanceof NoRecordedAlertsError
      ? NO_RECORDED_ALERTS_MESSAGE
      : `${err.message}; replay and mixed episodes need the ingest store (retry later)`,
  };
}
