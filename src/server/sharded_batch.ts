/**
 * The engine of a worker-sharded `/ws/vector` session: its N environments split into
 * contiguous shards, the first on the server's thread (a `VectorShard`) and one on each of up
 * to K vector workers (`RemoteShard`), stepped at the same time, their frames joined by a
 * `FrameMerger`. The replies are byte for byte those of the unsharded session (a `WorldBatch`
 * and a `FrameWriter`): the one stream of episode seeds stays here and is drawn from in
 * environment order — before a `NextStep` step for the environments that ended at the last
 * step (sent with the actions), after a `SameStep` step for those that ended in it (a second
 * round, only when some did).
 *
 * @example
 * ```ts
 * import { ShardedBatch } from "./sharded_batch.ts";
 * import { VectorWorkerPool } from "./vector_worker_pool.ts";
 * import { hard } from "../../tasks/hard.ts";
 * const pool = new VectorWorkerPool(1, { maxEnvs: 64, slots: hard.world.maxQueue });
 * const batch = await ShardedBatch.open(pool, { task: hard, numEnvs: 8, autoreset: "NextStep" });
 * const reset = await batch.reset();
 * const step = await batch.step(new Int8Array(8 * batch.slots).fill(1));
 * console.assert(reset.byteLength > 0 && step.byteLength > 0);
 * batch.close();
 * pool.close();
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { FrameMerger } from "../learn/frame_merge.ts";
import { decodeFrame } from "../learn/vector_wire.ts";
import { VectorShard } from "../learn/vector_shard.ts";
import type { AutoresetMode, WorldBatchOptions } from "../learn/world_batch.ts";
import { RemoteShard } from "./remote_shard.ts";
import { ShardFailure, type VectorWorkerPool } from "./vector_worker_pool.ts";

/**
 * Sizes of the shards of `n` environments over the server's thread (first) and `workers`
 * workers: contiguous, as even as can be, the extra ones to the workers (the server's thread
 * also reads and writes the socket and joins the frames). An even split measured best on 2
 * cores (BENCHMARKS.md, "Worker-sharded vector sessions").
 */
export function shardSizes(n: number, workers: number): number[] {
  const count = workers + 1, base = Math.floor(n / count), extra = n % count;
  return Array.from({ length: count }, (_, k) => base + (k >= count - extra ? 1 : 0));
}

/**
 * The fewest environments of a shard: a session is split over at most `numEnvs / 64` threads
 * (the server's and `numEnvs / 64 - 1` workers), however many workers the pool has; smaller
 * shards cost more in worker round trips than they save (BENCHMARKS.md, "Worker-sharded vector
 * sessions": the threshold runs).
 */
export const MIN_SHARD_ENVS = 64;

/** N environments over the server's thread and the pool's workers (see the module doc). */
export class ShardedBatch {
  /** Environments. */
  readonly numEnvs: number;
  /** Alert slots per environment. */
  readonly slots: number;
  readonly #autoreset: AutoresetMode;
  readonly #limit: number;
  readonly #local: VectorShard;
  readonly #remote: RemoteShard[];
  readonly #starts: number[];
  readonly #seeds: Float64Array;
  readonly #pending: Uint8Array;
  readonly #merger = new FrameMerger();
  #seeder: Rng;
  #closed = false;

  private constructor(options: WorldBatchOptions, local: VectorShard, remote: RemoteShard[]) {
    const n = options.numEnvs;
    this.numEnvs = n;
    this.slots = local.slots;
    this.#autoreset = options.autoreset ?? "NextStep";
    this.#limit = options.seedLimit ?? 1_000_000;
    this.#seeder = new Rng(options.seed ?? 0);
    this.#local = local;
    this.#remote = remote;
    this.#starts = [0];
    for (const r of [local.batch, ...remote].slice(0, -1)) {
      this.#starts.push(this.#starts[this.#starts.length - 1] + r.numEnvs);
    }
    this.#seeds = new Float64Array(n);
    this.#pending = new Uint8Array(n);
  }

  /**
   * Splits `options.numEnvs` environments over this thread and up to `pool`'s workers (at most
   * one shard per worker, the least loaded first) and builds the shards. Rejects with a
   * `ShardFailure` if a worker cannot build its shard (the others are dropped again).
   */
  static async open(pool: VectorWorkerPool, options: WorldBatchOptions): Promise<ShardedBatch> {
    const most = Math.floor(options.numEnvs / MIN_SHARD_ENVS) - 1; // every shard >= 64 envs
    const workers = pool.pick(Math.max(0, Math.min(pool.workers.length, most)));
    const sizes = shardSizes(options.numEnvs, workers.length);
    const autoreset = options.autoreset ?? "NextStep";
    const local = new VectorShard(options.task, sizes[0], autoreset);
    const remote = workers.map((w, k) => new RemoteShard(w, sizes[k + 1]));
    try {
      await Promise.all(remote.map((r) => r.open(options.task.id, autoreset)));
    } catch (err) {
      for (const r of remote) void r.close();
      throw err;
    }
    return new ShardedBatch(options, local, remote);
  }

  /** Shards (this thread's included). */
  get shards(): number {
    return this.#remote.length + 1;
  }

  #span(k: number): [number, number] {
    const start = this.#starts[k];
    return [start, start + (k === 0 ? this.#local.batch.numEnvs : this.#remote[k - 1].numEnvs)];
  }

  #seedsOf(k: number): Float64Array {
    return this.#seeds.subarray(...this.#span(k));
  }

  /** Waits for the workers' replies; a ShardFailure if the session was closed meanwhile. */
  async #gather<T>(waits: Promise<T>[]): Promise<T[]> {
    const out = await Promise.all(waits);
    if (this.#closed) throw new ShardFailure("the session was closed");
    return out;
  }

  /** Resets every environment (`seed` restarts the seed stream); the reset reply. */
  async reset(seed?: number): Promise<Uint8Array> {
    if (seed !== undefined) this.#seeder = new Rng(seed);
    for (let i = 0; i < this.numEnvs; i++) this.#seeds[i] = this.#seeder.int(this.#limit);
    this.#pending.fill(0);
    const waits = this.#remote.map((r, k) => r.reset(this.#seedsOf(k + 1)));
    const first = this.#local.reset(this.#seedsOf(0));
    return this.#merger.merge([first, ...await this.#gather(waits)], this.#starts);
  }

  /** Steps every environment on `actions` (`numEnvs x slots` codes); the step reply. */
  async step(actions: Int8Array): Promise<Uint8Array> {
    const S = this.slots, pending = this.#pending;
    for (let i = 0; i < this.numEnvs; i++) {
      if (pending[i]) this.#seeds[i] = this.#seeder.int(this.#limit);
    }
    const codes = (k: number) => actions.subarray(this.#span(k)[0] * S, this.#span(k)[1] * S);
    const waits = this.#remote.map((r, k) => r.step(codes(k + 1), this.#seedsOf(k + 1)));
    const parts = [this.#local.step(codes(0), this.#seedsOf(0)), ...await this.#gather(waits)];
    if (parts.includes(null)) await this.#finish(parts);
    const frame = this.#merger.merge(parts as Uint8Array[], this.#starts);
    if (this.#autoreset === "NextStep") {
      pending.fill(0);
      for (const env of decodeFrame(frame).doneEnv) pending[env] = 1;
    }
    return frame;
  }

  /** `SameStep`: seeds for the ended environments, in environment order, then the frames. */
  async #finish(parts: (Uint8Array | null)[]): Promise<void> {
    for (let k = 0; k < parts.length; k++) {
      if (parts[k] !== null) continue;
      const ended = k === 0 ? this.#local.batch.episodeDone : this.#remote[k - 1].ended;
      const seeds = this.#seedsOf(k);
      for (let i = 0; i < ended.length; i++) {
        if (ended[i]) seeds[i] = this.#seeder.int(this.#limit);
      }
    }
    const waits = this.#remote.map((r, k) =>
      parts[k + 1] === null ? r.finish(this.#seedsOf(k + 1)) : Promise.resolve(parts[k + 1]!)
    );
    if (parts[0] === null) parts[0] = this.#local.finish(this.#seedsOf(0));
    const rest = await this.#gather(waits);
    for (let k = 0; k < rest.length; k++) parts[k + 1] = rest[k];
  }

  /** Drops the shards (their workers free them); replies still on their way are discarded. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#remote) void r.close();
  }
}
