/**
 * Reads a text file the agents ship with (policies, fitted parameters) from a `file:` URL or,
 * when the library is imported over HTTP, by `fetch`.
 *
 * @example
 * ```ts
 * import { readUrlText } from "./read_url.ts";
 * const text = await readUrlText(new URL("../../deno.json", import.meta.url));
 * console.assert(text.includes("alert-triage"));
 * ```
 *
 * @module
 */

/** The text at `url`; throws on a missing file or a non-2xx answer. */
export async function readUrlText(url: URL): Promise<string> {
  if (url.protocol === "file:") return await Deno.readTextFile(url);
  const r = await fetch(url);
  if (!r.ok) {
    await r.body?.cancel();
    throw new Error(`HTTP ${r.status}`);
  }
  return await r.text();
}
