/**
 * Many deadlines of the same length on one timer. Every request body is read under a deadline
 * (`body.ts`); a timer per request (armed, then cleared a few microseconds later when the body
 * has arrived) costs more than the rest of reading a small body. A {@link DeadlineQueue} keeps
 * its deadlines in the order they were set (all have the same length, so that is also the order
 * they fall due) and one timer armed for the oldest one still pending: setting a deadline is an
 * array push, settling one drops the settled ones from the head, and the timer, when it fires,
 * expires every deadline that is due and re-arms for the next. Each deadline still expires at
 * its own time (the timer's precision), never early.
 *
 * Settled deadlines behind a pending one stay queued until it settles or expires (so the queue
 * holds at most the deadlines set within one deadline length: a few small objects per request).
 * The timer is left armed when the queue empties (clearing and re-arming it per request is what
 * this saves); when it fires on an empty queue it does nothing and is not re-armed. It is
 * unref'd: it never keeps a process alive by itself (a pending read has a connection, or a
 * caller, that does).
 *
 * @example
 * ```ts
 * import { DeadlineQueue } from "./deadlines.ts";
 * const queue = new DeadlineQueue(50);
 * let expired = false;
 * const d = queue.add(() => expired = true);
 * queue.settle(d); // done in time: the callback never runs
 * console.assert(!expired);
 * ```
 *
 * @module
 */

/** One deadline of a {@link DeadlineQueue}. */
export interface Deadline {
  /** When it falls due (`performance.now()` milliseconds). */
  readonly at: number;
  /** Settled: done in time, or expired. */
  settled: boolean;
  /** Called once if it falls due before it is settled (dropped once settled). */
  onExpiry: (() => void) | null;
}

/** Deadlines of one length, on one timer (see the module doc). */
export class DeadlineQueue {
  /** Length of every deadline, milliseconds. */
  readonly ms: number;
  #items: Deadline[] = [];
  #head = 0;
  #armedFor = Infinity; // when the armed timer fires (Infinity: none armed)

  /** A queue of deadlines `ms` milliseconds long. */
  constructor(ms: number) {
    this.ms = ms;
  }

  /** Pending deadlines (for tests). */
  get pending(): number {
    let n = 0;
    for (let i = this.#head; i < this.#items.length; i++) if (!this.#items[i].settled) n++;
    return n;
  }

  /** Sets a deadline `ms` from now; `onExpiry` runs if it is not settled by then. */
  add(onExpiry: () => void): Deadline {
    const d: Deadline = { at: performance.now() + this.ms, settled: false, onExpiry };
    this.#items.push(d);
    if (this.#armedFor === Infinity) this.#arm(d.at);
    return d;
  }

  /** Settles a deadline (done in time): its callback will not run. */
  settle(d: Deadline): void {
    d.settled = true;
    d.onExpiry = null; // nothing it refers to outlives the read while it waits in the queue
    this.#dropSettled();
  }

  #dropSettled(): void {
    const items = this.#items;
    let head = this.#head;
    while (head < items.length && items[head].settled) head++;
    if (head === items.length) {
      items.length = 0;
      head = 0;
    } else if (head >= 1024 && head * 2 >= items.length) {
      items.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }

  #arm(at: number): void {
    this.#armedFor = at;
    const timer = setTimeout(this.#fire, Math.max(0, at - performance.now()));
    Deno.unrefTimer(timer);
  }

  #fire = (): void => {
    this.#armedFor = Infinity;
    const now = performance.now();
    const items = this.#items;
    while (this.#head < items.length) {
      const d = items[this.#head];
      if (!d.settled) {
        if (d.at > now) break;
        const onExpiry = d.onExpiry;
        d.settled = true;
        d.onExpiry = null;
        onExpiry?.();
      }
      this.#head++;
    }
    this.#dropSettled();
    if (this.#head < items.length) this.#arm(items[this.#head].at);
  };
}
