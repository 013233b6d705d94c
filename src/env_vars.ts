/**
 * Reading numeric settings from environment variables, shared by the server and ingest
 * configuration: empty or unset means the default; anything else must parse, or a RangeError
 * names the variable.
 *
 * @example
 * ```ts
 * import { numberVar } from "./env_vars.ts";
 * console.assert(numberVar(() => "8", "N", 1, 0) === 8);
 * ```
 *
 * @module
 */

/**
 * The number in variable `name` (via `get`), or `fallback` when unset or empty. Throws a
 * RangeError naming the variable when it is not a number >= `min` (an integer if `integer`).
 */
export function numberVar(
  get: (name: string) => string | undefined,
  name: string,
  fallback: number,
  min: number,
  integer = false,
): number {
  const raw = get(name);
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  const ok = integer ? Number.isInteger(value) : Number.isFinite(value);
  if (!ok || value < min) {
    const kind = integer ? "an integer" : "a number";
    throw new RangeError(`${name} must be ${kind} >= ${min}, got ${JSON.stringify(raw)}`);
  }
  return value;
}
