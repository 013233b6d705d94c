/**
 * The one seeded pseudo-random number generator of an episode (xoroshiro128+ from
 * npm:pure-rand), with state save/restore and the few distributions the world needs.
 * Nothing in alert-triage draws randomness from anywhere else.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const a = new Rng(7), b = new Rng(7);
 * console.assert(a.float() === b.float());
 * ```
 *
 * @module
 */
import { type xoroshiro128plus, xoroshiro128plusFromState } from "./deps.ts";

const TWO_POW_32 = 4294967296;

/** Largest seed accepted (Number.MAX_SAFE_INTEGER). */
export const MAX_SEED: number = Number.MAX_SAFE_INTEGER;

/** SplitMix32 step: scrambles a 32-bit value (used to spread a seed over the 128-bit state). */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) | 0;
}

/** Throws a RangeError unless `seed` is an integer in 0..MAX_SEED. */
export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be an integer in 0..${MAX_SEED}, got ${seed}`);
  }
}

/**
 * A seeded generator. Mutable and allocation-free per draw.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const rng = new Rng(42);
 * const saved = rng.getState();
 * const x = rng.float();
 * console.assert(Rng.fromState(saved).float() === x);
 * ```
 */
export class Rng {
  #gen: ReturnType<typeof xoroshiro128plus>;

  /** Seeds the generator; any safe non-negative integer gives its own stream. */
  constructor(seed: number) {
    assertSeed(seed);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const a = splitmix32(lo ^ 0x5bd1e995);
    const b = splitmix32(hi ^ a);
    const c = splitmix32(a ^ 0x27d4eb2f);
    const d = splitmix32(b ^ c);
    // xoroshiro128+ must not start from the all-zero state.
    this.#gen = xoroshiro128plusFromState([a, b, c, d || 1]);
  }

  /** Rebuilds a generator from {@link Rng.getState}. */
  static fromState(state: readonly number[]): Rng {
    const rng = new Rng(0);
    rng.#gen = xoroshiro128plusFromState(state);
    return rng;
  }

  /** The generator's internal state (four 32-bit integers). */
  getState(): number[] {
    return [...this.#gen.getState()];
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  float(): number {
    return (this.#gen.next() >>> 0) / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.float();
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.float() < p;
  }

  /** Standard normal draw (Box-Muller; one value per call, two uniforms consumed). */
  normal(): number {
    const u = 1 - this.float();
    const v = this.float();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Poisson draw by inversion (fine for the small rates the world uses). */
  poisson(lambda: number): number {
    return this.poissonFrom(Rng.poissonLimit(lambda));
  }

  /**
   * The precomputed form of a Poisson rate for {@link Rng.poissonFrom}: `Math.exp(-lambda)`, or 2
   * (no draw at all) for a rate of 0 or below.
   *
   * @example
   * ```ts
   * import { Rng } from "./rng.ts";
   * const limit = Rng.poissonLimit(0.9);
   * console.assert(new Rng(3).poissonFrom(limit) === new Rng(3).poisson(0.9));
   * ```
   */
  static poissonLimit(lambda: number): number {
    return lambda <= 0 ? 2 : Math.exp(-lambda);
  }

  /**
   * Poisson draw from a rate precomputed by {@link Rng.poissonLimit}: the same draws and result
   * as {@link Rng.poisson} without the `Math.exp` per call.
   */
  poissonFrom(limit: number): number {
    if (limit > 1) return 0;
    let k = 0;
    let p = this.float();
    while (p > limit && k < 64) {
      k++;
      p *= this.float();
    }
    return k;
  }

  /** A 32-bit unsigned integer, e.g. to derive the next episode's seed. */
  uint32(): number {
    return this.#gen.next() >>> 0;
  }
}
