/**
 * HTTP error responses in FastAPI's shape: `{"detail": [{type, loc, msg}]}` for 422 validation
 * errors (so OpenEnv clients parse them as they would the reference server's) and
 * `{"detail": "message"}` for the other statuses. Also the translation of a zod issue or an
 * {@link InvalidActionError} field path into a `loc` array, and of any error of the project
 * (an {@link AlertTriageError}) into its answer: the status comes from the error's `kind`
 * ({@link HTTP_STATUS}), the metrics label from its `code` ({@link errorLabel}), never from its
 * message.
 *
 * @example
 * ```ts
 * import { fieldToLoc, toHttpError } from "./http_errors.ts";
 * import { EpisodeNotRunningError } from "../errors.ts";
 * console.assert(fieldToLoc("decisions[2].alert_id").join() === "decisions,2,alert_id");
 * const err = toHttpError(new EpisodeNotRunningError("No episode is running"));
 * console.assert(err.status === 409 && err.code === "not_running");
 * ```
 *
 * @module
 */
import { AlertTriageError, type ErrorKind, type InvalidActionError } from "../errors.ts";

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

/** The HTTP status answering each kind of error. */
export const HTTP_STATUS: Readonly<Record<ErrorKind, number>> = {
  invalid_input: 422,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  overloaded: 429,
  unavailable: 503,
  failed: 500,
};

function kindOfStatus(status: number): ErrorKind {
  const kind = (Object.keys(HTTP_STATUS) as ErrorKind[]).find((k) => HTTP_STATUS[k] === status);
  return kind ?? (status < 500 ? "invalid_input" : "failed");
}

/** Metrics labels that are not the lower-cased error code. */
const LABELS: Readonly<Record<string, string>> = {
  INVALID_ACTION: "validation",
  EPISODE_NOT_RUNNING: "not_running",
  CAPACITY_REACHED: "capacity",
};

/**
 * The metrics label (`alert_triage_errors_total{kind}`) of an error of the project, from its
 * code: `validation`, `not_running`, `capacity`, else the code lower-cased (`unknown_task`).
 */
export function errorLabel(err: AlertTriageError): string {
  return LABELS[err.code] ?? err.code.toLowerCase();
}

/**
 * An error that the HTTP layer turns into a JSON response with its status; its `code` is the
 * metrics label of the error (`validation`, `not_found`, ...).
 */
export class HttpError extends AlertTriageError {
  /** HTTP status (4xx, or 503 for capacity). */
  readonly status: number;
  /** The `detail` of the response body. */
  readonly detail: string | DetailItem[];
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;

  /** Creates the error; `code` is its metrics label. */
  constructor(
    status: number,
    detail: string | DetailItem[],
    code: string,
    headers: Record<string, string> = {},
  ) {
    super(
      typeof detail === "string" ? detail : detail.map((d) => d.msg).join("; "),
      code,
      kindOfStatus(status),
    );
    this.name = "HttpError";
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

/**
 * The answer to an error of the project: the status of its kind, `detail` (default: its
 * message), its metrics label, and extra headers.
 */
export function toHttpError(
  err: AlertTriageError,
  detail: string | DetailItem[] = err.message,
  headers: Record<string, string> = {},
): HttpError {
  return new HttpError(HTTP_STATUS[err.kind], detail, errorLabel(err), headers);
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
