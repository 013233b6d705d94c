/**
 * The real payloads of `tests/fixtures/ingest/` (sources in its `SOURCES.md`), read as the exact
 * text a sender posts.
 *
 * @example
 * ```ts
 * import { fixtureText } from "./real_fixtures.ts";
 * console.assert(JSON.parse(fixtureText("pagerduty_docs_resolve.json")).event_action === "resolve");
 * ```
 *
 * @module
 */

/** The fixture folder. */
export const FIXTURE_DIR: URL = new URL("../fixtures/ingest/", import.meta.url);

/** A fixture's raw text (the exact bytes a sender would post). */
export function fixtureText(name: string): string {
  return Deno.readTextFileSync(new URL(name, FIXTURE_DIR));
}
