/**
 * The vectorised protocol of `/ws/vector`: one WebSocket session holds N environments of one
 * task and one binary frame steps all of them (the frames are in `src/learn/vector_wire.ts`).
 *
 * Text frames (JSON), client -> server:
 * - `{"type": "open", "task_id": "hard", "num_envs": 64, "seed": 0, "autoreset_mode":
 *   "NextStep"}` (optional `seed_limit`, default 1,000,000: episode seeds are drawn from
 *   `[0, seed_limit)` by a stream seeded with `seed`, exactly like the in-process `VectorEnv`);
 *   answered by `{"type": "opened", "protocol", "task_id", "num_envs", "slots",
 *   "autoreset_mode", "seed", "seed_limit", "services", "k", "horizon", "max_queue"}`;
 * - `{"type": "reset"}` or `{"type": "reset", "seed": 7}` (restart the seed stream): answered
 *   by a binary reset reply;
 * - `{"type": "close"}`: closes the socket.
 *
 * Binary frames: a step request, answered by a binary step reply. Every problem is answered by
 * `{"type": "error", "error": {"code", "message"}}` and changes nothing; codes
 * `INVALID_JSON`, `VALIDATION_ERROR`, `UNKNOWN_TYPE`, `UNKNOWN_TASK`, `NOT_OPEN`, `ALREADY_OPEN`
 * (a socket opens once), `CAPACITY_REACHED` (the server's `maxVectorEnvs`), `NOT_RESET`,
 * `INVALID_FRAME`. Errors never close the socket, but for `SHARD_FAILED`: a vector worker
 * holding a shard of a sharded session died (the session is closed).
 *
 * With vector workers (`ALERT_TRIAGE_VECTOR_WORKERS`, the store's `vectorPool`) a session of at
 * least {@link SHARD_MIN_ENVS} environments of a built-in task is sharded over them
 * (`sharded_batch.ts`), its replies byte for byte those of an unsharded one.
 *
 * Rewards are the environment's own; the grader's score (computed from the hidden truth) is
 * sent only for episodes that have ended, as on the other transports.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * import { SessionStore } from "./session_store.ts";
 * import { handleVectorFrame } from "./ws_vector.ts";
 * const store = new SessionStore({ maxSessions: 4, sessionIdleSeconds: 0, defaultTask: "easy",
 *   now: () => 0 }, new Metrics());
 * const s = store.create("ws");
 * const out = handleVectorFrame('{"type":"open","task_id":"hard","num_envs":2}', s, store);
 * console.assert(typeof out.reply === "string" && out.reply.includes('"opened"'));
 * ```
 *
 * @module
 */
import { z } from "zod";
import { MAX_SEED } from "../rng.ts";
import { BUILT_IN_TASK_IDS, getTask, UnknownTaskError } from "../../tasks/registry.ts";
import { type AutoresetMode, WorldBatch } from "../learn/world_batch.ts";
import {
  decodeStepRequest,
  FinalObservations,
  FrameWriter,
  VECTOR_PROTOCOL,
} from "../learn/vector_wire.ts";
import { describe, isObject } from "./body.ts";
import type { Session } from "./session.ts";
import type { SessionStore } from "./session_store.ts";
import type { FrameOutcome } from "./ws_protocol.ts";
import { ShardedBatch } from "./sharded_batch.ts";
import { ShardFailure, type VectorWorkerPool } from "./vector_worker_pool.ts";

/** Most environments one vector session may hold. */
export const MAX_VECTOR_ENVS = 1024;

/** The `open` frame. */
export const VectorOpenSchema = z.object({
  type: z.literal("open"),
  task_id: z.string().min(1).max(64).optional(),
  num_envs: z.number().int().min(1).max(MAX_VECTOR_ENVS),
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
  seed_limit: z.number().int().min(1).max(2 ** 32).optional(),
  autoreset_mode: z.enum(["NextStep", "SameStep"]).optional(),
}).strict();

/** The `reset` frame. */
export const VectorResetSchema = z.object({
  type: z.literal("reset"),
  seed: z.number().int().min(0).max(MAX_SEED).optional(),
}).strict();

/** The `close` frame. */
export const VectorCloseSchema = z.object({ type: z.literal("close") }).strict();

/** The server's answer to `open`. */
export const VectorOpenedSchema = z.object({
  type: z.literal("opened"),
  protocol: z.literal(VECTOR_PROTOCOL),
  task_id: z.string(),
  num_envs: z.number().int().min(1).max(MAX_VECTOR_ENVS),
  slots: z.number().int().min(1).describe("action codes per environment in a step request"),
  autoreset_mode: z.enum(["NextStep", "SameStep"]),
  seed: z.number().int().min(0),
  seed_limit: z.number().int().min(1),
  services: z.array(z.object({ name: z.string(), depends_on: z.array(z.string()) }).strict()),
  k: z.number().int().describe("the task's investigation budget per tick"),
  horizon: z.number().int().describe("ticks per episode"),
  max_queue: z.number().int().describe("most alerts an environment's queue holds"),
}).strict();

/** The error frame: every problem, which changes nothing (the socket stays open). */
export const VectorErrorSchema = z.object({
  type: z.literal("error"),
  error: z.object({
    code: z.enum([
      "INVALID_JSON",
      "VALIDATION_ERROR",
      "UNKNOWN_TYPE",
      "UNKNOWN_TASK",
      "NOT_OPEN",
      "ALREADY_OPEN",
      "NOT_RESET",
      "INVALID_FRAME",
      "CAPACITY_REACHED",
      "SESSION_EXPIRED",
      "SHARD_FAILED",
    ]),
    message: z.string(),
  }).passthrough().describe("CAPACITY_REACHED adds the caps and current counts"),
}).strict();

/**
 * JSON Schemas of the text frames: what a client sends (`open`, `reset`, `close`) and what the
 * server answers (`opened`, `error`); the binary frames are in the README.
 */
export const VECTOR_FRAME_SCHEMAS: Record<string, unknown> = {
  open: z.toJSONSchema(VectorOpenSchema),
  reset: z.toJSONSchema(VectorResetSchema),
  close: z.toJSONSchema(VectorCloseSchema),
  opened: z.toJSONSchema(VectorOpenedSchema),
  error: z.toJSONSchema(VectorErrorSchema),
};

/** The engine of an unsharded session (the server's thread alone). */
interface LocalEngine {
  batch: WorldBatch;
  writer: FrameWriter;
  finals: FinalObservations | null;
  capture: ((env: number) => void) | undefined;
}

/** What one vector socket holds: one of the two engines. */
interface VectorState {
  numEnvs: number;
  slots: number;
  taskId: string;
  local: LocalEngine | null;
  sharded: ShardedBatch | null;
  ready: boolean;
}

/**
 * The fewest environments a session needs to be sharded over the vector workers (a smaller one
 * stays on the server's thread: at 64 and below, a worker round trip costs about what half the
 * step saves, for ~30% more CPU; see BENCHMARKS.md, "Worker-sharded vector sessions").
 */
export const SHARD_MIN_ENVS = 128;

const STATES = new WeakMap<Session, VectorState>();

function vectorError(code: string, message: string, extra?: object): FrameOutcome {
  return { reply: JSON.stringify({ type: "error", error: { code, message, ...extra } }) };
}

function failed(
  store: SessionStore,
  label: string,
  code: string,
  message: string,
  extra?: object,
) {
  store.metrics.recordError(label);
  return vectorError(code, message, extra);
}

function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.length ? issue.path.join(".") : "frame";
  if (issue.code === "unrecognized_keys") return `${issue.keys[0]}: unknown field`;
  return `${path}: ${issue.message}`;
}

/** Sessions that have opened (an `open` is accepted once per socket). */
const OPENED = new WeakSet<Session>();

function open(
  frame: unknown,
  session: Session,
  store: SessionStore,
): FrameOutcome | Promise<FrameOutcome> {
  const state = STATES.get(session);
  if (OPENED.has(session)) {
    const what = state ? `${state.numEnvs} environments of task ${state.taskId}` : "an open";
    return failed(
      store,
      "session_error",
      "ALREADY_OPEN",
      `This socket already holds ${what}; close it and open another socket for other options`,
    );
  }
  const parsed = VectorOpenSchema.safeParse(frame);
  if (!parsed.success) {
    return failed(store, "validation", "VALIDATION_ERROR", zodMessage(parsed.error));
  }
  const p = parsed.data;
  const taskId = p.task_id ?? session.taskId;
  let task;
  try {
    task = getTask(taskId);
  } catch (err) {
    if (!(err instanceof UnknownTaskError)) throw err;
    return failed(store, "unknown_task", "UNKNOWN_TASK", err.message);
  }
  const release = store.reserveVectorEnvs(p.num_envs);
  if (!release) {
    const [held, max] = [store.vectorEnvs, store.maxVectorEnvs];
    return failed(
      store,
      "capacity",
      "CAPACITY_REACHED",
      `num_envs: ${p.num_envs} more environments would pass the server's cap of ${max} ` +
        `(ALERT_TRIAGE_MAX_VECTOR_ENVS; ${held} held by open sessions); ask for fewer or try ` +
        `again later`,
      { vector_envs: held, max_vector_envs: max },
    );
  }
  OPENED.add(session);
  const autoreset: AutoresetMode = p.autoreset_mode ?? "NextStep";
  const seed = p.seed ?? 0;
  const seedLimit = p.seed_limit ?? 1_000_000;
  const w = task.world;
  const reply = JSON.stringify({
    type: "opened",
    protocol: VECTOR_PROTOCOL,
    task_id: task.id,
    num_envs: p.num_envs,
    slots: w.maxQueue,
    autoreset_mode: autoreset,
    seed,
    seed_limit: seedLimit,
    services: w.services.map((s) => ({ name: s.name, depends_on: s.dependsOn })),
    k: w.k,
    horizon: w.horizon,
    max_queue: w.maxQueue,
  });
  const base = { numEnvs: p.num_envs, slots: w.maxQueue, taskId: task.id, ready: false };
  const options = { task, numEnvs: p.num_envs, seed, seedLimit, autoreset };
  const pool = store.vectorPool;
  if (pool && shardable(pool, p.num_envs, task.id, w.maxQueue)) {
    const life = { closed: false, batch: null as ShardedBatch | null };
    // The environments stay counted until the shards are dropped: a session that ends while
    // its shards are still being built gives them back only once they are built and dropped.
    session.addCloser(() => {
      life.closed = true;
      if (life.batch) life.batch.close(), release();
    });
    return ShardedBatch.open(pool, options).then((sharded): FrameOutcome => {
      if (life.closed) return sharded.close(), release(), {};
      life.batch = sharded;
      STATES.set(session, { ...base, local: null, sharded });
      return { reply };
    }, (err) => (release(), shardFailed(err, store, life.closed)));
  }
  session.addCloser(release);
  const batch = new WorldBatch(options);
  const finals = autoreset === "SameStep"
    ? new FinalObservations(p.num_envs, task.world.maxQueue)
    : null;
  const local = {
    batch,
    writer: new FrameWriter(),
    finals,
    capture: finals ? (i: number) => finals.capture(batch.worlds[i]) : undefined,
  };
  STATES.set(session, { ...base, local, sharded: null });
  return { reply };
}

/** Whether a session of `numEnvs` environments of `taskId` is split over `pool`'s workers. */
function shardable(pool: VectorWorkerPool, numEnvs: number, taskId: string, slots: number) {
  return numEnvs >= SHARD_MIN_ENVS && BUILT_IN_TASK_IDS.includes(taskId) &&
    numEnvs <= pool.maxEnvs && slots <= pool.slots && pool.pick(1).length > 0;
}

/** A sharded session that failed (a worker died): an error frame, and the socket closes. */
function shardFailed(err: unknown, store: SessionStore, closed: boolean): FrameOutcome {
  if (!(err instanceof ShardFailure)) throw err;
  if (closed) return {}; // the session ended meanwhile: nobody to answer
  store.metrics.recordError("vector_shard_failed");
  return { ...vectorError("SHARD_FAILED", `Vector worker failed: ${err.message}`), close: true };
}

function step(raw: ArrayBuffer | Uint8Array, state: VectorState, store: SessionStore) {
  if (!state.ready) {
    return failed(store, "episode_not_running", "NOT_RESET", "Send a reset frame before stepping");
  }
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array(raw);
  const actions = decodeStepRequest(bytes, state.numEnvs, state.slots);
  if (typeof actions === "string") return failed(store, "validation", "INVALID_FRAME", actions);
  const { local, sharded } = state;
  if (sharded) {
    return sharded.step(actions).then(
      (frame): FrameOutcome => ({ reply: frame }),
      (err) => shardFailed(err, store, false),
    );
  }
  const { batch } = local!;
  local!.finals?.clear();
  batch.step(actions, local!.capture);
  return { reply: local!.writer.step(batch.worlds, batch, local!.finals) };
}

function reset(state: VectorState, seed: number | undefined, store: SessionStore) {
  state.ready = true;
  store.metrics.recordReset(state.taskId);
  const { local, sharded } = state;
  if (sharded) {
    return sharded.reset(seed).then(
      (frame): FrameOutcome => ({ reply: frame }),
      (err) => shardFailed(err, store, false),
    );
  }
  local!.batch.reset(seed);
  return { reply: local!.writer.reset(local!.batch.worlds, local!.batch.seeds) };
}

/**
 * Handles one frame of a `/ws/vector` session (see the module doc). A binary reply is a view
 * into the session's frame buffer, valid until the session's next frame: the socket layer sends
 * it at once (`WebSocket.send` copies the bytes), so no copy is made per frame.
 */
export function handleVectorFrame(
  raw: unknown,
  session: Session,
  store: SessionStore,
): FrameOutcome | Promise<FrameOutcome> {
  const state = STATES.get(session);
  if (typeof raw !== "string") {
    if (!(raw instanceof ArrayBuffer) && !(raw instanceof Uint8Array)) {
      return failed(store, "validation", "INVALID_FRAME", "Unsupported frame type");
    }
    if (!state) {
      return failed(store, "session_error", "NOT_OPEN", "Send an open frame first");
    }
    store.touch(session);
    return step(raw, state, store);
  }
  let frame: unknown;
  try {
    frame = JSON.parse(raw);
  } catch (err) {
    const reason = err instanceof SyntaxError ? err.message : "too deeply nested";
    return failed(store, "invalid_json", "INVALID_JSON", `Invalid JSON: ${reason}`);
  }
  if (!isObject(frame)) {
    return failed(store, "validation", "VALIDATION_ERROR", "A frame must be a JSON object");
  }
  store.touch(session);
  switch (frame.type) {
    case "open":
      return open(frame, session, store);
    case "reset": {
      if (!state) return failed(store, "session_error", "NOT_OPEN", "Send an open frame first");
      const parsed = VectorResetSchema.safeParse(frame);
      if (!parsed.success) {
        return failed(store, "validation", "VALIDATION_ERROR", zodMessage(parsed.error));
      }
      return reset(state, parsed.data.seed, store);
    }
    case "close": {
      const parsed = VectorCloseSchema.safeParse(frame);
      if (!parsed.success) {
        return failed(store, "validation", "VALIDATION_ERROR", zodMessage(parsed.error));
      }
      return { close: true };
    }
    default:
      return failed(
        store,
        "unknown_type",
        "UNKNOWN_TYPE",
        `Unknown message type: ${
          describe(frame.type)
        } (expected open, reset, close or a binary step)`,
      );
  }
}
