/**
 * Reading a request body as JSON, strictly enough to never throw anything but an
 * {@link HttpError}: the bytes must be UTF-8 (400 otherwise) and parse as JSON (400 otherwise);
 * an empty body is `undefined`. The content type is not checked, so `curl -d '{}'` (which sends
 * `application/x-www-form-urlencoded`) works, unlike on the reference server.
 *
 * @example
 * ```ts
 * import { parseJsonBytes } from "./body.ts";
 * console.assert(parseJsonBytes(new TextEncoder().encode('{"seed": 1}')).seed === 1);
 * ```
 *
 * @module
 */
import { DeadlineQueue } from "./deadlines.ts";
import { HttpError } from "./http_errors.ts";

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/** Bodies up to this many bytes are checked for ASCII in JavaScript before the decoder. */
const ASCII_FAST_BYTES = 1024;

/**
 * The text of a short all-ASCII byte string (every byte below 0x80: valid UTF-8, no BOM, the
 * same text the strict decoder gives), or null for anything else.
 */
function asciiText(bytes: Uint8Array): string | null {
  if (bytes.length > ASCII_FAST_BYTES) return null;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7f) return null;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** Parses JSON bytes; `undefined` for an empty (or all-whitespace) body. */
// deno-lint-ignore no-explicit-any
export function parseJsonBytes(bytes: Uint8Array): any {
  let text: string | null = asciiText(bytes);
  if (text === null) {
    try {
      text = decoder.decode(bytes);
    } catch {
      throw new HttpError(
        400,
        [{ type: "utf8_invalid", loc: ["body"], msg: "Request body is not valid UTF-8" }],
        "invalid_json",
      );
    }
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = err instanceof SyntaxError ? err.message : "JSON too deeply nested";
    throw new HttpError(
      400,
      [{ type: "json_invalid", loc: ["body"], msg: `JSON decode error: ${reason}` }],
      "invalid_json",
    );
  }
}

/** The 408 of a body not received within `timeoutMs` (the connection is closed). */
function bodyTimeout(timeoutMs: number): HttpError {
  return new HttpError(
    408,
    `Request body not received within ${timeoutMs / 1000} s`,
    "body_timeout",
    { Connection: "close" },
  );
}

/** The deadline queues of small-body reads, one per deadline length. */
const deadlineQueues = new Map<number, DeadlineQueue>();

/**
 * Reads a body whose declared `Content-Length` is at most one read chunk in one go (HTTP/1.1 framing
 * bounds it by that length, so at most {@link READ_CHUNK} bytes are ever reserved), within
 * `timeoutMs` (408 otherwise). The common case (every step, every reset): no stream reader, no
 * chunk copies, and no timer of its own (the deadline is one entry of a shared
 * {@link DeadlineQueue}).
 */
function readSmall(request: Request, timeoutMs: number): Promise<Uint8Array> {
  let queue = deadlineQueues.get(timeoutMs);
  if (!queue) deadlineQueues.set(timeoutMs, queue = new DeadlineQueue(timeoutMs));
  const deadlines = queue;
  return new Promise((resolve, reject) => {
    const deadline = deadlines.add(() => reject(bodyTimeout(timeoutMs)));
    request.arrayBuffer().then((bytes) => {
      if (deadline.settled) return; // expired meanwhile: the 408 was answered
      deadlines.settle(deadline);
      resolve(new Uint8Array(bytes));
    }, () => {
      if (deadline.settled) return;
      deadlines.settle(deadline);
      reject(new HttpError(400, "Could not read the request body", "invalid_json"));
    });
  });
}

/**
 * Reads a request body as it streams in: at most `maxBytes` (413 beyond, without reading the
 * rest; a declared `Content-Length` above it is refused before reading anything) and within
 * `timeoutMs` (408 for a client that sends too slowly). Nothing is reserved from the declared
 * length: memory grows only with the bytes that actually arrived. Both errors ask the HTTP
 * layer to close the connection. `declared` is the request's `Content-Length` header (given by a
 * caller that already read it).
 */
export async function readBodyLimited(
  request: Request,
  maxBytes: number,
  timeoutMs: number,
  declared: string | null = request.headers.get("content-length"),
): Promise<Uint8Array> {
  const close = { Connection: "close" };
  const tooLarge = () =>
    new HttpError(413, `Request body larger than ${maxBytes} bytes`, "payload_too_large", close);
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (declared !== null && /^\d{1,5}$/.test(declared) && Number(declared) <= READ_CHUNK) {
    // At most one chunk's worth can be reserved. `request.body` is not touched: reading it
    // makes a stream, while `arrayBuffer()` takes a body that has fully arrived as it is (and
    // gives an empty one for a request without a body).
    return await readSmall(request, timeoutMs);
  }
  if (!request.body) return new Uint8Array();
  const chunks = byteChunks(request.body);
  const parts: Uint8Array[] = [];
  let size = 0;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    chunks.cancel();
  }, timeoutMs);
  try {
    for (;;) {
      const value = await chunks.next();
      if (timedOut || value === null) break;
      size += value.length;
      if (size > maxBytes) {
        chunks.cancel();
        throw tooLarge();
      }
      parts.push(value);
    }
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (!timedOut) throw new HttpError(400, "Could not read the request body", "invalid_json");
  } finally {
    clearTimeout(timer);
  }
  if (timedOut) throw bodyTimeout(timeoutMs);
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** Bytes of one read into a caller's buffer: small reads of a slow client stay small. */
const READ_CHUNK = 16 * 1024;

/**
 * The chunks of a body stream, each copied to its exact size. A byte stream is read with a
 * reused 16 KiB buffer (a default reader would allocate 64 KiB per read, however few bytes a
 * slow client sends, and the allocator keeps that memory after the client leaves).
 */
function byteChunks(body: ReadableStream<Uint8Array>): {
  next(): Promise<Uint8Array | null>;
  cancel(): void;
} {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = body.getReader({ mode: "byob" });
  } catch { /* not a byte stream */ }
  if (byob) {
    const reader = byob;
    let buffer: ArrayBuffer = new ArrayBuffer(READ_CHUNK);
    return {
      async next() {
        const { done, value } = await reader.read(new Uint8Array(buffer));
        if (done || !value) return null;
        buffer = value.buffer as ArrayBuffer; // handed back, reused for the next read
        return value.slice();
      },
      cancel: () => void reader.cancel().catch(() => {}),
    };
  }
  const reader = body.getReader();
  return {
    async next() {
      const { done, value } = await reader.read();
      return done ? null : value;
    },
    cancel: () => void reader.cancel().catch(() => {}),
  };
}

/** Reads and parses a request's JSON body (see {@link parseJsonBytes}). */
export async function readJson(request: Request): Promise<unknown> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await request.arrayBuffer());
  } catch {
    throw new HttpError(400, "Could not read the request body", "invalid_json");
  }
  return parseJsonBytes(bytes);
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A short, safe description of any JSON value (never throws, at most `max` characters). */
export function describe(value: unknown, max = 200): string {
  if (value === undefined) return "";
  if (typeof value === "string") return value.slice(0, max);
  if (value === null) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value !== "object") return String(value).slice(0, max);
  return Array.isArray(value) ? `array of ${value.length}` : "object";
}
