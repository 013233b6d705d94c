/**
 * The two number helpers every layer uses: clamping to [0, 1] and rounding wire values to 4
 * decimals (so they are short and identical everywhere).
 *
 * @example
 * ```ts
 * import { clamp01, round4 } from "./numbers.ts";
 * console.assert(clamp01(1.5) === 1 && round4(0.123456) === 0.1235);
 * ```
 *
 * @module
 */

/** Clamps to [0, 1]. */
export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Rounds to 4 decimals. */
export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
