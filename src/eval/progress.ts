/**
 * Progress display for the evaluation CLI, hand-rolled (about 60 lines, no dependency): on a
 * terminal, one bar redrawn in place at most every 100 ms; otherwise (CI logs, pipes) one plain
 * line per finished (agent, task) cell. Writes to stderr so stdout carries only the tables.
 *
 * Cost: one `performance.now()` per episode; an episode takes tens of microseconds or more, and
 * a redraw happens at most ten times a second, so the overhead is below measurement noise.
 *
 * @example
 * ```ts
 * import { ProgressReporter } from "./progress.ts";
 * const progress = new ProgressReporter();
 * progress.update({ done: 1, total: 2, agent: "rules", task: "easy" });
 * progress.finish();
 * ```
 *
 * @module
 */
import type { EvalProgress } from "./evaluate.ts";

/** Where progress goes: a writable with a terminal check (`Deno.stderr` by default). */
export interface ProgressSink {
  /** Whether the sink is a terminal (bar) or not (plain lines). */
  isTerminal(): boolean;
  /** Writes bytes. */
  writeSync(bytes: Uint8Array): number;
}

/** Options of {@link ProgressReporter}. */
export interface ProgressOptions {
  /** Destination (default `Deno.stderr`). */
  sink?: ProgressSink;
  /** Bar width in characters (default 30). */
  width?: number;
  /** Minimum milliseconds between redraws (default 100). */
  intervalMs?: number;
}

const encoder = new TextEncoder();

/** Shows evaluation progress as a bar on a terminal and as plain lines elsewhere. */
export class ProgressReporter {
  readonly #sink: ProgressSink;
  readonly #tty: boolean;
  readonly #width: number;
  readonly #interval: number;
  readonly #start = performance.now();
  #lastDraw = -Infinity;
  #cells = 0;
  #drawn = false;

  /** Creates the reporter; whether to draw a bar is decided once, here. */
  constructor(options: ProgressOptions = {}) {
    this.#sink = options.sink ?? Deno.stderr;
    this.#tty = this.#sink.isTerminal();
    this.#width = options.width ?? 30;
    this.#interval = options.intervalMs ?? 100;
  }

  #write(text: string): void {
    this.#sink.writeSync(encoder.encode(text));
  }

  /** Reports one finished episode (pass it as `evaluate`'s `onProgress`). */
  update(p: EvalProgress): void {
    const now = performance.now();
    const secs = (now - this.#start) / 1000;
    if (p.completed) this.#cells++;
    if (!this.#tty) {
      if (!p.completed) return;
      const s = p.completed;
      const ci = Number.isFinite(s.score.half_width) ? ` ± ${s.score.half_width.toFixed(3)}` : "";
      this.#write(
        `[${p.done}/${p.total}] ${p.agent}/${p.task}: ${s.episodes} episodes, score ` +
          `${s.score.mean.toFixed(3)}${ci}, success ${(100 * s.success.rate).toFixed(0)}% ` +
          `(${secs.toFixed(1)} s)\n`,
      );
      return;
    }
    if (now - this.#lastDraw < this.#interval && p.done < p.total) return;
    this.#lastDraw = now;
    const frac = p.total > 0 ? p.done / p.total : 1;
    const full = Math.round(frac * this.#width);
    const bar = "█".repeat(full) + "░".repeat(this.#width - full);
    const eta = frac > 0 && frac < 1 ? `  eta ${(secs * (1 - frac) / frac).toFixed(0)} s` : "";
    this.#write(
      `\r\x1b[2K${bar} ${(100 * frac).toFixed(0).padStart(3)}%  ${p.done}/${p.total} episodes  ` +
        `${p.agent}/${p.task}  ${secs.toFixed(1)} s${eta}`,
    );
    this.#drawn = true;
  }

  /** Ends the bar's line (a no-op for plain lines). */
  finish(): void {
    if (this.#tty && this.#drawn) this.#write("\n");
  }
}
