/**
 * Helpers of the world that need none of its state: the replay stream as typed arrays, and
 * weighted picks by cumulative distribution.
 *
 * @example
 * ```ts
 * import { cdf, pick } from "./world_helpers.ts";
 * console.assert(pick(cdf([1, 3]), 0.5) === 1);
 * ```
 *
 * @module
 */
import { clamp01 } from "../numbers.ts";
import { KIND_INDEX, TYPE_INDEX } from "./codes.ts";
import type { WorldConfig } from "./world_config.ts";

/** The replay stream of a configuration as typed arrays (sorted by tick). */
export interface EncodedReplay {
  /** Tick of each replayed alert. */
  tick: Int32Array;
  /** Service index. */
  service: Int16Array;
  /** Alert type code. */
  type: Int8Array;
  /** Kind code. */
  kind: Int8Array;
  /** True severity. */
  trueSev: Float64Array;
  /** Visible severity. */
  visSev: Float64Array;
  /** Confidence. */
  conf: Float64Array;
  /** Life in ticks. */
  life: Int32Array;
}

/** Encodes the configuration's replay stream, sorted by tick; throws for an unknown service. */
export function encodeReplay(config: WorldConfig): EncodedReplay {
  const list = [...(config.replay ?? [])].sort((a, b) => a.tick - b.tick);
  const index = new Map(config.services.map((s, i) => [s.name, i]));
  const n = list.length;
  const out = {
    tick: new Int32Array(n),
    service: new Int16Array(n),
    type: new Int8Array(n),
    kind: new Int8Array(n),
    trueSev: new Float64Array(n),
    visSev: new Float64Array(n),
    conf: new Float64Array(n),
    life: new Int32Array(n),
  };
  list.forEach((r, i) => {
    const s = index.get(r.service);
    if (s === undefined) throw new RangeError(`replayed alert on unknown service ${r.service}`);
    out.tick[i] = r.tick;
    out.service[i] = s;
    out.type[i] = TYPE_INDEX[r.alertType];
    out.kind[i] = KIND_INDEX[r.kind];
    out.trueSev[i] = clamp01(r.trueSeverity);
    out.visSev[i] = clamp01(r.visibleSeverity);
    out.conf[i] = Math.min(0.99, Math.max(0.01, r.confidence));
    out.life[i] = r.life;
  });
  return out;
}

/** Normalised cumulative sums of weights. */
export function cdf(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => out[i] = sum += w);
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** The index whose cumulative share first exceeds u. */
export function pick(cdf: Float64Array, u: number): number {
  for (let i = 0; i < cdf.length - 1; i++) if (u < cdf[i]) return i;
  return cdf.length - 1;
}
