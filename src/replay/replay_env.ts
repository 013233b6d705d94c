/**
 * Episodes whose alert stream comes from real alerts: the task option `source` chooses
 * `synthetic` (default: the task as is), `replay` (only the recorded alerts, synthetic stream
 * off) or `mixed` (recorded alerts on top of the synthetic stream). Recorded alerts come from
 * the ingest store or a JSONL file; their hidden truth is derived by `ingest/truth_rules.ts`,
 * and they are placed on the episode clock by `bucketIntoTicks` (one tick = the stream's span
 * over the horizon, at least a minute, unless `tickMs` is given).
 *
 * **One clock.** A stored alert's place in time is its receipt time (`received_at`: when the
 * ingest store received it; for a JSONL import, the line's `received_at`, else its vendor
 * time). The window's `since`/`until` select on it and ticks are placed by it, tick 0 at the
 * first selected alert, so a window of N alerts plays all N unless `tickMs` × horizon is
 * shorter than their span; the episode info's `replay: {recorded, played, cut}` says how many
 * the horizon cut. (Vendor times only measure how long an alert lived, for the truth rules.)
 *
 * The world, and so the episode for a seed, depends only on the alerts and the options, so a
 * replay episode is as reproducible as a synthetic one and is graded by the task's grader.
 *
 * @example
 * ```ts
 * import { makeReplayEnv } from "./replay_env.ts";
 * import { gradeEpisode } from "../../tasks/registry.ts";
 * const env = makeReplayEnv("easy", "replay", [{ timeMs: 0, service: "db-primary",
 *   alertType: "DISK", kind: "critical", trueSeverity: 0.9, visibleSeverity: 0.7,
 *   confidence: 0.8 }]);
 * env.reset({ seed: 1 });
 * for (let done = false; !done;) {
 *   const r = env.step({ decisions: [] });
 *   done = r.terminated || r.truncated;
 * }
 * console.log(gradeEpisode(env).score);
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { AlertTriageEnv } from "../env.ts";
import type { StoredAlert } from "../ingest/lifecycle.ts";
import type { IngestStore } from "../ingest/store.ts";
import { importJsonl } from "../ingest/stream_io.ts";
import { toTimedAlerts, type TruthRuleOptions } from "../ingest/truth_rules.ts";
import {
  type AlertStreamSource,
  bucketIntoTicks,
  replayWorld,
  type TimedAlert,
} from "../sim/replay_world.ts";
import { getTask } from "../../tasks/registry.ts";

export type { AlertStreamSource };

/** The accepted values of the `source` task option. */
export const ALERT_SOURCE_VALUES: readonly AlertStreamSource[] = ["synthetic", "replay", "mixed"];

/** Options of {@link makeReplayEnv}. */
export interface ReplayEnvOptions {
  /** Wall-clock length of one tick (ms); default: the stream's span over the horizon, ≥ 1 min. */
  tickMs?: number;
  /** Start of tick 0 (ms); default: the earliest alert. */
  startMs?: number;
  /** Thresholds of the truth rules (for the `*FromStore`/`*FromJsonl` builders). */
  truth?: Partial<TruthRuleOptions>;
}

/** A `replay` episode was asked for, but there are no recorded alerts to play. */
export class NoRecordedAlertsError extends AlertTriageError {
  /** Builds the error. */
  constructor(where: string) {
    super(`No recorded alerts in ${where} to replay`, "NO_RECORDED_ALERTS", "conflict");
    this.name = "NoRecordedAlertsError";
  }
}

/**
 * Reads the `source` option: `undefined`/`null` → `synthetic`; throws a `RangeError` naming the
 * accepted values otherwise.
 *
 * @example
 * ```ts
 * import { parseAlertSource } from "./replay_env.ts";
 * console.assert(parseAlertSource(undefined) === "synthetic" && parseAlertSource("mixed") === "mixed");
 * ```
 */
export function parseAlertSource(value: unknown): AlertStreamSource {
  if (value === undefined || value === null) return "synthetic";
  if (ALERT_SOURCE_VALUES.includes(value as AlertStreamSource)) return value as AlertStreamSource;
  throw new RangeError(
    `source must be one of ${ALERT_SOURCE_VALUES.join("|")}, got ${JSON.stringify(value)}`,
  );
}

/**
 * An environment playing task `taskId` with the alert `source`; `timedAlerts` (with derived
 * truth) are used for `replay` and `mixed` and ignored for `synthetic`. Throws `UnknownTaskError`
 * for an unknown task.
 *
 * @example
 * ```ts
 * import { makeReplayEnv } from "./replay_env.ts";
 * const env = makeReplayEnv("hard", "synthetic", []);
 * console.assert(env.taskId === "hard");
 * ```
 */
export function makeReplayEnv(
  taskId: string,
  source: AlertStreamSource,
  timedAlerts: readonly TimedAlert[],
  options: ReplayEnvOptions = {},
): AlertTriageEnv {
  const task = getTask(taskId);
  if (source === "synthetic") return new AlertTriageEnv({ world: task.world, taskId: task.id });
  const alerts = bucketIntoTicks(timedAlerts, {
    horizon: task.world.horizon,
    tickMs: options.tickMs,
    startMs: options.startMs,
  });
  const count = {
    recorded: timedAlerts.length,
    played: alerts.length,
    cut: timedAlerts.length - alerts.length,
  };
  return new AlertTriageEnv({
    world: replayWorld(task.world, alerts, source, count),
    taskId: task.id,
  });
}

/** Which stored alerts to replay. */
export interface ReplayWindow extends ReplayEnvOptions {
  /** Only alerts received at or after this time (ms or ISO 8601; receipt clock). */
  since?: number | string;
  /** Only alerts received before this time (ms or ISO 8601; receipt clock). */
  until?: number | string;
  /** At most this many alerts (default 1000): the first after `since`, else the latest. */
  limit?: number;
}

function ms(t: number | string | undefined, name: string): number | undefined {
  if (t === undefined) return undefined;
  const v = typeof t === "number" ? t : Date.parse(t);
  if (!Number.isFinite(v)) throw new RangeError(`${name} is not a time: ${JSON.stringify(t)}`);
  return v;
}

/**
 * The stored alerts of a window, oldest first (see {@link ReplayWindow}).
 *
 * @example
 * ```ts
 * import { IngestStore } from "../ingest/store.ts";
 * import { storedAlertsFor } from "./replay_env.ts";
 * const store = await IngestStore.open(":memory:");
 * console.assert((await storedAlertsFor(store, { limit: 5 })).length === 0);
 * store.close();
 * ```
 */
export async function storedAlertsFor(
  store: IngestStore,
  window: ReplayWindow = {},
): Promise<StoredAlert[]> {
  const limit = Math.max(1, Math.floor(window.limit ?? 1000));
  const since = ms(window.since, "since");
  const until = ms(window.until, "until");
  const out: StoredAlert[] = [];
  if (since !== undefined) {
    for await (const r of store.all({ since, until })) {
      if (out.push(r) >= limit) break;
    }
    return out;
  }
  for await (const r of store.recent(limit, until)) out.push(r);
  return out.reverse();
}

/**
 * An environment replaying stored alerts — what the server's `POST /reset` with
 * `{"task_id": "hard", "source": "replay"}` calls. Throws {@link NoRecordedAlertsError} for a
 * `replay` episode with nothing stored in the window (`mixed` then plays synthetic alerts only).
 *
 * @example
 * ```ts
 * import { IngestStore } from "../ingest/store.ts";
 * import { replayEnvFromStore } from "./replay_env.ts";
 * const store = await IngestStore.open(":memory:");
 * const env = await replayEnvFromStore(store, "hard", "mixed", { limit: 500 });
 * env.reset({ seed: 3 });
 * store.close();
 * ```
 */
export async function replayEnvFromStore(
  store: IngestStore,
  taskId: string,
  source: AlertStreamSource,
  window: ReplayWindow = {},
): Promise<AlertTriageEnv> {
  getTask(taskId);
  if (source === "synthetic") return makeReplayEnv(taskId, source, [], window);
  const records = await storedAlertsFor(store, window);
  if (records.length === 0 && source === "replay") throw new NoRecordedAlertsError("the store");
  return makeReplayEnv(taskId, source, toTimedAlerts(records, window.truth), window);
}

/**
 * An environment replaying a JSONL stream (see `ingest/stream_io.ts` for the line formats).
 * Throws `StreamFormatError` on a bad line and {@link NoRecordedAlertsError} on an empty
 * `replay` stream.
 *
 * @example
 * ```ts
 * import { replayEnvFromJsonl } from "./replay_env.ts";
 * const env = replayEnvFromJsonl('{"title": "Disk full", "service": "db-primary"}', "easy", "mixed");
 * env.reset({ seed: 0 });
 * ```
 */
export function replayEnvFromJsonl(
  text: string,
  taskId: string,
  source: AlertStreamSource,
  options: ReplayEnvOptions = {},
): AlertTriageEnv {
  getTask(taskId);
  if (source === "synthetic") return makeReplayEnv(taskId, source, [], options);
  const records = importJsonl(text);
  if (records.length === 0 && source === "replay") throw new NoRecordedAlertsError("the stream");
  return makeReplayEnv(taskId, source, toTimedAlerts(records, options.truth), options);
}
