/**
 * The error every ingest normaliser throws on a body it cannot accept. It names the offending
 * field as a dotted path (`alerts[0].labels`, `payload.severity`; `body` for the whole body) and
 * the reason, so the HTTP layer can answer 422 naming the field.
 *
 * @example
 * ```ts
 * import { IngestFormatError } from "./errors.ts";
 * try {
 *   throw new IngestFormatError("payload.severity", "expected one of critical|error|warning|info");
 * } catch (e) {
 *   console.assert(e instanceof IngestFormatError && e.field === "payload.severity");
 * }
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { z } from "../deps.ts";

/** One problem found in a body: where and why. */
export interface IngestIssue {
  /** Dotted path of the offending field, `body` for the body itself. */
  field: string;
  /** Why it was rejected. */
  reason: string;
}

/**
 * A body that is not a valid alert payload of the expected format. `field`/`reason` describe
 * the first problem; `issues` lists all of them.
 *
 * @example
 * ```ts
 * import { IngestFormatError } from "./errors.ts";
 * const e = new IngestFormatError("alerts", "required (expected array)", { source: "alertmanager" });
 * console.assert(e.message === "alertmanager: alerts: required (expected array)");
 * ```
 */
export class IngestFormatError extends AlertTriageError {
  /** Dotted path of the first offending field (`body` for the body itself). */
  readonly field: string;
  /** Why that field was rejected. */
  readonly reason: string;
  /** The format the body was parsed as, when known. */
  readonly source: string | undefined;
  /** Every problem found (the first is `field`/`reason`). */
  readonly issues: IngestIssue[];

  /** Builds the error; `message` is `"<source>: <field>: <reason>"`. */
  constructor(
    field: string,
    reason: string,
    options: { source?: string; issues?: IngestIssue[] } = {},
  ) {
    super(
      `${options.source ? `${options.source}: ` : ""}${field}: ${reason}`,
      "INVALID_ALERT",
      "invalid_input",
    );
    this.name = "IngestFormatError";
    this.field = field;
    this.reason = reason;
    this.source = options.source;
    this.issues = options.issues ?? [{ field, reason }];
  }

  /**
   * Converts a zod error; the first issue becomes `field`/`reason`.
   *
   * @example
   * ```ts
   * import { z } from "../deps.ts";
   * import { IngestFormatError } from "./errors.ts";
   * const r = z.object({ a: z.string() }).safeParse({});
   * const e = IngestFormatError.fromZod(r.error!, "generic");
   * console.assert(e.field === "a" && e.reason === "required (expected string)");
   * ```
   */
  static fromZod(error: z.ZodError, source?: string): IngestFormatError {
    const seen = new Set<string>();
    const issues = error.issues.map((i) => ({ field: fieldPath(i.path), reason: reasonOf(i) }))
      .filter((i) => !seen.has(`${i.field}\0${i.reason}`) && !!seen.add(`${i.field}\0${i.reason}`));
    const first = issues[0] ?? { field: "body", reason: "invalid" };
    return new IngestFormatError(first.field, first.reason, { source, issues });
  }
}

/**
 * Dotted path of a zod issue path, indices in brackets (as `issuePath` in `schemas.ts`):
 * `alerts[0].labels`, `[1].title` for an array body; `body` for the empty path.
 *
 * @example
 * ```ts
 * import { fieldPath } from "./errors.ts";
 * console.assert(fieldPath(["alerts", 0, "labels"]) === "alerts[0].labels");
 * console.assert(fieldPath([]) === "body");
 * ```
 */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out ? `.${String(key)}` : String(key);
  }
  return out || "body";
}

function reasonOf(issue: z.core.$ZodIssue): string {
  const missing = /^Invalid input: expected (.+), received undefined$/.exec(issue.message);
  return missing ? `required (expected ${missing[1]})` : issue.message;
}

/**
 * Parses `body` with `schema`, throwing an {@link IngestFormatError} on failure.
 *
 * @example
 * ```ts
 * import { z } from "../deps.ts";
 * import { parseOrThrow } from "./errors.ts";
 * const v = parseOrThrow(z.object({ a: z.string() }), { a: "x" }, "generic");
 * console.assert(v.a === "x");
 * ```
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, body: unknown, source: string): T {
  const result = schema.safeParse(body);
  if (!result.success) throw IngestFormatError.fromZod(result.error, source);
  return result.data;
}

/**
 * A vendor time through `parseTimestamp` (`null` = present but unparseable), checked: throws an
 * {@link IngestFormatError} naming `field` for `null`, otherwise returns the value.
 *
 * @example
 * ```ts
 * import { requireTime } from "./errors.ts";
 * console.assert(requireTime(undefined, "startsAt", "alertmanager") === undefined);
 * ```
 */
export function requireTime(
  parsed: string | undefined | null,
  field: string,
  source: string,
): string | undefined {
  if (parsed === null) {
    throw new IngestFormatError(field, "not an RFC 3339 / ISO 8601 time or epoch number", {
      source,
    });
  }
  return parsed;
}
