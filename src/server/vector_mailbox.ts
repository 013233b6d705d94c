/**
 * The mailbox between the server's thread and one vector worker (`vector_worker.ts`): one
 * `SharedArrayBuffer` holding a control block of `Int32` words, a short text (a task id in, an
 * error message out), the action codes and episode seeds of a command, and the reply frame the
 * worker writes. The server writes a command, bumps {@link CTL.REQUEST} and notifies; the worker
 * (blocked in `Atomics.wait` on that word) runs it, sets {@link CTL.DONE} to the same number and
 * notifies back. One command at a time per mailbox (the pool queues them).
 *
 * @example
 * ```ts
 * import { mailboxLayout, Mailbox } from "./vector_mailbox.ts";
 * const layout = mailboxLayout(8, 32);
 * const box = new Mailbox(new SharedArrayBuffer(layout.bytes), layout);
 * box.setText("hard");
 * console.assert(box.text() === "hard" && box.seeds.length === 8);
 * ```
 *
 * @module
 */
import { align8, stepLayout } from "../learn/vector_layout.ts";

/** Indices of the control words. */
export const CTL = {
  /** Number of the last command asked (the server bumps it). */
  REQUEST: 0,
  /** Number of the last command done (the worker sets it). */
  DONE: 1,
  /** The command ({@link COMMAND}). */
  COMMAND: 2,
  /** The shard the command is for. */
  SHARD: 3,
  /** Open: environments of the shard. */
  NUM_ENVS: 4,
  /** Open: 1 for `SameStep`, 0 for `NextStep`. */
  SAME_STEP: 5,
  /** 0: done; 1: failed (the message is the text). */
  STATUS: 6,
  /** Bytes of the reply frame in `out`; -1 for a `SameStep` step whose shard waits for seeds. */
  OUT_BYTES: 7,
  /** Bytes of the text. */
  TEXT_BYTES: 8,
} as const;

/** The commands. */
export const COMMAND = {
  /** Build a shard: task id (text), environments, autoreset mode. */
  OPEN: 1,
  /** Reset every environment of the shard on `seeds`; reply: the reset frame. */
  RESET: 2,
  /** Step on `actions` with `seeds`; reply: the step frame, or (`SameStep`) the ended flags. */
  STEP: 3,
  /** `SameStep`: reset the ended environments on `seeds`; reply: the step frame. */
  FINISH: 4,
  /** Drop the shard. */
  CLOSE: 5,
  /** Stop the worker. */
  EXIT: 6,
  /** Fault injection (tests): the worker throws outside any handler and dies. */
  CRASH: 7,
} as const;

const CONTROL_BYTES = 64;
const TEXT_CAPACITY = 512;

/** Offsets and size of a mailbox for shards of up to `maxEnvs` environments of `slots` slots. */
export interface MailboxLayout {
  /** Most environments of one shard. */
  maxEnvs: number;
  /** Most alert slots per environment. */
  slots: number;
  /** Offset of the action codes. */
  actionsAt: number;
  /** Offset of the seeds (`f64[maxEnvs]`). */
  seedsAt: number;
  /** Offset of the reply frame. */
  outAt: number;
  /** Bytes of the whole mailbox. */
  bytes: number;
}

/** The layout of a mailbox (the largest step reply of `maxEnvs` full queues fits in `out`). */
export function mailboxLayout(maxEnvs: number, slots: number): MailboxLayout {
  const actionsAt = CONTROL_BYTES + TEXT_CAPACITY;
  const seedsAt = actionsAt + align8(maxEnvs * slots);
  const outAt = seedsAt + 8 * maxEnvs;
  const alerts = maxEnvs * slots;
  const out = stepLayout(maxEnvs, alerts, maxEnvs, alerts).endWithFinal;
  return { maxEnvs, slots, actionsAt, seedsAt, outAt, bytes: outAt + out };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Typed views of one mailbox (both sides build one over the same buffer). */
export class Mailbox {
  /** The control words. */
  readonly ctl: Int32Array;
  /** Action codes of a step. */
  readonly actions: Int8Array;
  /** Episode seeds of a reset, step or finish. */
  readonly seeds: Float64Array;
  /** The reply frame (or ended flags). */
  readonly out: Uint8Array;
  readonly #text: Uint8Array;

  /** Views of `sab` laid out as `layout`. */
  constructor(sab: SharedArrayBuffer, layout: MailboxLayout) {
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES >> 2);
    this.#text = new Uint8Array(sab, CONTROL_BYTES, TEXT_CAPACITY);
    this.actions = new Int8Array(sab, layout.actionsAt, layout.maxEnvs * layout.slots);
    this.seeds = new Float64Array(sab, layout.seedsAt, layout.maxEnvs);
    this.out = new Uint8Array(sab, layout.outAt, layout.bytes - layout.outAt);
  }

  /** Writes `text` (cut to the capacity) into the text field. */
  setText(text: string): void {
    const bytes = encoder.encode(text).subarray(0, TEXT_CAPACITY);
    this.#text.set(bytes);
    this.ctl[CTL.TEXT_BYTES] = bytes.length;
  }

  /** The text field. */
  text(): string {
    return decoder.decode(this.#text.slice(0, this.ctl[CTL.TEXT_BYTES]));
  }
}
