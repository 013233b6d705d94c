/**
 * The fixed-size numeric encoding of an observation that the learners use: one row of
 * {@link SLOT_FEATURES} numbers per alert slot, a row of {@link GLOBAL_FEATURES} numbers of
 * global context, a slot-validity mask and per-slot action masks.
 *
 * Everything here is computed from what an {@link Observation} shows (plus the task's public
 * service catalogue, which names the dependency graph), so the vector environment and the
 * {@link PpoAgent} produce bit-identical inputs: both fill a {@link RawQueue} and call
 * {@link FeatureEncoder.encode}.
 *
 * Slot features (in order):
 * - visible severity, confidence, severity x confidence;
 * - age: `min(age, 8) / 4` and a one-hot of age 0, 1, 2, 3, 4+ (noise, symptoms and transients
 *   leave the queue within a few ticks; critical alerts never do, so age is evidence);
 * - one-hot alert type (6);
 * - one-hot service, by position in the full catalogue (12, so every task has the same width);
 * - relational counts over the queue, divided by 4: other alerts on the same service, alerts on
 *   services that directly depend on this one (loud downstream symptoms point at a mild root),
 *   alerts on services this one depends on (upstream trouble: this may be a symptom), and alerts
 *   on services transitively downstream;
 * - rank of severity x confidence in the queue (0 = highest, 1 = lowest), and the gap to the
 *   highest severity x confidence.
 *
 * Global features: system load, budget / K, time remaining / horizon, escalations pending / 4,
 * queue length / max queue, tick / horizon, and the mean severity and mean confidence of the
 * queue.
 *
 * @example
 * ```ts
 * import { FeatureEncoder, GLOBAL_FEATURES, SLOT_FEATURES } from "./features.ts";
 * import { DEFAULT_WORLD } from "../sim/world_config.ts";
 * const enc = new FeatureEncoder(DEFAULT_WORLD);
 * const slots = new Float32Array(enc.slots * SLOT_FEATURES);
 * const global = new Float32Array(GLOBAL_FEATURES);
 * const valid = new Uint8Array(enc.slots);
 * const mask = new Uint8Array(enc.slots * 4);
 * enc.raw.length = 0;
 * enc.encode(slots, 0, global, 0, valid, 0, mask, 0);
 * ```
 *
 * @module
 */
import { ALERT_TYPES, type Observation } from "../models.ts";
import { SERVICE_CATALOG } from "../sim/services.ts";

/** Numbers per alert slot. */
export const SLOT_FEATURES = 33;
/** Numbers of global context per observation. */
export const GLOBAL_FEATURES = 8;
/** Decisions per alert (INVESTIGATE, IGNORE, ESCALATE, DELAY). */
export const NUM_ACTIONS = 4;

const F_AGE = 3;
const F_AGE_ONEHOT = 4;
const F_TYPE = 9;
const F_SERVICE = F_TYPE + ALERT_TYPES.length;
const F_REL = F_SERVICE + SERVICE_CATALOG.length;

/**
 * What the encoder needs to know about a task's world (a `WorldConfig` has all of it;
 * policy files store it so that an agent can encode without the task registry).
 */
export interface EncodingConfig {
  /** The task's services, in world order, with their dependencies. */
  readonly services: readonly { readonly name: string; readonly dependsOn: readonly string[] }[];
  /** Base investigation budget. */
  readonly k: number;
  /** Episode horizon in ticks. */
  readonly horizon: number;
  /** Queue capacity. */
  readonly maxQueue: number;
}

/**
 * The raw visible queue of one observation, as typed arrays: what both the vector environment
 * (from the world) and the agent (from an {@link Observation}) fill before encoding.
 */
export class RawQueue {
  /** Alerts in the queue (at most the slot count; later ones are not encoded). */
  length = 0;
  /** Visible severity per alert (rounded to 4 decimals). */
  readonly severity: Float64Array;
  /** Confidence per alert (rounded to 4 decimals). */
  readonly confidence: Float64Array;
  /** Alert type index (ALERT_TYPES order) per alert. */
  readonly type: Int8Array;
  /** Service index within the task's services per alert. */
  readonly service: Int16Array;
  /** Age in ticks per alert. */
  readonly age: Int32Array;
  /** System load (rounded to 4 decimals). */
  load = 0;
  /** INVESTIGATE decisions allowed this tick. */
  budget = 0;
  /** Ticks left before the horizon. */
  timeRemaining = 0;
  /** Escalations pending. */
  escalations = 0;
  /** Alerts waiting (may exceed `length` if the queue is longer than the slots). */
  queueLength = 0;
  /** Current tick. */
  tick = 0;

  /** Allocates room for `slots` alerts. */
  constructor(slots: number) {
    this.severity = new Float64Array(slots);
    this.confidence = new Float64Array(slots);
    this.type = new Int8Array(slots);
    this.service = new Int16Array(slots);
    this.age = new Int32Array(slots);
  }
}

/**
 * Encodes a {@link RawQueue} into slot and global features and masks for one task's world.
 * Allocates only in its constructor.
 */
export class FeatureEncoder {
  /** Alert slots per observation (the task's queue capacity). */
  readonly slots: number;
  /** The scratch queue to fill before calling {@link FeatureEncoder.encode}. */
  readonly raw: RawQueue;
  readonly #config: EncodingConfig;
  /** Catalogue position of each task service. */
  readonly #catalogIndex: Int16Array;
  /** Flattened adjacency: [s * S + t] = 1 if t depends directly on s. */
  readonly #downstream: Uint8Array;
  /** [s * S + t] = 1 if t depends (transitively) on s. */
  readonly #reach: Uint8Array;
  readonly #perService: Int32Array;
  readonly #scores: Float64Array;

  /** Builds an encoder for a world configuration. */
  constructor(config: EncodingConfig, slots: number = config.maxQueue) {
    this.#config = config;
    this.slots = slots;
    this.raw = new RawQueue(slots);
    const services = config.services;
    const n = services.length;
    this.#catalogIndex = new Int16Array(n);
    services.forEach((s, i) => {
      const c = SERVICE_CATALOG.findIndex((x) => x.name === s.name);
      this.#catalogIndex[i] = c < 0 ? i % SERVICE_CATALOG.length : c;
    });
    const index = new Map(services.map((s, i) => [s.name, i]));
    this.#downstream = new Uint8Array(n * n);
    services.forEach((s, t) => {
      for (const d of s.dependsOn) {
        const si = index.get(d);
        if (si !== undefined) this.#downstream[si * n + t] = 1;
      }
    });
    this.#reach = new Uint8Array(this.#downstream);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        if (!this.#reach[i * n + k]) continue;
        for (let j = 0; j < n; j++) if (this.#reach[k * n + j]) this.#reach[i * n + j] = 1;
      }
    }
    this.#perService = new Int32Array(n);
    this.#scores = new Float64Array(slots);
  }

  /** Index of a service name among the task's services, -1 if unknown. */
  serviceIndex(name: string): number {
    return this.#config.services.findIndex((s) => s.name === name);
  }

  /**
   * Writes the features of {@link FeatureEncoder.raw} at the given offsets (in numbers, not
   * rows): `slots` rows of SLOT_FEATURES, one row of GLOBAL_FEATURES, `slots` validity bytes
   * and `slots` x 4 action-mask bytes (INVESTIGATE allowed while the budget is positive; the
   * at-most-K rule is applied by the policy when it picks decisions).
   */
  encode(
    slotOut: Float32Array,
    slotOff: number,
    globalOut: Float32Array,
    globalOff: number,
    valid: Uint8Array,
    validOff: number,
    mask: Uint8Array,
    maskOff: number,
  ): void {
    const raw = this.raw;
    const cfg = this.#config;
    const n = Math.min(raw.length, this.slots);
    const ns = cfg.services.length;
    const per = this.#perService;
    per.fill(0);
    let sevSum = 0, confSum = 0, best = 0;
    for (let i = 0; i < n; i++) {
      per[raw.service[i]]++;
      sevSum += raw.severity[i];
      confSum += raw.confidence[i];
      const sc = raw.severity[i] * raw.confidence[i];
      this.#scores[i] = sc;
      if (sc > best) best = sc;
    }
    slotOut.fill(0, slotOff, slotOff + this.slots * SLOT_FEATURES);
    valid.fill(0, validOff, validOff + this.slots);
    mask.fill(0, maskOff, maskOff + this.slots * NUM_ACTIONS);
    for (let i = 0; i < n; i++) {
      const o = slotOff + i * SLOT_FEATURES;
      const s = raw.service[i];
      const sc = this.#scores[i];
      const age = raw.age[i];
      slotOut[o] = raw.severity[i];
      slotOut[o + 1] = raw.confidence[i];
      slotOut[o + 2] = sc;
      slotOut[o + F_AGE] = Math.min(age, 8) / 4;
      slotOut[o + F_AGE_ONEHOT + Math.min(age, 4)] = 1;
      slotOut[o + F_TYPE + raw.type[i]] = 1;
      slotOut[o + F_SERVICE + this.#catalogIndex[s]] = 1;
      let down = 0, up = 0, reach = 0, rank = 0;
      for (let t = 0; t < ns; t++) {
        const c = per[t];
        if (c === 0) continue;
        if (this.#downstream[s * ns + t]) down += c;
        if (this.#downstream[t * ns + s]) up += c;
        if (this.#reach[s * ns + t]) reach += c;
      }
      for (let j = 0; j < n; j++) if (this.#scores[j] > sc) rank++;
      slotOut[o + F_REL] = (per[s] - 1) / 4;
      slotOut[o + F_REL + 1] = down / 4;
      slotOut[o + F_REL + 2] = up / 4;
      slotOut[o + F_REL + 3] = reach / 4;
      slotOut[o + F_REL + 4] = n > 1 ? rank / (n - 1) : 0;
      slotOut[o + F_REL + 5] = best - sc;
      valid[validOff + i] = 1;
      const m = maskOff + i * NUM_ACTIONS;
      mask[m] = raw.budget > 0 ? 1 : 0;
      mask[m + 1] = 1;
      mask[m + 2] = 1;
      mask[m + 3] = 1;
    }
    const g = globalOff;
    globalOut[g] = raw.load;
    globalOut[g + 1] = raw.budget / cfg.k;
    globalOut[g + 2] = raw.timeRemaining / cfg.horizon;
    globalOut[g + 3] = raw.escalations / 4;
    globalOut[g + 4] = raw.queueLength / cfg.maxQueue;
    globalOut[g + 5] = raw.tick / cfg.horizon;
    globalOut[g + 6] = n > 0 ? sevSum / n : 0;
    globalOut[g + 7] = n > 0 ? confSum / n : 0;
  }
}

// F_REL + 6 must equal SLOT_FEATURES; checked once at load.
if (F_REL + 6 !== SLOT_FEATURES) throw new Error(`SLOT_FEATURES should be ${F_REL + 6}`);

const TYPE_INDEX: ReadonlyMap<string, number> = new Map(ALERT_TYPES.map((t, i) => [t, i]));

/**
 * Fills `raw` from a wire {@link Observation} (what an agent sees). `serviceIndex` maps service
 * names to the task's service indices; alerts on unknown services or beyond the slots are
 * skipped. `positions[k]` receives the observation index of encoded alert `k`. Returns the
 * number of encoded alerts.
 */
export function fillFromObservation(
  raw: RawQueue,
  observation: Observation,
  serviceIndex: ReadonlyMap<string, number>,
  positions: Int32Array,
): number {
  const slots = raw.age.length;
  let n = 0;
  for (let p = 0; p < observation.alerts.length && n < slots; p++) {
    const a = observation.alerts[p];
    const s = serviceIndex.get(a.service);
    const t = TYPE_INDEX.get(a.alert_type);
    if (s === undefined || t === undefined) continue;
    raw.severity[n] = a.visible_severity;
    raw.confidence[n] = a.confidence;
    raw.type[n] = t;
    raw.service[n] = s;
    raw.age[n] = a.age;
    positions[n] = p;
    n++;
  }
  raw.length = n;
  raw.load = observation.system_load;
  raw.budget = observation.investigation_budget;
  raw.timeRemaining = observation.time_remaining;
  raw.escalations = observation.escalations_pending;
  raw.queueLength = observation.queue_length;
  raw.tick = observation.tick;
  return n;
}
