/**
 * Third-party dependencies reached from `mod.ts`, pinned with full `npm:` specifiers so that a
 * URL importer (who never sees this repository's import map) resolves the same versions.
 *
 * @module
 */
export { z } from "npm:zod@4.6.7";
export {
  xoroshiro128plus,
  xoroshiro128plusFromState,
} from "npm:pure-rand@8.4.2/generator/xoroshiro128plus";
