/**
 * Rate-limited logging of refused ingest requests: a flood of bad tokens or bad bodies writes
 * one summary line per interval (default {@link REJECTION_LOG_INTERVAL_MS}), not one per request.
 * The first refusal after a quiet interval is written at once; later ones are counted and
 * written together, by status and route, with the next request after the interval has passed.
 *
 * Line: `{"event":"ingest_rejected","count":N,"by_status":{"401":N},"by_route":{...},
 * "since":"<ISO>","last_detail":"..."}`.
 *
 * @example
 * ```ts
 * import { RejectionLog } from "./rejection_log.ts";
 * const lines: string[] = [];
 * let t = 0;
 * const log = new RejectionLog((l) => lines.push(l), 10_000, () => t);
 * for (let i = 0; i < 1000; i++) log.record("POST /ingest/alerts", 401);
 * t = 10_000;
 * log.flushDue();
 * console.assert(lines.length === 2);
 * ```
 *
 * @module
 */

/** Default length of one summary interval (ms). */
export const REJECTION_LOG_INTERVAL_MS = 10_000;

/** Counts refused requests and writes them as at most one line per interval. */
export class RejectionLog {
  #count = 0;
  #byStatus: Record<string, number> = {};
  #byRoute: Record<string, number> = {};
  #since = 0;
  #lastEmit = -Infinity;
  #lastDetail: string | undefined;

  /** `log` receives the lines; `now` is the milliseconds clock. */
  constructor(
    readonly log: (line: string) => void,
    readonly intervalMs: number = REJECTION_LOG_INTERVAL_MS,
    readonly now: () => number = Date.now,
  ) {}

  /** Counts one refused request (and writes the summary if an interval has passed). */
  record(route: string, status: number, detail?: string): void {
    if (this.#count === 0) this.#since = this.now();
    this.#count++;
    this.#byStatus[status] = (this.#byStatus[status] ?? 0) + 1;
    this.#byRoute[route] = (this.#byRoute[route] ?? 0) + 1;
    if (detail !== undefined) this.#lastDetail = detail.slice(0, 200);
    this.flushDue();
  }

  /** Writes the pending summary if there is one and the interval since the last has passed. */
  flushDue(): void {
    const t = this.now();
    if (this.#count === 0 || t - this.#lastEmit < this.intervalMs) return;
    this.log(JSON.stringify({
      event: "ingest_rejected",
      count: this.#count,
      by_status: this.#byStatus,
      by_route: this.#byRoute,
      since: new Date(this.#since).toISOString(),
      ...(this.#lastDetail === undefined ? {} : { last_detail: this.#lastDetail }),
    }));
    this.#lastEmit = t;
    this.#count = 0;
    this.#byStatus = {};
    this.#byRoute = {};
    this.#lastDetail = undefined;
  }
}
