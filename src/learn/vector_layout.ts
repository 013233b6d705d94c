/**
 * Where the sections of the `/ws/vector` binary replies lie (the format is described in
 * `vector_wire.ts`): the header size, the size of an observation block, and the offsets of a
 * step reply's sections. The writer ({@link stepLayout}'s users: `FrameWriter`), the reader
 * (`decodeFrame`) and the merger of shard frames (`frame_merge.ts`) all take them from here.
 *
 * @example
 * ```ts
 * import { HEADER_BYTES, stepLayout } from "./vector_layout.ts";
 * const layout = stepLayout(4, 10, 1, 3);
 * console.assert(layout.rewardsAt === HEADER_BYTES && layout.endWithFinal > layout.end);
 * ```
 *
 * @module
 */

/** Bytes of the header. */
export const HEADER_BYTES = 24;

/** `n` rounded up to a multiple of 8 (every section starts 8-byte aligned). */
export const align8 = (n: number): number => (n + 7) & ~7;

/** Bytes of an observation block of `m` environments and `a` alerts. */
export function obsBytes(m: number, a: number): number {
  return align8(12 * m) + align8(6 * a) + align8(2 * a);
}

/** Where each section of a step reply starts (bytes from the frame start), and its size. */
export interface StepLayout {
  /** `f64 rewards[N]`. */
  rewardsAt: number;
  /** `u8 terminated[N]`. */
  termAt: number;
  /** `u8 truncated[N]`. */
  truncAt: number;
  /** `f64 seeds[N]`. */
  seedsAt: number;
  /** `u32 env[D]`. */
  envAt: number;
  /** `f64 return[D]`. */
  retAt: number;
  /** `f64 score[D]`. */
  scoreAt: number;
  /** `f64 seed[D]`. */
  epSeedAt: number;
  /** `u32 length[D]`. */
  lenAt: number;
  /** `OBS(N, A)`. */
  obsAt: number;
  /** `OBS(D, F)` (`SameStep` only). */
  finalAt: number;
  /** Bytes of the frame without final observations. */
  end: number;
  /** Bytes of the frame with `OBS(D, F)`. */
  endWithFinal: number;
}

/** The layout of a step reply of `n` envs, `a` alerts, `d` ended episodes, `f` final alerts. */
export function stepLayout(n: number, a: number, d: number, f: number): StepLayout {
  const rewardsAt = HEADER_BYTES;
  const termAt = rewardsAt + 8 * n;
  const truncAt = termAt + align8(n);
  const seedsAt = truncAt + align8(n);
  const envAt = seedsAt + 8 * n;
  const retAt = envAt + align8(4 * d);
  const scoreAt = retAt + 8 * d;
  const epSeedAt = scoreAt + 8 * d;
  const lenAt = epSeedAt + 8 * d;
  const obsAt = lenAt + align8(4 * d);
  const finalAt = obsAt + obsBytes(n, a);
  const end = finalAt;
  return {
    rewardsAt,
    termAt,
    truncAt,
    seedsAt,
    envAt,
    retAt,
    scoreAt,
    epSeedAt,
    lenAt,
    obsAt,
    finalAt,
    end,
    endWithFinal: end + obsBytes(d, f),
  };
}

/** Bytes of a reset reply of `n` envs holding `a` alerts. */
export function resetBytes(n: number, a: number): number {
  return HEADER_BYTES + 8 * n + obsBytes(n, a);
}
