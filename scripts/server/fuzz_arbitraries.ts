/**
 * fast-check arbitraries of hostile requests and WebSocket frames for the fuzz script: wrong
 * types, missing and extra fields, huge and non-finite numbers, deep nesting, invalid UTF-8,
 * unknown task, alert and session ids, oversized bodies, truncated JSON.
 *
 * @example
 * ```ts
 * import fc from "fast-check";
 * import { httpRequestArb } from "./fuzz_arbitraries.ts";
 * const [sample] = fc.sample(httpRequestArb(1024 * 1024), { numRuns: 1, seed: 1 });
 * console.log(sample.method, sample.path);
 * ```
 *
 * @module
 */
import fc from "fast-check";
import { ACTION_TYPES } from "../../mod.ts";

/** One generated HTTP request. */
export interface FuzzRequest {
  /** HTTP method. */
  method: string;
  /** Path and query. */
  path: string;
  /** Request headers. */
  headers: Record<string, string>;
  /** Body: text, raw bytes, a stream (no Content-Length), or none. */
  body: string | Uint8Array | { stream: number } | null;
}

const weird = fc.constantFrom(
  "",
  " ",
  "A1",
  "A0",
  "A999999",
  "a1",
  "A-1",
  "A1.5",
  "default",
  "null",
  "../../etc/passwd",
  "\u0000",
  "\ud800",
  "😀".repeat(40),
  "x".repeat(300),
  "easy",
  "EASY",
  "nope",
);

/** Hostile strings. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  weird,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.string({ minLength: 100, maxLength: 3000 }),
);

/** Hostile numbers (JSON.stringify turns the non-finite ones into null). */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    0,
    -0,
    -1,
    1.5,
    2 ** 31,
    2 ** 32,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    1e21,
    1e308,
    -1e308,
    5e-324,
    Number.MAX_VALUE,
  ),
);

/** Any JSON-ish value, a few levels deep. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileNumber,
    hostileString,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileString, tie("value"), { maxKeys: 4 }),
  ),
})).value;

const alertId = fc.oneof(
  fc.integer({ min: 0, max: 60 }).map((i) => `A${i}`),
  hostileValue,
);
const actionType = fc.oneof(fc.constantFrom(...ACTION_TYPES, "nuke", "investigate"), hostileValue);
const decision = fc.oneof(
  fc.record({ alert_id: alertId, action_type: actionType }, { requiredKeys: [] }),
  fc.record({ alert_id: alertId, action_type: actionType, extra: hostileValue }),
  hostileValue,
);

/** Hostile actions: near-valid decisions, wrong shapes, extra keys, too many decisions. */
export const actionArb: fc.Arbitrary<unknown> = fc.oneof(
  decision,
  fc.record({ decisions: fc.array(decision, { maxLength: 8 }) }),
  fc.record({ decisions: fc.oneof(hostileValue, fc.array(decision, { minLength: 257 })) }),
  fc.record({ decisions: fc.array(decision, { maxLength: 4 }), metadata: hostileValue }),
  hostileValue,
);

const sourceArb = fc.oneof(fc.constantFrom("synthetic", "replay", "mixed", "live"), hostileValue);
const timeArb = fc.oneof(
  fc.constantFrom("2026-08-20T10:00:00Z", "2999-01-01T00:00:00Z", "yesterday"),
  hostileNumber,
  hostileValue,
);
const replayArb = fc.oneof(
  fc.record({
    since: timeArb,
    until: timeArb,
    limit: fc.oneof(fc.integer({ min: -1, max: 20000 }), hostileValue),
    tick_ms: fc.oneof(fc.integer({ min: -1, max: 10 ** 9 }), hostileValue),
  }, { requiredKeys: [] }),
  hostileValue,
);

/** Hostile reset bodies (with `source` and the `replay` window). */
export const resetBodyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    seed: fc.oneof(hostileNumber, hostileValue, fc.nat().map(String)),
    task_id: fc.oneof(fc.constantFrom("easy", "medium", "hard", "nope", ""), hostileValue),
    episode_id: fc.oneof(hostileString, hostileValue),
    session_id: fc.oneof(fc.constantFrom("default", "s1", "s2"), hostileValue),
    agent: fc.oneof(hostileString, hostileValue),
    source: sourceArb,
    replay: replayArb,
    extra: hostileValue,
  }, { requiredKeys: [] }),
  hostileValue,
);

/** Hostile alert bodies for `/ingest/*`: near-valid generic and Alertmanager ones. */
export const ingestBodyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    title: fc.oneof(fc.constantFrom("Disk full on db-1", "CPU high"), hostileValue),
    dedup_key: fc.oneof(fc.constantFrom("k1", "k2", "x".repeat(2000)), hostileValue),
    severity: fc.oneof(fc.constantFrom("critical", "warning", "info", "P1"), hostileValue),
    service: fc.oneof(fc.constantFrom("db-primary", "web"), hostileValue),
    status: fc.oneof(fc.constantFrom("firing", "resolved"), hostileValue),
    timestamp: fc.oneof(fc.constantFrom("2026-08-20T10:00:00Z", "yesterday"), hostileValue),
  }, { requiredKeys: [] }),
  fc.record({
    version: fc.oneof(fc.constant("4"), hostileValue),
    status: fc.oneof(fc.constantFrom("firing", "resolved"), hostileValue),
    alerts: fc.oneof(
      fc.array(
        fc.record({
          status: fc.oneof(fc.constantFrom("firing", "resolved"), hostileValue),
          labels: fc.oneof(
            fc.record({ alertname: hostileString, severity: hostileString }),
            hostileValue,
          ),
          startsAt: fc.oneof(fc.constant("2026-08-20T10:00:00Z"), hostileValue),
          fingerprint: fc.oneof(fc.stringMatching(/^[0-9a-f]{1,16}$/), hostileValue),
        }, { requiredKeys: [] }),
        { maxLength: 4 },
      ),
      hostileValue,
    ),
  }, { requiredKeys: [] }),
);

/** Hostile step bodies. */
export const stepBodyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    action: actionArb,
    timeout_s: fc.oneof(hostileNumber, hostileValue),
    request_id: fc.oneof(hostileString, hostileValue),
    session_id: fc.oneof(fc.constantFrom("default", "s1", "missing"), hostileValue),
  }, { requiredKeys: ["action"] }),
  fc.record({ action: actionArb }, { requiredKeys: [] }),
  hostileValue,
);

/** Hostile JSON-RPC bodies. */
export const rpcBodyArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({
    jsonrpc: fc.oneof(fc.constant("2.0"), hostileValue),
    method: fc.oneof(
      fc.constantFrom(
        "tools/list",
        "tools/call",
        "openenv/session/create",
        "openenv/session/close",
        "initialize",
      ),
      hostileValue,
    ),
    params: fc.oneof(
      fc.record({
        name: fc.oneof(fc.constantFrom("reset", "step", "state", "close", "nope"), hostileValue),
        arguments: fc.oneof(resetBodyArb, stepBodyArb, actionArb),
        session_id: fc.oneof(fc.constantFrom("default", "nope"), hostileValue),
      }, { requiredKeys: [] }),
      hostileValue,
    ),
    id: hostileValue,
    extra: hostileValue,
  }, { requiredKeys: ["jsonrpc", "method"] }),
  hostileValue,
);

/** Raw texts that are not (quite) JSON: deep nesting, huge exponents, truncations. */
export const rawTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 200000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.integer({ min: 1, max: 50000 }).map((n) => '{"action":'.repeat(n) + "{}" + "}".repeat(n)),
  fc.integer({ min: 1, max: 50000 }).map((n) => "[".repeat(n)),
  fc.constantFrom("1e99999", "-1e99999", "NaN", "Infinity", "{", "}", "nul", '{"a":}', "\ufeff{}"),
  fc.string({ maxLength: 200 }),
  stepBodyArb.map((v) => JSON.stringify(v) ?? "").chain((s) =>
    fc.nat({ max: Math.max(0, s.length) }).map((k) => s.slice(0, k))
  ),
);

/** Endpoints with the method they serve. */
const ENDPOINTS: [string, string][] = [
  ["POST", "/reset"],
  ["POST", "/step"],
  ["GET", "/state"],
  ["GET", "/health"],
  ["GET", "/metadata"],
  ["GET", "/schema"],
  ["POST", "/mcp"],
  ["GET", "/ws"],
  ["GET", "/ws/train"],
  ["POST", "/env/reset/easy"],
  ["POST", "/env/reset/hard"],
  ["POST", "/env/step"],
  ["GET", "/env/state"],
  ["GET", "/tasks"],
  ["GET", "/metrics"],
  ["GET", "/metrics.json"],
  ["GET", "/openapi.json"],
  ["GET", "/docs"],
  ["GET", "/"],
  ["POST", "/ingest/alerts"],
  ["GET", "/ingest/alerts"],
  ["POST", "/ingest/alerts/alertmanager"],
  ["POST", "/ingest/alerts/pagerduty"],
  ["POST", "/ingest/alerts/generic"],
  ["GET", "/ingest/stats"],
];

/** Percent-encodes a string, lone surrogates included (as U+FFFD). */
const encode = (s: string) => encodeURIComponent(s.toWellFormed());

const pathArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...ENDPOINTS.map(([, p]) => p)) },
  { weight: 1, arbitrary: hostileString.map((s) => `/env/reset/${encode(s)}`) },
  { weight: 1, arbitrary: hostileString.map((s) => `/ingest/alerts/${encode(s)}`) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("/env/reset/%C3%28", "/env/reset/%ZZ", "/%00", "//reset"),
  },
  { weight: 1, arbitrary: fc.webPath() },
).chain((path) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(path) },
    {
      weight: 1,
      arbitrary: fc.oneof(hostileString, fc.constantFrom("json", "prometheus")).map((q) =>
        `${path}?session_id=${encode(q)}&format=${encode(q)}`
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        q: fc.oneof(hostileString, fc.constantFrom("firing", "generic", "cpu", "0", "500", "501")),
        n: fc.oneof(hostileNumber.map(String), hostileString),
      }).map(({ q, n }) =>
        `${path}?status=${encode(q)}&source=${encode(q)}&type=${encode(q)}&limit=${
          encode(n)
        }&offset=${encode(n)}&cursor=${encode(q)}`
      ),
    },
  )
);

/** Header values that fetch accepts (printable ASCII). */
const headerValue = fc.oneof(
  fc.constantFrom("default", "s1", "s2", "missing", "x".repeat(200), "bad id!", ""),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode) }),
);

/** A generated HTTP request; bodies above `maxBody` test the 413 path. */
export function httpRequestArb(maxBody: number): fc.Arbitrary<FuzzRequest> {
  const jsonBody = fc.oneof(stepBodyArb, resetBodyArb, rpcBodyArb, actionArb, ingestBodyArb).map((
    v,
  ) => JSON.stringify(v) ?? "null");
  const body = fc.oneof(
    { weight: 20, arbitrary: jsonBody },
    { weight: 3, arbitrary: rawTextArb },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    {
      weight: 1,
      arbitrary: jsonBody.map((s) => {
        const bytes = new TextEncoder().encode(s);
        const out = new Uint8Array(bytes.length + 2);
        out.set(bytes);
        out.set([0xc3, 0x28], Math.floor(bytes.length / 2));
        return out;
      }),
    },
    { weight: 1, arbitrary: fc.constantFrom(maxBody + 1, maxBody * 3).map((n) => "[".repeat(n)) },
    { weight: 1, arbitrary: fc.constantFrom({ stream: maxBody + 10 }, { stream: 1000 }) },
    { weight: 2, arbitrary: fc.constantFrom("", "{}") },
    { weight: 2, arbitrary: fc.constant(null) },
  );
  const anyMethod = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS");
  const target = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom(...ENDPOINTS).chain(([method, path]) =>
        fc.record({
          method: fc.oneof({ weight: 9, arbitrary: fc.constant(method) }, {
            weight: 1,
            arbitrary: anyMethod,
          }),
          path: fc.oneof(
            { weight: 6, arbitrary: fc.constant(path) },
            { weight: 1, arbitrary: pathArb },
          ),
        })
      ),
    },
    { weight: 1, arbitrary: fc.record({ method: anyMethod, path: pathArb }) },
  );
  return fc.record({
    target,
    headers: fc.record({
      "Content-Type": fc.constantFrom(
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=latin1",
        "",
      ),
      "X-Session-Id": headerValue,
      "X-Agent-Name": headerValue,
    }, { requiredKeys: [] }),
    body,
  }).map(({ target, headers, body }) => ({ ...target, headers, body }));
}

/** Frames for an OpenEnv `/ws` socket (strings are text frames, byte arrays binary ones). */
export const openenvFrameArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.oneof(
        fc.constantFrom("reset", "step", "state", "mcp", "close", "nope"),
        hostileValue,
      ),
      data: fc.oneof(actionArb, resetBodyArb, rpcBodyArb, hostileValue),
      extra: hostileValue,
    }, { requiredKeys: ["type"] }).map((v) => JSON.stringify(v)),
  },
  { weight: 2, arbitrary: rawTextArb.filter((s) => s.length < 500000) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }) },
);

/** Frames for a seed-style `/ws/train` socket. */
export const trainFrameArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.record({
      type: fc.oneof(fc.constantFrom("reset", "step", "state", "nope"), hostileValue),
      task_id: fc.oneof(fc.constantFrom("easy", "medium", "hard", "nope"), hostileValue),
      seed: fc.oneof(hostileNumber, hostileValue),
      source: sourceArb,
      replay: replayArb,
      action: actionArb,
    }, { requiredKeys: ["type"] }).map((v) => JSON.stringify(v)),
  },
  { weight: 2, arbitrary: rawTextArb.filter((s) => s.length < 500000) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }) },
);

/** Frames for a WebSocket `/mcp` socket. */
export const mcpFrameArb: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 10, arbitrary: rpcBodyArb.map((v) => JSON.stringify(v) ?? "null") },
  { weight: 2, arbitrary: rawTextArb.filter((s) => s.length < 500000) },
);
