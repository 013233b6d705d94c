/**
 * Ingest edge cases that must end in a clear 4xx with nothing written: nesting deeper than the
 * documented limit (422, where 5,000-11,000 levels used to overflow the stack and answer 503),
 * a body larger than one commit chunk that does not fit the backlog (429 before its first chunk),
 * and a flood of refusals logging one summary line per interval.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { jsonDepth, MAX_JSON_DEPTH } from "../../src/ingest/request_body.ts";
import { RejectionLog } from "../../src/ingest/rejection_log.ts";
import { MAX_KEYS_PER_COMMIT } from "../../src/ingest/store.ts";
import { ingestHarness } from "./http_helpers.ts";

const nested = (depth: number) => `{"title":"deep","x":${"[".repeat(depth)}${"]".repeat(depth)}}`;

Deno.test("bodies nested deeper than MAX_JSON_DEPTH answer 422 naming body, nothing written", async () => {
  const h = await ingestHarness();
  for (const depth of [MAX_JSON_DEPTH, 5_000, 11_000, 200_000]) {
    const r = await h.post("/ingest/alerts", nested(depth));
    assert.equal(r.status, 422, `depth ${depth + 1}`);
    assert.equal(r.body.field, "body");
    assert.match(r.body.detail[0].msg, new RegExp(`deeper than ${MAX_JSON_DEPTH} levels`));
  }
  const objects = `{"title":"x","a":${'{"b":'.repeat(6_000)}1${"}".repeat(6_000)}}`;
  assert.equal((await h.post("/ingest/alerts/generic", objects)).status, 422);
  assert.equal((await h.store.stats()).total, 0);
  const ok = await h.post("/ingest/alerts", nested(MAX_JSON_DEPTH - 1));
  assert.equal(ok.status, 202, "exactly the limit is accepted");
  h.close();
});

Deno.test("jsonDepth() counts only brackets outside strings (property: equals the parsed depth)", () => {
  const depthOf = (v: unknown): number =>
    v !== null && typeof v === "object"
      ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf))
      : 0;
  fc.assert(
    fc.property(fc.jsonValue({ maxDepth: 8 }), (v) => {
      const text = JSON.stringify(v);
      return jsonDepth(text) === depthOf(JSON.parse(text));
    }),
    { numRuns: 300 },
  );
  assert.equal(jsonDepth('["[[[\\"]]]", {"a": "}{"}]'), 2);
});

Deno.test("a body larger than one commit that does not fit the backlog is refused whole (429, nothing stored)", async () => {
  const h = await ingestHarness({ maxBacklog: 100 });
  const alerts = Array.from({ length: 150 }, (_, i) => ({
    status: "firing",
    labels: { alertname: `Disk${i}`, severity: "warning" },
    startsAt: "2026-08-20T10:00:00Z",
    fingerprint: `fp-${i}`,
  }));
  assert.ok(alerts.length > MAX_KEYS_PER_COMMIT, "more keys than one atomic commit holds");
  const body = { version: "4", status: "firing", alerts };
  const r = await h.post("/ingest/alerts", body);
  assert.equal(r.status, 429);
  assert.ok(r.headers.get("retry-after"));
  assert.deepEqual(await h.store.stats(), { open: 0, total: 0, max_backlog: 100 });
  assert.deepEqual(await h.problems(), []);

  const fits = await ingestHarness({ maxBacklog: 150 });
  const ok = await fits.post("/ingest/alerts", body);
  assert.equal(ok.status, 202);
  assert.equal(ok.body.accepted, 150);
  assert.deepEqual(await fits.store.stats(), { open: 150, total: 150, max_backlog: 150 });
  // Resolving all 150 in one (multi-chunk) body always fits: the open count only falls.
  const resolved = await fits.post("/ingest/alerts", {
    ...body,
    status: "resolved",
    alerts: alerts.map((a) => ({ ...a, status: "resolved" })),
  });
  assert.equal(resolved.status, 202);
  assert.equal((await fits.store.stats()).open, 0);
  assert.deepEqual(await fits.problems(), []);
  h.close();
  fits.close();
});

Deno.test("3,000 refused requests write one summary line per interval, not one each", async () => {
  const h = await ingestHarness({ token: "t0k3n", rejectionLogIntervalMs: 60_000 });
  for (let i = 0; i < 3_000; i++) {
    const r = await h.post("/ingest/alerts", { title: "x" }, { authorization: "Bearer wrong" });
    assert.equal(r.status, 401);
  }
  const lines = h.logs.map((l) => JSON.parse(l)).filter((l) => l.event === "ingest_rejected");
  assert.equal(
    lines.length,
    1,
    "the first refusal is logged at once; the rest wait for the interval",
  );
  assert.equal(lines[0].count, 1);
  assert.equal(h.logs.length, 1);
  h.close();
});

Deno.test("RejectionLog sums refusals by status and route into the next interval's line", () => {
  const lines: string[] = [];
  let t = 0;
  const log = new RejectionLog((l) => lines.push(l), 10_000, () => t);
  log.record("POST /ingest/alerts", 401);
  for (let i = 0; i < 2_999; i++) {
    t += 3;
    log.record(i % 3 ? "POST /ingest/alerts" : "POST /v2/enqueue", i % 2 ? 401 : 422, "why");
  }
  assert.equal(lines.length, 1);
  t = 20_000;
  log.flushDue();
  assert.equal(lines.length, 2);
  const second = JSON.parse(lines[1]);
  assert.equal(second.count, 2_999);
  assert.equal(second.by_status["401"] + second.by_status["422"], 2_999);
  assert.equal(second.by_route["POST /v2/enqueue"], 1_000);
  log.flushDue();
  assert.equal(lines.length, 2, "nothing pending: no line");
});
