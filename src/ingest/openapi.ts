/**
 * The OpenAPI descriptions of the `/ingest/*` routes (real alerts into the durable store, which
 * `source: "replay"|"mixed"` resets play back), one per route of `INGEST_ROUTES` in
 * `routes.ts`, which binds each to its method, path and handler.
 *
 * @example
 * ```ts
 * import { INGEST_DOCS } from "./openapi.ts";
 * console.assert(INGEST_DOCS.stats.responses[200] !== undefined);
 * ```
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ALERT_TYPES } from "../models.ts";
import type { RouteDoc } from "../http/route_table.ts";
import { ALERT_SOURCES, ALERT_STATUSES } from "./normalized_alert.ts";
import { MAX_PAGE } from "./store_query.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const ErrorMessage = z.object({ detail: z.string() });
const FieldError = z.object({
  detail: z.array(z.object({
    type: z.string(),
    loc: z.array(z.union([z.string(), z.int()])),
    msg: z.string(),
  })),
  field: z.string().describe("Dotted path of the offending field, e.g. `alerts[0].labels`"),
});
const auth = z.object({
  authorization: z.string().optional().describe(
    "`Bearer <token>` when `ALERT_TRIAGE_INGEST_TOKEN` is set (a valid signature, or on the " +
      "PagerDuty routes `routing_key` = the token, also authenticates)",
  ),
});
const Accepted = z.object({
  status: z.literal("success"),
  message: z.string(),
  dedup_key: z.union([z.string(), z.null()]),
  source: z.union([z.string(), z.null()]),
  accepted: z.int(),
  ignored: z.int(),
  results: z.array(z.record(z.string(), z.unknown())).describe(
    "Per event: dedup_key, outcome (created, updated, resolved, ...), cycle",
  ),
});
const ingestErrors = {
  401: json(ErrorMessage, "Missing or wrong bearer token"),
  503: json(ErrorMessage, "Alert store unavailable (with `Retry-After`)"),
};
const postErrors = {
  400: json(ErrorMessage, "Empty, non-UTF-8 or malformed JSON body"),
  403: json(ErrorMessage, "Missing, wrong or stale signature (when a secret is set)"),
  413: json(ErrorMessage, "Body larger than the limit"),
  422: json(FieldError, "A body the format rejects, naming the field (or nested too deep)"),
  429: json(ErrorMessage, "Backlog of open alerts full (with `Retry-After`); nothing stored"),
  ...ingestErrors,
};
const anyBody = {
  content: { "application/json": { schema: z.record(z.string(), z.unknown()) } },
  required: true,
};
const signed = auth.extend({
  "x-signature": z.string().optional().describe(
    "`sha256=<hex>` HMAC-SHA256 of the raw body (when `ALERT_TRIAGE_INGEST_HMAC_SECRET` is set)",
  ),
  "x-grafana-alerting-signature": z.string().optional().describe(
    "Grafana's HMAC: hex HMAC-SHA256 of `<timestamp>:<body>` (of the body without a timestamp)",
  ),
  "x-grafana-alerting-timestamp": z.string().optional().describe(
    "Unix seconds signed with Grafana's HMAC (within 300 s of the server clock)",
  ),
});
const PagerDutyAccepted = z.object({
  status: z.literal("success"),
  message: z.literal("Event processed"),
  dedup_key: z.union([z.string(), z.null()]),
}).passthrough();

/** The descriptions of the ingest routes, by route. */
export const INGEST_DOCS: {
  /** `POST /ingest/alerts`. */
  ingest: RouteDoc;
  /** `POST /ingest/alerts/{format}`. */
  ingestFormat: RouteDoc;
  /** `POST /v2/enqueue` and `POST /ingest/alerts/pagerduty/v2/enqueue`. */
  enqueue: RouteDoc;
  /** `GET /ingest/alerts`. */
  list: RouteDoc;
  /** `GET /ingest/stats`. */
  stats: RouteDoc;
} = {
  ingest: {
    tags: ["Ingest"],
    summary: "Ingest real alerts (format detected from the body)",
    description: "Prometheus Alertmanager (v4), Grafana alerting (v1), PagerDuty Events API v2, " +
      "Datadog webhooks or a generic JSON alert. Answers 202 only after the store committed; " +
      "the same dedup key while open updates one record, a resolve closes it.",
    request: { headers: signed, body: anyBody },
    responses: { 202: json(Accepted, "Stored"), ...postErrors },
  },
  ingestFormat: {
    tags: ["Ingest"],
    summary: "Ingest real alerts of one format",
    request: {
      params: z.object({ format: z.enum(ALERT_SOURCES) }),
      headers: signed,
      body: anyBody,
    },
    responses: {
      202: json(Accepted, "Stored"),
      404: json(ErrorMessage, "Unknown format"),
      ...postErrors,
    },
  },
  enqueue: {
    tags: ["Ingest"],
    summary: "PagerDuty Events API v2 (point a PagerDuty client's base URL here)",
    description: "The path PagerDuty clients post to (`{base}/v2/enqueue`): one Events v2 " +
      "event, answered like PagerDuty (`202 {status, message, dedup_key}`, plus this server's " +
      "`results`). With a token set, the token is accepted as `routing_key`.",
    request: { headers: auth, body: anyBody },
    responses: { 202: json(PagerDutyAccepted, "Stored"), ...postErrors },
  },
  list: {
    tags: ["Ingest"],
    summary: "Stored alerts, newest first (paged, filterable)",
    request: {
      headers: auth,
      query: z.object({
        status: z.enum(ALERT_STATUSES).optional(),
        source: z.enum(ALERT_SOURCES).optional(),
        type: z.enum(ALERT_TYPES).optional(),
        limit: z.int().min(1).max(MAX_PAGE).optional(),
        cursor: z.string().optional().describe("`next_cursor` of the previous page"),
        offset: z.int().min(0).optional(),
      }),
    },
    responses: {
      200: json(
        z.object({
          count: z.int(),
          next_cursor: z.union([z.string(), z.null()]),
          alerts: z.array(z.record(z.string(), z.unknown())).describe(
            "Normalised records with their dedup key, status, cycle and raw payload",
          ),
        }),
        "A page of stored alerts",
      ),
      422: json(FieldError, "Invalid query parameter, naming it"),
      ...ingestErrors,
    },
  },
  stats: {
    tags: ["Ingest"],
    summary: "Open and total stored alerts, and the backlog bound",
    request: { headers: auth },
    responses: {
      200: json(
        z.object({ open: z.int(), total: z.int(), max_backlog: z.int() }),
        "Store counts",
      ),
      ...ingestErrors,
    },
  },
};
