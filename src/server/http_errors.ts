/**
 * HTTP error responses in FastAPI's shape: `{"detail": [{type, loc, msg}]}` for 422 validation
 * errors (so OpenEnv clients parse them as they would the reference server's) and
 * `{"detail": "message"}` for the other statuses. Also the translation of a zod issue or an
 * {@link InvalidActionError} field path into a `loc` array.
 *
 * @example
 * ```ts
 * import { fieldToLoc } from "./http_errors.ts";
 * console.assert(fieldToLoc("decisions[2].alert_id").join() === "decisions,2,alert_id");
 * ```
 *
 * @module
 */
import type { InvalidActionError } from "../errors.ts";

/** A path into a request: `["body", "action", "decisions", 0, "alert_id"]`. */
export type Loc = (string | number)[];

/** One validation error, as FastAPI reports it. */
export interface DetailItem {
  /** Error kind (`missing`, `invalid_type`, `json_invalid`, `invalid_action`, ...). */
  type: string;
  /** Where the offending value is. */
  loc: Loc;
  /** What is wrong with it, in a sentence. */
  msg: string;
}

/** An error that the HTTP layer turns into a JSON response with its status. */
export class HttpError extends Error {
  /** HTTP status (4xx, or 503 for capacity). */
  readonly status: number;
  /** The `detail` of the response body. */
  readonly detail: string | DetailItem[];
  /** Metrics label of the error (`validation`, `not_found`, ...). */
  readonly kind: string;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  /** Creates the error. */
  constructor(
    status: number,
    detail: string | DetailItem[],
    kind: string,
    headers: Record<string, string> = {},
  ) {
    super(typeof detail === "string" ? detail : detail.map((d) => d.msg).join("; "));
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
    this.kind = kind;
    this.headers = headers;
  }
}

/** A 422 with one detail item. */
export function unprocessable(loc: Loc, msg: string, type = "value_error"): HttpError {
  return new HttpError(422, [{ type, loc, msg }], "validation");
}

/** Splits an {@link InvalidActionError} field (`decisions[2].alert_id`) into a loc. */
export function fieldToLoc(field: string): Loc {
  if (field === "action" || field === "") return [];
  const loc: Loc = [];
  for (const part of field.split(/\.|(?=\[)/)) {
    const index = /^\[(\d+)\]$/.exec(part);
    if (index) loc.push(Number(index[1]));
    else if (part) loc.push(part);
  }
  return loc;
}

/** The detail of a rejected action, under `prefix` (`["body", "action"]` over HTTP). */
export function actionDetail(err: InvalidActionError, prefix: Loc): DetailItem[] {
  return [{ type: "invalid_action", loc: [...prefix, ...fieldToLoc(err.field)], msg: err.reason }];
}

interface ZodLikeIssue {
  code: string;
  path: PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  keys?: string[];
}

/** The detail items of zod issues, each loc under `prefix`. */
export function zodDetail(issues: readonly ZodLikeIssue[], prefix: Loc): DetailItem[] {
  return issues.map((issue) => {
    const loc: Loc = [
      ...prefix,
      ...issue.path.map((p) => typeof p === "number" ? p : String(p)),
    ];
    if (issue.code === "invalid_type" && issue.input === undefined) {
      return { type: "missing", loc, msg: "Field required" };
    }
    if (issue.code === "unrecognized_keys" && issue.keys?.length) {
      return { type: "extra_forbidden", loc: [...loc, issue.keys[0]], msg: issue.message };
    }
    if (
      issue.code === "invalid_type" && (issue.expected === "record" || issue.expected === "object")
    ) {
      return { type: "dict_type", loc, msg: "Input should be a valid dictionary" };
    }
    const type = issue.code === "invalid_type" && issue.expected
      ? `${issue.expected}_type`
      : issue.code;
    return { type, loc, msg: issue.message };
  });
}
