/**
 * The server's pool of vector workers (`ALERT_TRIAGE_VECTOR_WORKERS`): K Worker threads
 * (`vector_worker.ts`) shared by every sharded `/ws/vector` session of the server, each driven
 * through its shared-memory mailbox (`vector_mailbox.ts`) one command at a time (commands of
 * several sessions for one worker wait in a queue). A session takes its shards on the least
 * loaded workers ({@link VectorWorkerPool.pick}); {@link VectorWorkerPool.stats} counts the
 * shards alive, so that a session's end (which closes its shards) is observable.
 *
 * A worker that dies (an uncaught error, or one that cannot load its module, e.g. without read
 * permission) never takes the server with it: its waiting command fails with a
 * {@link ShardFailure} (the session answers an error frame and closes), and a worker that had
 * started is replaced by a new one for later sessions. {@link VectorWorkerPool.close}
 * terminates the workers (server shutdown).
 *
 * @example
 * ```ts
 * import { VectorWorkerPool } from "./vector_worker_pool.ts";
 * const pool = new VectorWorkerPool(1, { maxEnvs: 64, slots: 32 });
 * await pool.started();
 * console.assert(pool.stats().ready === 1 && pool.stats().shards === 0);
 * pool.close();
 * ```
 *
 * @module
 */
import { COMMAND, CTL, Mailbox, type MailboxLayout, mailboxLayout } from "./vector_mailbox.ts";

/**
 * How long the server's thread, its own shard done, polls for a worker's reply before it
 * yields to its event loop (`Atomics.waitAsync`, whose wake-up is slower): 0.3 ms (measured:
 * BENCHMARKS.md, "Worker-sharded vector sessions").
 */
const SPIN_MS = 0.3;

/** A shard command that could not be done (the worker died, or the command failed in it). */
export class ShardFailure extends Error {
  /** A failure with this message. */
  constructor(message: string) {
    super(message);
    this.name = "ShardFailure";
  }
}

/** Options of {@link VectorWorkerPool}. */
export interface PoolOptions {
  /** Most environments of one shard (the mailboxes are sized for it). */
  maxEnvs: number;
  /** Most alert slots per environment. */
  slots: number;
  /** The worker module (default: `vector_worker.ts` beside this file). */
  url?: URL;
  /** Where a worker's death is reported (default: `console.error`). */
  log?: (message: string) => void;
}

/** The server's side of one worker: its mailbox and its queue of commands. */
export class PoolWorker {
  /** The mailbox. */
  readonly box: Mailbox;
  /** Shards alive on this worker. */
  shards = 0;
  /** Set once the worker has loaded its module and waits for commands. */
  ready = false;
  /** Why the worker died, or null while it lives. */
  dead: string | null = null;
  /** Resolves when the worker is ready or dead. */
  readonly started: Promise<void>;
  readonly #worker: Worker;
  #gen = 0;
  #queue: Promise<void> = Promise.resolve();
  #waiting = 0;

  /** Starts a worker of `url` on a new mailbox laid out as `layout`. */
  constructor(url: URL, layout: MailboxLayout, onDeath: (w: PoolWorker) => void) {
    const sab = new SharedArrayBuffer(layout.bytes);
    this.box = new Mailbox(sab, layout);
    let settle = () => {};
    this.started = new Promise((resolve) => settle = resolve);
    this.#worker = new Worker(url.href, { type: "module" });
    this.#worker.onmessage = () => (this.ready = true, settle());
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault(); // a worker's error must not end the server
      this.#die(e.message || "vector worker failed");
      settle();
      onDeath(this);
    };
    this.#worker.postMessage({ sab, layout });
  }

  /** Marks the worker dead and fails its waiting command (wakes the waiter with a failure). */
  #die(reason: string): void {
    if (this.dead) return;
    this.dead = reason;
    this.#worker.terminate();
    const { ctl } = this.box;
    this.box.setText(reason);
    ctl[CTL.STATUS] = 1;
    Atomics.store(ctl, CTL.DONE, this.#gen);
    Atomics.notify(ctl, CTL.DONE);
  }

  /**
   * Queues a command: when its turn comes (at once, within this call, if the worker is idle:
   * the worker starts while the caller goes on with its own shard), `write` fills the mailbox,
   * the worker runs it, and `read` takes the reply out (before the next command may overwrite
   * it). Rejects with a {@link ShardFailure} if the command fails or the worker is (or
   * becomes) dead.
   */
  call<T>(write: (box: Mailbox) => void, read: (box: Mailbox) => T): Promise<T> {
    const run = () => {
      try {
        return this.#reply(this.#send(write), read);
      } catch (err) {
        return Promise.reject(err);
      }
    };
    const done = this.#waiting === 0 ? run() : this.#queue.then(run);
    this.#waiting++;
    const settled = done.then(() => {}, () => {}).finally(() => this.#waiting--);
    this.#queue = settled;
    return done;
  }

  /** Writes a command and wakes the worker; the command's number. */
  #send(write: (box: Mailbox) => void): number {
    const { ctl } = this.box;
    if (this.dead) throw new ShardFailure(`vector worker died: ${this.dead}`);
    write(this.box);
    const gen = ++this.#gen;
    Atomics.store(ctl, CTL.REQUEST, gen);
    Atomics.notify(ctl, CTL.REQUEST);
    return gen;
  }

  /** Waits until the worker has done command `gen`; its reply. */
  async #reply<T>(gen: number, read: (box: Mailbox) => T): Promise<T> {
    const { ctl } = this.box;
    await null; // the caller's own work first (its shard), then the bounded spin
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, CTL.DONE) !== gen && performance.now() < spinUntil) { /* spin */ }
    for (let d = Atomics.load(ctl, CTL.DONE); d !== gen; d = Atomics.load(ctl, CTL.DONE)) {
      const wait = Atomics.waitAsync(ctl, CTL.DONE, d);
      if (wait.async) await wait.value;
    }
    if (this.dead) throw new ShardFailure(`vector worker died: ${this.dead}`);
    if (ctl[CTL.STATUS] !== 0) throw new ShardFailure(this.box.text());
    return read(this.box);
  }

  /** Fault injection (tests): makes the worker throw an uncaught error and die. */
  crash(): Promise<void> {
    return this.call((box) => box.ctl[CTL.COMMAND] = COMMAND.CRASH, () => {});
  }

  /** Stops the worker (its waiting command fails). */
  terminate(): void {
    if (this.dead) return;
    // wake the worker out of Atomics.wait with EXIT: a worker blocked there is not stopped by
    // terminate() alone, and would keep the process alive
    const { ctl } = this.box;
    ctl[CTL.COMMAND] = COMMAND.EXIT;
    Atomics.store(ctl, CTL.REQUEST, this.#gen + 1);
    Atomics.notify(ctl, CTL.REQUEST);
    this.#die("the server is shutting down");
  }
}

/** What {@link VectorWorkerPool.stats} reports. */
export interface PoolStats {
  /** Workers of the pool (K). */
  workers: number;
  /** Workers started and alive. */
  ready: number;
  /** Shards alive on them. */
  shards: number;
}

/** K vector workers shared by the sharded sessions of one server (see the module doc). */
export class VectorWorkerPool {
  readonly #workers: PoolWorker[];
  readonly #url: URL;
  readonly #layout: MailboxLayout;
  readonly #log: (message: string) => void;
  #closed = false;

  /** Starts `size` workers (>= 1) for shards of at most `options.maxEnvs` environments. */
  constructor(size: number, options: PoolOptions) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`size must be >= 1, got ${size}`);
    this.#url = options.url ?? new URL("./vector_worker.ts", import.meta.url);
    this.#layout = mailboxLayout(options.maxEnvs, options.slots);
    this.#log = options.log ?? ((m) => console.error(m));
    this.#workers = Array.from({ length: size }, () => this.#spawn());
  }

  #spawn(): PoolWorker {
    return new PoolWorker(this.#url, this.#layout, (w) => this.#onDeath(w));
  }

  #onDeath(w: PoolWorker): void {
    this.#log(`vector worker died: ${w.dead}`);
    const i = this.#workers.indexOf(w);
    // replace a worker that had run; one that never started would fail again (permissions)
    if (!this.#closed && w.ready && i >= 0) this.#workers[i] = this.#spawn();
  }

  /** The workers (for tests and statistics). */
  get workers(): readonly PoolWorker[] {
    return this.#workers;
  }

  /** Most environments one shard may hold. */
  get maxEnvs(): number {
    return this.#layout.maxEnvs;
  }

  /** Most alert slots per environment of a shard. */
  get slots(): number {
    return this.#layout.slots;
  }

  /** Resolves when every worker has started (or died trying). */
  async started(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.started));
  }

  /** Up to `count` started, live workers, the least loaded first. */
  pick(count: number): PoolWorker[] {
    if (this.#closed) return [];
    return this.#workers.filter((w) => w.ready && !w.dead).sort((a, b) => a.shards - b.shards)
      .slice(0, count);
  }

  /** Workers, live ready workers, and shards alive. */
  stats(): PoolStats {
    let ready = 0, shards = 0;
    for (const w of this.#workers) {
      if (w.dead) continue;
      if (w.ready) ready++;
      shards += w.shards;
    }
    return { workers: this.#workers.length, ready, shards };
  }

  /** Terminates every worker (their waiting commands fail). */
  close(): void {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
  }
}
