/**
 * A shard of a sharded `/ws/vector` session that lives in a vector worker: the server-side
 * handle of a `VectorShard` in `vector_worker.ts`, with the same calls (reset, step, finish),
 * each a command through the worker's mailbox. Each reply frame is copied out of the mailbox
 * into the handle's own buffer (the next command, maybe another session's, reuses the mailbox),
 * valid until the handle's next call.
 *
 * @example
 * ```ts
 * import { RemoteShard } from "./remote_shard.ts";
 * import { VectorWorkerPool } from "./vector_worker_pool.ts";
 * const pool = new VectorWorkerPool(1, { maxEnvs: 8, slots: 32 });
 * const shard = new RemoteShard(pool.pick(1)[0], 2);
 * await shard.open("hard", "NextStep");
 * const frame = await shard.reset(new Float64Array([5, 6]));
 * console.assert(frame.byteLength > 0 && pool.stats().shards === 1);
 * await shard.close();
 * pool.close();
 * ```
 *
 * @module
 */
import { FrameBuffer } from "../learn/frame_buffer.ts";
import type { AutoresetMode } from "../learn/world_batch.ts";
import { COMMAND, CTL, type Mailbox } from "./vector_mailbox.ts";
import type { PoolWorker } from "./vector_worker_pool.ts";

let nextId = 1;

/** A worker's shard, seen from the server's thread (see the module doc). */
export class RemoteShard {
  /** Environments of the shard. */
  readonly numEnvs: number;
  /** `SameStep`: after a step that returned null, 1 for each environment whose episode ended. */
  readonly ended: Uint8Array;
  readonly #worker: PoolWorker;
  readonly #id = nextId++;
  readonly #frames = new FrameBuffer();
  #open = false;

  /** A shard of `numEnvs` environments on `worker` (not built until {@link open}). */
  constructor(worker: PoolWorker, numEnvs: number) {
    this.#worker = worker;
    this.numEnvs = numEnvs;
    this.ended = new Uint8Array(numEnvs);
  }

  #frame = (box: Mailbox): Uint8Array | null => {
    const bytes = box.ctl[CTL.OUT_BYTES];
    if (bytes < 0) {
      this.ended.set(box.out.subarray(0, this.numEnvs));
      return null;
    }
    const frame = this.#frames.reserve(bytes);
    frame.set(box.out.subarray(0, bytes));
    return frame;
  };

  #command(box: Mailbox, command: number): void {
    box.ctl[CTL.COMMAND] = command;
    box.ctl[CTL.SHARD] = this.#id;
  }

  /** Builds the shard in the worker: `numEnvs` environments of task `taskId`. */
  async open(taskId: string, autoreset: AutoresetMode): Promise<void> {
    this.#worker.shards++;
    this.#open = true;
    await this.#worker.call((box) => {
      this.#command(box, COMMAND.OPEN);
      box.ctl[CTL.NUM_ENVS] = this.numEnvs;
      box.ctl[CTL.SAME_STEP] = autoreset === "SameStep" ? 1 : 0;
      box.setText(taskId);
    }, () => {});
  }

  /** Resets every environment on `seeds`; the reset reply. */
  async reset(seeds: Float64Array): Promise<Uint8Array> {
    return (await this.#worker.call((box) => {
      this.#command(box, COMMAND.RESET);
      box.seeds.set(seeds);
    }, this.#frame))!;
  }

  /** Steps (see `VectorShard.step`): the step reply, or null when `SameStep` needs seeds. */
  step(actions: Int8Array, seeds: Float64Array): Promise<Uint8Array | null> {
    return this.#worker.call((box) => {
      this.#command(box, COMMAND.STEP);
      box.actions.set(actions);
      box.seeds.set(seeds);
    }, this.#frame);
  }

  /** `SameStep`: resets the ended environments on `seeds`; the step reply. */
  async finish(seeds: Float64Array): Promise<Uint8Array> {
    return (await this.#worker.call((box) => {
      this.#command(box, COMMAND.FINISH);
      box.seeds.set(seeds);
    }, this.#frame))!;
  }

  /** Drops the shard in the worker (resolves once it is gone; never rejects). */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    try {
      await this.#worker.call((box) => this.#command(box, COMMAND.CLOSE), () => {});
    } catch { /* a dead worker has no shards left */ }
    this.#worker.shards--;
  }
}
