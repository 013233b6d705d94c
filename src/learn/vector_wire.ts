/**
 * The binary frames of the vectorised wire protocol (`/ws/vector`): one frame steps N
 * environments. All numbers little-endian; every section starts at a multiple of 8 bytes from
 * the frame start (zero padding), so a reader can view it as a typed array in place.
 *
 * Header (both directions): six `u32`: magic `0x31565441` ("ATV1"), kind, `numEnvs`, then
 * three counts (kind-specific, 0 when unused).
 *
 * **Step request** (client -> server, kind {@link KIND_STEP_REQUEST}): header
 * `[magic, 16, numEnvs, slots, 0, 0]`, then `i8 actions[numEnvs * slots]`: the decision code
 * (0 INVESTIGATE, 1 IGNORE, 2 ESCALATE, 3 DELAY) for queue position `j` of environment `i` at
 * `i * slots + j`. Codes past an environment's queue are ignored; INVESTIGATEs beyond the
 * tick's budget become DELAY in queue order (as in the in-process `VectorEnv`).
 *
 * **Observation block** `OBS(M, A)` (M environments holding A queued alerts in total):
 * `u16 queueLength[M]`, `u16 load[M]`, `u16 timeRemaining[M]`, `u16 budget[M]`,
 * `u16 escalations[M]`, `u16 tick[M]`, then the alerts of environment 0, 1, ... in queue order:
 * `u16 severity[A]`, `u16 confidence[A]`, `u16 age[A]`, `u8 type[A]` (ALERT_TYPES order),
 * `u8 service[A]` (index in the task's service list). `load`, `severity` and `confidence` are
 * the observation's 4-decimal values times 10,000 (so `k / 10000` is exactly the JSON value).
 *
 * **Reset reply** (kind {@link KIND_RESET}): header `[magic, 1, N, A, 0, 0]`,
 * `f64 seeds[N]` (episode seed per environment), `OBS(N, A)`.
 *
 * **Step reply** (kind {@link KIND_STEP}): header `[magic, 2, N, A, D, F]`, `f64 rewards[N]`,
 * `u8 terminated[N]`, `u8 truncated[N]`, `f64 seeds[N]` (the running episode's seed), the D
 * episodes that ended at this step: `u32 env[D]`, `f64 return[D]`, `f64 score[D]` (the task
 * grader's score), `f64 seed[D]`, `u32 length[D]`; then `OBS(N, A)`; then, in `SameStep`
 * mode, `OBS(D, F)`: the last observation of each ended episode (in `env` order).
 *
 * @example
 * ```ts
 * import { decodeStepRequest, encodeStepRequest } from "./vector_wire.ts";
 * const frame = encodeStepRequest(new Int8Array([1, 3, 0, 2]), 2, 2);
 * const actions = decodeStepRequest(frame, 2, 2);
 * console.assert(typeof actions !== "string" && actions[3] === 2);
 * ```
 *
 * @module
 */
import type { World } from "../sim/world.ts";
import { align8, HEADER_BYTES, resetBytes, stepLayout } from "./vector_layout.ts";
import { FrameBuffer } from "./frame_buffer.ts";

export { HEADER_BYTES } from "./vector_layout.ts";

/** Magic number opening every binary frame ("ATV1" in ASCII, little-endian). */
export const VECTOR_MAGIC = 0x31565441;
/** Kind of a reset reply. */
export const KIND_RESET = 1;
/** Kind of a step reply. */
export const KIND_STEP = 2;
/** Kind of a step request. */
export const KIND_STEP_REQUEST = 16;
/** Name and version of the protocol (in the `opened` reply). */
export const VECTOR_PROTOCOL = "alert-triage-vector/1";

/** Encodes a step request (see the module doc). */
export function encodeStepRequest(
  actions: ArrayLike<number>,
  numEnvs: number,
  slots: number,
): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + numEnvs * slots);
  const head = new Uint32Array(out.buffer, 0, 6);
  head[0] = VECTOR_MAGIC;
  head[1] = KIND_STEP_REQUEST;
  head[2] = numEnvs;
  head[3] = slots;
  const codes = new Int8Array(out.buffer, HEADER_BYTES, numEnvs * slots);
  codes.set(actions);
  return out;
}

/**
 * Reads a step request for `numEnvs x slots`; returns the action codes (a view, no copy) or a
 * message saying what is wrong with the frame.
 */
export function decodeStepRequest(
  frame: Uint8Array,
  numEnvs: number,
  slots: number,
): Int8Array | string {
  const want = HEADER_BYTES + numEnvs * slots;
  if (frame.byteLength < HEADER_BYTES) {
    return `frame of ${frame.byteLength} bytes is shorter than the ${HEADER_BYTES}-byte header`;
  }
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const magic = view.getUint32(0, true);
  if (magic !== VECTOR_MAGIC) return `bad magic 0x${magic.toString(16)} (expected 0x31565441)`;
  const kind = view.getUint32(4, true);
  if (kind !== KIND_STEP_REQUEST) return `frame kind ${kind} is not a step request (16)`;
  const n = view.getUint32(8, true), s = view.getUint32(12, true);
  if (n !== numEnvs || s !== slots) {
    return `frame is for ${n} envs x ${s} slots; this session has ${numEnvs} x ${slots}`;
  }
  const r1 = view.getUint32(16, true), r2 = view.getUint32(20, true);
  if (r1 !== 0 || r2 !== 0) {
    return `header counts 5 and 6 must be 0 in a step request, got ${r1}, ${r2}`;
  }
  if (frame.byteLength !== want) {
    return `step request must be ${want} bytes (${numEnvs} x ${slots} codes), got ${frame.byteLength}`;
  }
  const codes = new Int8Array(frame.buffer, frame.byteOffset + HEADER_BYTES, numEnvs * slots);
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c < 0 || c > 3) {
      return `actions[${i}] (env ${Math.floor(i / slots)}, slot ${
        i % slots
      }): code ${c} is not 0..3`;
    }
  }
  return codes;
}

/** Writes observation blocks; `start` sets the block's environment count and alert count. */
class ObsWriter {
  #u16!: Uint16Array;
  #u8!: Uint8Array;
  #m = 0;
  #a = 0;
  #base = 0;
  #alert = 0;

  start(u8: Uint8Array, offset: number, m: number, a: number): void {
    this.#u8 = u8;
    this.#u16 = new Uint16Array(u8.buffer, u8.byteOffset, u8.byteLength >> 1);
    this.#m = m;
    this.#a = a;
    this.#base = offset >> 1;
    this.#alert = 0;
  }

  /** Writes environment `k` (0-based within the block) from its world. */
  put(k: number, w: World): void {
    const u16 = this.#u16, m = this.#m, a = this.#a, b = this.#base;
    const q = w.queueLength;
    u16[b + k] = q;
    u16[b + m + k] = Math.round(w.load * 10000);
    u16[b + 2 * m + k] = Math.max(0, w.config.horizon - w.tick);
    u16[b + 3 * m + k] = w.budget;
    u16[b + 4 * m + k] = w.escalationCount;
    u16[b + 5 * m + k] = w.tick;
    const al = b + (align8(12 * m) >> 1);
    const sevAt = al, confAt = al + a, ageAt = al + 2 * a;
    const bytesAt = (b << 1) + align8(12 * m) + align8(6 * a);
    const u8 = this.#u8, svcAt = bytesAt + a, tick = w.tick;
    const queue = w.queue, sev = w.aVisSev, conf = w.aConf, arrived = w.aArrived;
    const type = w.aType, service = w.aService;
    let j = this.#alert;
    for (let i = 0; i < q; i++, j++) {
      const x = queue[i];
      u16[sevAt + j] = Math.round(sev[x] * 10000);
      u16[confAt + j] = Math.round(conf[x] * 10000);
      u16[ageAt + j] = tick - arrived[x];
      u8[bytesAt + j] = type[x];
      u8[svcAt + j] = service[x];
    }
    this.#alert = j;
  }
}

/**
 * Builds the reset and step replies of one session into a reusable buffer (grown on demand):
 * the server keeps one per socket, so stepping allocates only the reply's view.
 */
export class FrameWriter {
  readonly #frames = new FrameBuffer();
  readonly #obs: ObsWriter = new ObsWriter();

  #header(out: Uint8Array, kind: number, n: number, a: number, d: number, f: number): void {
    const h = new Uint32Array(out.buffer, out.byteOffset, 6);
    h[0] = VECTOR_MAGIC;
    h[1] = kind;
    h[2] = n;
    h[3] = a;
    h[4] = d;
    h[5] = f;
  }

  /** The reset reply of `worlds` playing `seeds` (a view into the writer's buffer). */
  reset(worlds: readonly World[], seeds: Float64Array): Uint8Array {
    const n = worlds.length;
    let a = 0;
    for (let i = 0; i < n; i++) a += worlds[i].queueLength;
    const seedsAt = HEADER_BYTES, obsAt = seedsAt + 8 * n;
    const out = this.#frames.reserve(resetBytes(n, a));
    this.#header(out, KIND_RESET, n, a, 0, 0);
    new Float64Array(out.buffer, out.byteOffset + seedsAt, n).set(seeds);
    this.#obs.start(out, obsAt, n, a);
    for (let i = 0; i < n; i++) this.#obs.put(i, worlds[i]);
    return out;
  }

  /**
   * The step reply: the step's results, the observations of `worlds`, and in `SameStep` mode
   * the final observations captured in `finals` (see {@link FinalObservations}).
   */
  step(
    worlds: readonly World[],
    result: StepArrays,
    finals: FinalObservations | null,
  ): Uint8Array {
    const n = worlds.length;
    let a = 0, d = 0;
    for (let i = 0; i < n; i++) {
      a += worlds[i].queueLength;
      d += result.episodeDone[i];
    }
    const f = finals ? finals.alerts : 0;
    const layout = stepLayout(n, a, d, f);
    const { rewardsAt, termAt, truncAt, seedsAt, envAt, retAt, scoreAt, epSeedAt } = layout;
    const { lenAt, obsAt, finalAt } = layout;
    const out = this.#frames.reserve(finals ? layout.endWithFinal : layout.end);
    this.#header(out, KIND_STEP, n, a, d, f);
    const buf = out.buffer, o = out.byteOffset;
    new Float64Array(buf, o + rewardsAt, n).set(result.rewards);
    out.set(result.terminations, termAt);
    out.set(result.truncations, truncAt);
    new Float64Array(buf, o + seedsAt, n).set(result.seeds);
    if (d > 0) {
      const env = new Uint32Array(buf, o + envAt, d);
      const ret = new Float64Array(buf, o + retAt, d);
      const score = new Float64Array(buf, o + scoreAt, d);
      const seed = new Float64Array(buf, o + epSeedAt, d);
      const len = new Uint32Array(buf, o + lenAt, d);
      for (let i = 0, k = 0; i < n; i++) {
        if (!result.episodeDone[i]) continue;
        env[k] = i;
        ret[k] = result.episodeReturn[i];
        score[k] = result.episodeScore[i];
        seed[k] = result.episodeSeed[i];
        len[k] = result.episodeLength[i];
        k++;
      }
    }
    this.#obs.start(out, obsAt, n, a);
    for (let i = 0; i < n; i++) this.#obs.put(i, worlds[i]);
    if (finals && d > 0) finals.copyInto(out, finalAt, d);
    return out;
  }
}

/** What {@link FrameWriter.step} reads from a batch. */
export interface StepArrays {
  /** Reward per environment. */
  readonly rewards: Float64Array;
  /** Terminated flags. */
  readonly terminations: Uint8Array;
  /** Truncated flags. */
  readonly truncations: Uint8Array;
  /** Seed of the running episode. */
  readonly seeds: Float64Array;
  /** Episode ended at this step. */
  readonly episodeDone: Uint8Array;
  /** Return of the ended episode. */
  readonly episodeReturn: Float64Array;
  /** Grader score of the ended episode. */
  readonly episodeScore: Float64Array;
  /** Seed of the ended episode. */
  readonly episodeSeed: Float64Array;
  /** Length of the ended episode. */
  readonly episodeLength: Int32Array;
}

/**
 * The last observations of the episodes that ended in one `SameStep` step, captured (in
 * environment order) before their worlds are reset.
 */
export class FinalObservations {
  #count = 0;
  /** Alerts captured so far. */
  alerts = 0;
  readonly #obs = new ObsWriter();
  readonly #maxQueue: number;
  readonly #capacity: number;

  /** Room for `numEnvs` observations of at most `maxQueue` alerts. */
  constructor(numEnvs: number, maxQueue: number) {
    this.#maxQueue = maxQueue;
    this.#capacity = numEnvs;
  }

  /** Forgets the captured observations (call before each step). */
  clear(): void {
    this.#count = 0;
    this.alerts = 0;
  }

  readonly #staged: World[] = [];
  readonly #records: Snapshot[] = [];

  /** Captures the observation of `world` (its episode just ended). */
  capture(world: World): void {
    // Worlds are reset right after; copy the visible state into a private world-shaped record.
    const q = world.queueLength;
    const rec = this.#records[this.#count] ??= snapshotWorld(this.#maxQueue);
    rec.queueLength = q;
    rec.load = world.load;
    rec.tick = world.tick;
    rec.budget = world.budget;
    rec.escalationCount = world.escalationCount;
    rec.config = world.config;
    for (let i = 0; i < q; i++) {
      const x = world.queue[i];
      rec.aVisSev[i] = world.aVisSev[x];
      rec.aConf[i] = world.aConf[x];
      rec.aArrived[i] = world.aArrived[x];
      rec.aType[i] = world.aType[x];
      rec.aService[i] = world.aService[x];
    }
    this.#staged[this.#count] = rec as unknown as World;
    this.#count++;
    this.alerts += q;
    if (this.#count > this.#capacity) throw new RangeError("more final observations than envs");
  }

  /** Writes the captured observations as `OBS(d, alerts)` at `offset` of `out`. */
  copyInto(out: Uint8Array, offset: number, d: number): void {
    this.#obs.start(out, offset, d, this.alerts);
    for (let k = 0; k < d; k++) this.#obs.put(k, this.#staged[k]);
  }
}

/** The part of a world an observation block reads, with the queue laid out in order. */
interface Snapshot {
  queueLength: number;
  load: number;
  tick: number;
  budget: number;
  escalationCount: number;
  config: World["config"];
  queue: Int32Array;
  aVisSev: Float64Array;
  aConf: Float64Array;
  aArrived: Int32Array;
  aType: Int8Array;
  aService: Int16Array;
}

function snapshotWorld(maxQueue: number): Snapshot {
  return {
    queueLength: 0,
    load: 0,
    tick: 0,
    budget: 0,
    escalationCount: 0,
    config: undefined as unknown as World["config"],
    queue: Int32Array.from({ length: maxQueue }, (_, i) => i),
    aVisSev: new Float64Array(maxQueue),
    aConf: new Float64Array(maxQueue),
    aArrived: new Int32Array(maxQueue),
    aType: new Int8Array(maxQueue),
    aService: new Int16Array(maxQueue),
  };
}

/** An observation block read in place (see the module doc). */
export interface ObsBlock {
  /** Environments in the block. */
  readonly envs: number;
  /** Alerts in the block. */
  readonly alerts: number;
  /** Queue length per environment. */
  readonly queueLength: Uint16Array;
  /** System load x 10,000. */
  readonly load: Uint16Array;
  /** Ticks left. */
  readonly timeRemaining: Uint16Array;
  /** INVESTIGATE decisions allowed. */
  readonly budget: Uint16Array;
  /** Escalations pending. */
  readonly escalations: Uint16Array;
  /** Current tick. */
  readonly tick: Uint16Array;
  /** Visible severity x 10,000 per alert. */
  readonly severity: Uint16Array;
  /** Confidence x 10,000 per alert. */
  readonly confidence: Uint16Array;
  /** Age per alert. */
  readonly age: Uint16Array;
  /** Alert type index per alert. */
  readonly type: Uint8Array;
  /** Service index per alert. */
  readonly service: Uint8Array;
}

/** A reset or step reply read in place (typed-array views into the frame). */
export interface VectorFrame {
  /** {@link KIND_RESET} or {@link KIND_STEP}. */
  readonly kind: number;
  /** Environments. */
  readonly numEnvs: number;
  /** Episode seed per environment (running episode). */
  readonly seeds: Float64Array;
  /** Step replies: reward per environment (empty for a reset). */
  readonly rewards: Float64Array;
  /** Step replies: terminated flags. */
  readonly terminated: Uint8Array;
  /** Step replies: truncated flags. */
  readonly truncated: Uint8Array;
  /** Environments whose episode ended at this step. */
  readonly doneEnv: Uint32Array;
  /** Return of each ended episode. */
  readonly doneReturn: Float64Array;
  /** Grader score of each ended episode. */
  readonly doneScore: Float64Array;
  /** Seed of each ended episode. */
  readonly doneSeed: Float64Array;
  /** Length of each ended episode. */
  readonly doneLength: Uint32Array;
  /** The observations. */
  readonly obs: ObsBlock;
  /** `SameStep`: the last observation of each ended episode (null otherwise). */
  readonly final: ObsBlock | null;
}

function readObs(buf: ArrayBufferLike, at: number, m: number, a: number): ObsBlock {
  const u16 = (k: number, len: number) => new Uint16Array(buf, at + 2 * k, len);
  const al = align8(12 * m), bytes = at + al + align8(6 * a);
  return {
    envs: m,
    alerts: a,
    queueLength: u16(0, m),
    load: u16(m, m),
    timeRemaining: u16(2 * m, m),
    budget: u16(3 * m, m),
    escalations: u16(4 * m, m),
    tick: u16(5 * m, m),
    severity: new Uint16Array(buf, at + al, a),
    confidence: new Uint16Array(buf, at + al + 2 * a, a),
    age: new Uint16Array(buf, at + al + 4 * a, a),
    type: new Uint8Array(buf, bytes, a),
    service: new Uint8Array(buf, bytes + a, a),
  };
}

/**
 * Reads a reset or step reply (`frame` must start at an 8-byte aligned offset, as a received
 * `ArrayBuffer` does); throws a RangeError for anything else.
 */
export function decodeFrame(frame: ArrayBuffer | Uint8Array): VectorFrame {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  if (bytes.byteOffset % 8 !== 0) throw new RangeError("frame must be 8-byte aligned");
  if (bytes.byteLength < HEADER_BYTES) throw new RangeError("frame shorter than its header");
  const buf = bytes.buffer, o = bytes.byteOffset;
  const [magic, kind, n, a, d, f] = new Uint32Array(buf, o, 6);
  if (magic !== VECTOR_MAGIC) throw new RangeError(`bad magic 0x${magic.toString(16)}`);
  if (kind === KIND_RESET) {
    const seeds = new Float64Array(buf, o + HEADER_BYTES, n);
    return {
      kind,
      numEnvs: n,
      seeds,
      rewards: new Float64Array(0),
      terminated: new Uint8Array(0),
      truncated: new Uint8Array(0),
      doneEnv: new Uint32Array(0),
      doneReturn: new Float64Array(0),
      doneScore: new Float64Array(0),
      doneSeed: new Float64Array(0),
      doneLength: new Uint32Array(0),
      obs: readObs(buf, o + HEADER_BYTES + 8 * n, n, a),
      final: null,
    };
  }
  if (kind !== KIND_STEP) throw new RangeError(`unknown frame kind ${kind}`);
  const layout = stepLayout(n, a, d, f);
  const { termAt, truncAt, seedsAt, envAt, retAt, scoreAt, epSeedAt, lenAt, obsAt } = layout;
  const hasFinal = bytes.byteLength >= layout.endWithFinal && d > 0 &&
    bytes.byteLength > layout.finalAt;
  return {
    kind,
    numEnvs: n,
    rewards: new Float64Array(buf, o + HEADER_BYTES, n),
    terminated: new Uint8Array(buf, o + termAt, n),
    truncated: new Uint8Array(buf, o + truncAt, n),
    seeds: new Float64Array(buf, o + seedsAt, n),
    doneEnv: new Uint32Array(buf, o + envAt, d),
    doneReturn: new Float64Array(buf, o + retAt, d),
    doneScore: new Float64Array(buf, o + scoreAt, d),
    doneSeed: new Float64Array(buf, o + epSeedAt, d),
    doneLength: new Uint32Array(buf, o + lenAt, d),
    obs: readObs(buf, o + obsAt, n, a),
    final: hasFinal ? readObs(buf, o + layout.finalAt, d, f) : null,
  };
}
