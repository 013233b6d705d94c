/**
 * One reply frame of `/ws/vector` from the frames of its shards: a session whose N environments
 * are split into contiguous shards (environments `[start, start + M)` each, in order) has each
 * shard write the reset or step reply of its own environments (`FrameWriter`), and
 * {@link FrameMerger} joins them, section by section, into the reply the whole batch would
 * have written: per-environment arrays at the shard's `start`, ended episodes and alerts after
 * those of the shards before it (ended environments renumbered by `start`). The bytes are
 * those of one `FrameWriter` over all N environments (zero padding included).
 *
 * @example
 * ```ts
 * import { FrameMerger } from "./frame_merge.ts";
 * import { FrameWriter } from "./vector_wire.ts";
 * import { WorldBatch } from "./world_batch.ts";
 * import { hard } from "../../tasks/hard.ts";
 * const whole = new WorldBatch({ task: hard, numEnvs: 3, seed: 0 });
 * whole.reset();
 * const left = new WorldBatch({ task: hard, numEnvs: 1, nextSeed: (i) => whole.seeds[i] });
 * const right = new WorldBatch({ task: hard, numEnvs: 2, nextSeed: (i) => whole.seeds[1 + i] });
 * left.reset();
 * right.reset();
 * const merged = new FrameMerger().merge(
 *   [new FrameWriter().reset(left.worlds, left.seeds), new FrameWriter().reset(right.worlds, right.seeds)],
 *   [0, 1],
 * );
 * const expected = new FrameWriter().reset(whole.worlds, whole.seeds);
 * console.assert(merged.length === expected.length && merged.every((b, i) => b === expected[i]));
 * ```
 *
 * @module
 */
import { HEADER_BYTES, resetBytes, stepLayout } from "./vector_layout.ts";
import { decodeFrame, KIND_RESET, type ObsBlock, VECTOR_MAGIC } from "./vector_wire.ts";
import { FrameBuffer } from "./frame_buffer.ts";

/** The per-environment arrays of an observation block. */
const ENV_FIELDS = [
  "queueLength",
  "load",
  "timeRemaining",
  "budget",
  "escalations",
  "tick",
] as const;
/** The per-alert arrays of an observation block. */
const ALERT_FIELDS = ["severity", "confidence", "age", "type", "service"] as const;

/** Copies `part`'s observation block into `out`'s at environment `env` and alert `alert`. */
function mergeObs(out: ObsBlock, part: ObsBlock, env: number, alert: number): void {
  for (const k of ENV_FIELDS) out[k].set(part[k], env);
  for (const k of ALERT_FIELDS) out[k].set(part[k], alert);
}

/** Joins shard frames into one reply, in a reusable buffer (see the module doc). */
export class FrameMerger {
  readonly #frames = new FrameBuffer();

  /**
   * The reply of the whole batch from `parts` (reset or step replies of the same kind, each
   * 8-byte aligned), the frame of environments `[starts[k], starts[k] + M_k)` at `k`. The
   * result is a view into the merger's buffer, valid until its next merge.
   */
  merge(parts: readonly Uint8Array[], starts: readonly number[]): Uint8Array {
    const frames = parts.map((p) => decodeFrame(p));
    let n = 0, a = 0, d = 0, f = 0, final = false;
    for (const fr of frames) {
      n += fr.numEnvs;
      a += fr.obs.alerts;
      d += fr.doneEnv.length;
      f += fr.final ? fr.final.alerts : 0;
      final ||= fr.final !== null;
    }
    const kind = frames[0].kind;
    const layout = stepLayout(n, a, d, f);
    const bytes = kind === KIND_RESET ? resetBytes(n, a) : final ? layout.endWithFinal : layout.end;
    const out = this.#frames.reserve(bytes);
    const head = new Uint32Array(out.buffer, out.byteOffset, HEADER_BYTES >> 2);
    head.set([VECTOR_MAGIC, kind, n, a, kind === KIND_RESET ? 0 : d, kind === KIND_RESET ? 0 : f]);
    const whole = decodeFrame(out);
    let done = 0, alert = 0, finalAlert = 0;
    for (let k = 0; k < frames.length; k++) {
      const part = frames[k], start = starts[k];
      whole.seeds.set(part.seeds, start);
      if (kind !== KIND_RESET) {
        whole.rewards.set(part.rewards, start);
        whole.terminated.set(part.terminated, start);
        whole.truncated.set(part.truncated, start);
      }
      const dk = part.doneEnv.length;
      for (let j = 0; j < dk; j++) whole.doneEnv[done + j] = part.doneEnv[j] + start;
      whole.doneReturn.set(part.doneReturn, done);
      whole.doneScore.set(part.doneScore, done);
      whole.doneSeed.set(part.doneSeed, done);
      whole.doneLength.set(part.doneLength, done);
      mergeObs(whole.obs, part.obs, start, alert);
      if (part.final && whole.final) {
        mergeObs(whole.final, part.final, done, finalAlert);
        finalAlert += part.final.alerts;
      }
      done += dk;
      alert += part.obs.alerts;
    }
    return out;
  }
}
