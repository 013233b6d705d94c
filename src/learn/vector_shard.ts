/**
 * One shard of a sharded `/ws/vector` session: a contiguous run of the session's environments
 * in a {@link WorldBatch} of their own, whose episode seeds come from the session's coordinator
 * (which keeps the one seed stream of the whole batch and draws from it in environment order),
 * and which writes the reply frame of its environments with a `FrameWriter` (the coordinator
 * joins the shards' frames with `FrameMerger`). The same class runs on the server's thread and
 * in its vector workers (`src/server/vector_worker.ts`).
 *
 * A step is one call in `NextStep` mode (the seeds of the environments reset at this step are
 * known beforehand: those that ended at the last step). In `SameStep` mode the environments
 * that end are known only after the step: {@link VectorShard.step} returns null when some
 * ended, {@link VectorShard.ended} lists them, and {@link VectorShard.finish} resets them on
 * the seeds the coordinator drew and writes the frame.
 *
 * @example
 * ```ts
 * import { VectorShard } from "./vector_shard.ts";
 * import { hard } from "../../tasks/hard.ts";
 * const shard = new VectorShard(hard, 2, "NextStep");
 * shard.reset([11, 12]);
 * const frame = shard.step(new Int8Array(2 * shard.slots).fill(1), [0, 0]);
 * console.assert(frame !== null && shard.batch.seeds[1] === 12);
 * ```
 *
 * @module
 */
import type { Task } from "../../tasks/task.ts";
import { FinalObservations, FrameWriter } from "./vector_wire.ts";
import type { AutoresetMode } from "./world_batch.ts";
import { WorldBatch } from "./world_batch.ts";

/** A shard's environments, stepped on seeds given by the coordinator (see the module doc). */
export class VectorShard {
  /** The shard's environments (a `NextStep` batch; `SameStep` is done by step + finish). */
  readonly batch: WorldBatch;
  /** Alert slots per environment. */
  readonly slots: number;
  readonly #feed: Float64Array;
  readonly #writer = new FrameWriter();
  readonly #finals: FinalObservations | null;
  readonly #capture: ((env: number) => void) | undefined;

  /** `numEnvs` environments of `task`. */
  constructor(task: Task, numEnvs: number, autoreset: AutoresetMode) {
    const feed = new Float64Array(numEnvs);
    this.#feed = feed;
    this.batch = new WorldBatch({
      task,
      numEnvs,
      autoreset: "NextStep",
      nextSeed: (i) => feed[i],
    });
    this.slots = this.batch.slots;
    const finals = autoreset === "SameStep" ? new FinalObservations(numEnvs, this.slots) : null;
    this.#finals = finals;
    this.#capture = finals ? (i) => finals.capture(this.batch.worlds[i]) : undefined;
  }

  /** Resets every environment on `seeds` (one per environment); returns the reset reply. */
  reset(seeds: ArrayLike<number>): Uint8Array {
    this.#feed.set(seeds);
    this.batch.reset();
    return this.#writer.reset(this.batch.worlds, this.batch.seeds);
  }

  /**
   * Steps on `actions` (`numEnvs x slots`); `seeds[i]` is the seed of environment `i` if it is
   * reset at this step (`NextStep`: it ended at the last one). Returns the step reply, or null
   * in `SameStep` mode when some episode ended (see {@link VectorShard.finish}).
   */
  step(actions: ArrayLike<number>, seeds: ArrayLike<number>): Uint8Array | null {
    const { batch } = this;
    this.#feed.set(seeds);
    this.#finals?.clear();
    batch.step(actions);
    if (this.#finals && this.ended() > 0) return null;
    return this.#writer.step(batch.worlds, batch, this.#finals);
  }

  /** How many episodes ended at the last step (their environments: `batch.episodeDone`). */
  ended(): number {
    let d = 0;
    for (let i = 0; i < this.batch.numEnvs; i++) d += this.batch.episodeDone[i];
    return d;
  }

  /**
   * `SameStep`, after a step that returned null: resets the environments whose episode ended,
   * `seeds[i]` for environment `i`, and returns the step reply (with their final observations).
   */
  finish(seeds: ArrayLike<number>): Uint8Array {
    this.#feed.set(seeds);
    this.batch.resetEnded(this.#capture);
    return this.#writer.step(this.batch.worlds, this.batch, this.#finals);
  }
}
