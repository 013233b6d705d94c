/**
 * Reading an ingest request's body before anything is stored: at most `maxBodyBytes` (413
 * beyond, without reading the rest), valid UTF-8 (400), JSON (400) nested at most
 * {@link MAX_JSON_DEPTH} levels (422 naming `body`, checked on the text before parsing, so a
 * hostile body never reaches a recursive step). Failures are thrown as {@link Reply}, the answer
 * the ingest routes send.
 *
 * @example
 * ```ts
 * import { jsonDepth, MAX_JSON_DEPTH } from "./request_body.ts";
 * console.assert(jsonDepth('{"a":[{"b":"]]]"}]}') === 3 && MAX_JSON_DEPTH === 64);
 * ```
 *
 * @module
 */

/**
 * Deepest accepted nesting of arrays and objects in an ingest body. Real vendor payloads nest
 * 3 to 6 levels (an Alertmanager webhook: body → alerts → alert → labels).
 */
export const MAX_JSON_DEPTH = 64;

/**
 * An answer thrown to unwind an ingest handler: status, `detail`, extra body fields, headers.
 * Not one of the project's errors (`AlertTriageError`): the routes turn it into the response.
 */
export class Reply extends Error {
  /** Builds the answer. */
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === "string" ? detail : "invalid request");
  }
}

/**
 * Reads at most `max` bytes of a body (a 413 {@link Reply} beyond, without reading the rest; a
 * 400 one when the stream fails).
 *
 * @example
 * ```ts
 * import { readLimited } from "./request_body.ts";
 * const bytes = await readLimited(new Request("http://x", { method: "POST", body: "{}" }), 10);
 * console.assert(bytes.length === 2);
 * ```
 */
export async function readLimited(request: Request, max: number): Promise<Uint8Array> {
  const tooLarge = new Reply(413, `Request body larger than ${max} bytes`);
  if (Number(request.headers.get("content-length") ?? 0) > max) throw tooLarge;
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        await reader.cancel().catch(() => undefined);
        throw tooLarge;
      }
      parts.push(value);
    }
  } catch (e) {
    throw e instanceof Reply ? e : new Reply(400, "Could not read the request body");
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/**
 * Deepest nesting of `[`/`{` in a JSON text, brackets inside strings not counted. One linear
 * pass, no recursion (it stops counting once past `limit`, returning `limit + 1`).
 *
 * @example
 * ```ts
 * import { jsonDepth } from "./request_body.ts";
 * console.assert(jsonDepth("1") === 0 && jsonDepth("[[[]]]") === 3 && jsonDepth("[[[]]]", 1) === 2);
 * ```
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // a string: jump to its closing quote (one not preceded by an odd run of backslashes)
      for (;;) {
        const q = text.indexOf('"', i + 1);
        if (q < 0) return deepest;
        let back = 0;
        while (text.charCodeAt(q - 1 - back) === 92) back++;
        i = q;
        if (back % 2 === 0) break;
      }
    } else if (c === 91 || c === 123) {
      if (++depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 93 || c === 125) depth--;
  }
  return deepest;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The JSON value of a body: a 400 {@link Reply} for non-UTF-8, empty or malformed JSON, a 422
 * one naming `body` for nesting deeper than {@link MAX_JSON_DEPTH}.
 *
 * @example
 * ```ts
 * import { parseJsonBody } from "./request_body.ts";
 * console.assert((parseJsonBody(new TextEncoder().encode('{"a":1}')) as { a: number }).a === 1);
 * ```
 */
export function parseJsonBody(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new Reply(400, "Request body is not valid UTF-8");
  }
  if (text.trim() === "") throw new Reply(400, "Empty request body (expected a JSON alert)");
  if (jsonDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    const msg = `body: nested deeper than ${MAX_JSON_DEPTH} levels`;
    throw new Reply(422, [{ type: "invalid_alert", loc: ["body"], msg }], { field: "body" });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Reply(400, `Malformed JSON: ${e instanceof Error ? e.message : "parse error"}`);
  }
}
