/**
 * The ingest HTTP sub-app (Hono), mounted by the server with `app.route("/", createIngestApp())`.
 *
 * | route                                  | what                                                |
 * | -------------------------------------- | --------------------------------------------------- |
 * | `POST /ingest/alerts`                  | any format, detected from the body                  |
 * | `POST /ingest/alerts/{format}`         | `alertmanager`, `grafana`, `pagerduty`, `datadog`, `generic` |
 * | `POST /v2/enqueue`, `POST /ingest/alerts/pagerduty/v2/enqueue` | PagerDuty Events API v2 (a PagerDuty client's base URL) |
 * | `GET /ingest/alerts`                   | stored alerts, newest first: `status`, `source`, `type`, `limit` (≤ 500), `cursor`, `offset` |
 * | `GET /ingest/stats`                    | open / total / backlog bound                        |
 *
 * A POST answers **202** (PagerDuty-style `{"status":"success","dedup_key":...,"results":[...]}`)
 * only after the store committed. Errors, never a 500: **400** empty / non-UTF-8 / malformed JSON;
 * **401** missing or wrong credential; **403** missing or wrong signature (see `auth.ts` for the
 * credential each sender can use); **404** unknown format; **413** body over the limit; **422**
 * JSON nested deeper than `MAX_JSON_DEPTH`, or a body the format rejects, naming the field
 * (`{"detail":[{"type":"invalid_alert","loc":["body","alerts",0,"labels"],"msg":...}],
 * "field":"alerts[0].labels"}`); **429** no backlog room for the whole body, with `Retry-After`;
 * **503** store unavailable. Log lines (JSON) carry route, status, source and counts — never a
 * header or a credential; refused requests are summed into one line per interval
 * (`rejection_log.ts`).
 * Each route is declared once, in {@link INGEST_ROUTES}: method, path, handler and its OpenAPI
 * description (from `openapi.ts`), which the server's document and 405 answers are built from.
 *
 * @example
 * ```ts
 * import { createIngestApp } from "./routes.ts";
 * import { IngestStore } from "./store.ts";
 * const app = createIngestApp({ store: await IngestStore.open(":memory:"), log: () => {} });
 * const res = await app.request("/ingest/alerts", { method: "POST",
 *   body: JSON.stringify({ title: "Disk full on db-1", dedup_key: "disk-db-1" }) });
 * console.assert(res.status === 202);
 * ```
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { ALERT_TYPES } from "../models.ts";
import { authenticate, type AuthRequest } from "./auth.ts";
import { DEFAULT_INGEST_CONFIG, type IngestConfig, ingestConfigFromEnv } from "./ingest_config.ts";
import { normalizeAny, normalizeAs } from "./detect.ts";
import { IngestFormatError } from "./errors.ts";
import {
  ALERT_STATUSES,
  type AlertVendor,
  alertVendors,
  isAlertVendor,
  type NormalizedAlert,
} from "./normalized_alert.ts";
import { BacklogFullError, IngestStore, sharedIngestStore } from "./store.ts";
import { BadCursorError, type ListQuery, MAX_PAGE } from "./store_query.ts";
import { INGEST_DOCS } from "./openapi.ts";
import { parseJsonBody, readLimited, Reply } from "./request_body.ts";
import { RejectionLog } from "./rejection_log.ts";
import { type ApiRoute, mountRoutes } from "../http/route_table.ts";

/** Options of {@link createIngestApp}. */
export interface IngestAppOptions {
  /** The store, or a function opening it (default: {@link sharedIngestStore} of the config). */
  store?: IngestStore | (() => Promise<IngestStore>);
  /** Settings over the environment's (`ingestConfigFromEnv()`). */
  config?: Partial<IngestConfig>;
  /** Where JSON log lines go (default `console.log`). */
  log?: (line: string) => void;
  /** Milliseconds clock for receipt times (default `Date.now`). */
  now?: () => number;
}

/**
 * `alerts[0].labels` → `["body", "alerts", 0, "labels"]`.
 *
 * @example
 * ```ts
 * import { fieldLoc } from "./routes.ts";
 * console.assert(fieldLoc("alerts[0].labels").join() === "body,alerts,0,labels");
 * ```
 */
export function fieldLoc(field: string): (string | number)[] {
  if (field === "body") return ["body"];
  const parts = field.split(/\.|(?=\[)/).filter((p) => p !== "");
  return ["body", ...parts.map((p) => /^\[(\d+)\]$/.test(p) ? Number(p.slice(1, -1)) : p)];
}

function invalid(e: IngestFormatError): Reply {
  return new Reply(
    422,
    e.issues.map((i) => ({
      type: "invalid_alert",
      loc: fieldLoc(i.field),
      msg: `${i.field}: ${i.reason}`,
    })),
    { field: e.field, ...(e.source ? { source: e.source } : {}) },
  );
}

function normalizeBody(body: unknown, format: AlertVendor | undefined, at: number) {
  const options = { receivedAt: new Date(at) };
  try {
    return format ? normalizeAs(format, body, options) : normalizeAny(body, options);
  } catch (e) {
    if (e instanceof IngestFormatError) throw invalid(e);
    throw new Reply(422, [{ type: "invalid_alert", loc: ["body"], msg: "body: not an alert" }], {
      field: "body",
    });
  }
}

function listQuery(q: Record<string, string>): ListQuery {
  const bad = (name: string, msg: string) =>
    new Reply(422, [{ type: "invalid_query", loc: ["query", name], msg }], { field: name });
  const oneOf = <T extends string>(name: string, value: string | undefined, all: readonly T[]) => {
    if (value === undefined || value === "") return undefined;
    const v = (name === "type" ? value.toUpperCase() : value.toLowerCase()) as T;
    if (!all.includes(v)) throw bad(name, `${name} must be one of ${all.join("|")}`);
    return v;
  };
  const int = (name: string, min: number, max: number) => {
    const raw = q[name];
    if (raw === undefined || raw === "") return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw bad(name, `${name} must be an integer in ${min}..${max}`);
    }
    return n;
  };
  return {
    status: oneOf("status", q.status, ALERT_STATUSES),
    source: oneOf("source", q.source, alertVendors()),
    alert_type: oneOf("type", q.type ?? q.alert_type, ALERT_TYPES),
    limit: int("limit", 1, MAX_PAGE),
    offset: int("offset", 0, 1_000_000),
    cursor: q.cursor || undefined,
  };
}

/** What the ingest handlers share: the settings, the log, the clock and the store opener. */
export interface IngestContext {
  /** Settings in effect. */
  readonly config: IngestConfig;
  /** Where JSON log lines go. */
  readonly log: (line: string) => void;
  /** Milliseconds clock for receipt times. */
  readonly now: () => number;
  /** Opens the store (a 503 answer if it cannot be opened). */
  readonly openStore: () => Promise<IngestStore>;
  /** Refused requests, written as one summary line per interval. */
  readonly rejections: RejectionLog;
}

async function respond(
  c: Context,
  { config, log, rejections }: IngestContext,
  route: string,
  fn: () => Promise<[number, Record<string, unknown>, Record<string, string>?]>,
): Promise<Response> {
  let status: number;
  let body: Record<string, unknown>;
  let headers: Record<string, string> = {};
  try {
    [status, body, headers = {}] = await fn();
  } catch (e) {
    const r = e instanceof Reply
      ? e
      : e instanceof BadCursorError
      ? new Reply(422, [{ type: "invalid_query", loc: ["query", "cursor"], msg: e.message }])
      : e instanceof BacklogFullError
      ? new Reply(429, e.message, {}, { "Retry-After": String(config.retryAfterSeconds) })
      : e instanceof IngestFormatError
      ? invalid(e)
      : new Reply(503, "Alert store error; retry later", {}, { "Retry-After": "5" });
    if (!(e instanceof Reply) && r.status === 503) {
      log(JSON.stringify({ event: "ingest_error", route, error: String(e) }));
    }
    [status, body, headers] = [r.status, { detail: r.detail, ...r.extra }, r.headers];
  }
  if (status >= 400) {
    const detail = typeof body.detail === "string" && status !== 400 ? body.detail : undefined;
    rejections.record(route, status, detail ?? (body.field ? `field ${body.field}` : undefined));
  } else {
    rejections.flushDue();
    if (status !== 200) log(JSON.stringify({ event: "ingest", route, status, ...summary(body) }));
  }
  if (status === 401) headers["WWW-Authenticate"] = 'Bearer realm="ingest"';
  return c.json(body, status as 200, headers);
}

async function authorize(
  c: Context,
  ctx: IngestContext,
  request: Partial<AuthRequest> = {},
  now: () => number = ctx.now,
): Promise<void> {
  const fail = await authenticate(
    {
      header: (name) => c.req.header(name),
      body: () => Promise.resolve(new Uint8Array()),
      ...request,
    },
    ctx.config,
    now,
  );
  if (fail) throw new Reply(fail.status, fail.message);
}

/** Memoises a thunk (the body is read and parsed at most once per request). */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= f());
}

function ingest(
  c: Context,
  ctx: IngestContext,
  format: AlertVendor | undefined,
  route = format ? `POST /ingest/alerts/${format}` : "POST /ingest/alerts",
) {
  return respond(c, ctx, route, async () => {
    let receivedAtMs: number | undefined;
    const received = () => (receivedAtMs ??= ctx.now());
    const bytes = once(() => readLimited(c.req.raw, ctx.config.maxBodyBytes));
    const parsed = once(async () => parseJsonBody(await bytes()));
    await authorize(c, ctx, {
      body: bytes,
      // A PagerDuty sender can only set its routing key: the token may come that way.
      ...(format === "pagerduty"
        ? {
          routingKey: async () => {
            const b = await parsed();
            const key = (b as { routing_key?: unknown } | null)?.routing_key;
            return typeof key === "string" ? key : undefined;
          },
        }
        : {}),
    }, received);
    const body = await parsed();
    const at = received();
    const alerts: NormalizedAlert[] = normalizeBody(body, format, at);
    const results = await (await ctx.openStore()).ingest(alerts, { receivedAtMs: at });
    const ignored = results.filter((r) => r.outcome === "ignored").length;
    return [202, {
      status: "success",
      message: "Event processed",
      dedup_key: results[0]?.dedup_key ?? null,
      source: alerts[0]?.source ?? format ?? null,
      accepted: results.length - ignored,
      ignored,
      results,
    }];
  });
}

/**
 * The ingest routes, each bound to its OpenAPI description (`INGEST_DOCS` of `openapi.ts`):
 * {@link createIngestApp} mounts them, and the server documents them and derives its 405
 * answers from them.
 */
export const INGEST_ROUTES: readonly ApiRoute<IngestContext>[] = [
  {
    method: "post",
    path: "/ingest/alerts",
    doc: INGEST_DOCS.ingest,
    handler: (c, ctx) => ingest(c, ctx, undefined),
  },
  {
    method: "post",
    path: "/ingest/alerts/{format}",
    doc: INGEST_DOCS.ingestFormat,
    handler: (c, ctx) => {
      const format = c.req.param("format") as AlertVendor;
      if (!isAlertVendor(format)) {
        return respond(c, ctx, "POST /ingest/alerts/:format", () => {
          throw new Reply(
            404,
            `Unknown alert format ${JSON.stringify(format)}; known: ${alertVendors().join(", ")}`,
          );
        });
      }
      return ingest(c, ctx, format);
    },
  },
  {
    method: "post",
    path: "/v2/enqueue",
    doc: INGEST_DOCS.enqueue,
    handler: (c, ctx) => ingest(c, ctx, "pagerduty", "POST /v2/enqueue"),
  },
  {
    method: "post",
    path: "/ingest/alerts/pagerduty/v2/enqueue",
    doc: INGEST_DOCS.enqueue,
    handler: (c, ctx) => ingest(c, ctx, "pagerduty", "POST /ingest/alerts/pagerduty/v2/enqueue"),
  },
  {
    method: "get",
    path: "/ingest/alerts",
    doc: INGEST_DOCS.list,
    handler: (c, ctx) =>
      respond(c, ctx, "GET /ingest/alerts", async () => {
        await authorize(c, ctx);
        const query = listQuery(c.req.query());
        const page = await (await ctx.openStore()).list(query);
        return [200, {
          count: page.alerts.length,
          next_cursor: page.next_cursor,
          alerts: page.alerts,
        }];
      }),
  },
  {
    method: "get",
    path: "/ingest/stats",
    doc: INGEST_DOCS.stats,
    handler: (c, ctx) =>
      respond(c, ctx, "GET /ingest/stats", async () => {
        await authorize(c, ctx);
        return [200, { ...await (await ctx.openStore()).stats() }];
      }),
  },
];

/**
 * The ingest sub-app (see the module doc): {@link INGEST_ROUTES} on a Hono app. Settings come
 * from `options.config` over the environment; the store is opened on first use, so mounting
 * never blocks or throws.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { createIngestApp } from "./routes.ts";
 * const app = new Hono();
 * app.route("/", createIngestApp({ config: { kvPath: ":memory:" }, log: () => {} }));
 * console.assert((await app.request("/ingest/alerts/nope", { method: "POST" })).status === 404);
 * ```
 */
export function createIngestApp(options: IngestAppOptions = {}): Hono {
  const config: IngestConfig = {
    ...DEFAULT_INGEST_CONFIG,
    ...ingestConfigFromEnv(),
    ...options.config,
  };
  const given = options.store;
  const store = (): Promise<IngestStore> =>
    given instanceof IngestStore
      ? Promise.resolve(given)
      : given
      ? given()
      : sharedIngestStore(config);
  const openStore = async (): Promise<IngestStore> => {
    try {
      return await store();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new Reply(503, `Alert store unavailable: ${why}`, {}, { "Retry-After": "5" });
    }
  };
  const app = new Hono();
  const log = options.log ?? ((line: string) => console.log(line));
  const now = options.now ?? Date.now;
  mountRoutes(app, INGEST_ROUTES, {
    config,
    log,
    now,
    openStore,
    rejections: new RejectionLog(log, config.rejectionLogIntervalMs),
  });
  return app;
}

function summary(body: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(body.results)) return body.field ? { field: body.field } : {};
  const outcomes: Record<string, number> = {};
  for (const r of body.results as { outcome: string }[]) {
    outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  }
  return { source: body.source, outcomes };
}
