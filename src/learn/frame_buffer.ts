/**
 * A reusable, growing byte buffer for reply frames: {@link FrameBuffer.reserve} hands out a
 * zero-filled view of the size asked for, at offset 0 of its buffer (8-byte aligned, as typed
 * views of the frame's sections need), growing the buffer (at least doubling) when it is too
 * small. The frame writers of `/ws/vector` keep one each, so a frame allocates only its view.
 *
 * @example
 * ```ts
 * import { FrameBuffer } from "./frame_buffer.ts";
 * const buffer = new FrameBuffer();
 * const frame = buffer.reserve(4096);
 * console.assert(frame.byteLength === 4096 && frame.byteOffset === 0 && frame[0] === 0);
 * ```
 *
 * @module
 */

/** A growing buffer handing out zero-filled frames (see the module doc). */
export class FrameBuffer {
  #buf: Uint8Array = new Uint8Array(1024);

  /** A zero-filled view of `bytes` bytes, valid until the next call. */
  reserve(bytes: number): Uint8Array {
    if (this.#buf.byteLength < bytes) {
      this.#buf = new Uint8Array(Math.max(bytes, this.#buf.byteLength * 2));
    }
    const out = this.#buf.subarray(0, bytes);
    out.fill(0);
    return out;
  }
}
