import assert from "node:assert/strict";
import fc from "fast-check";
import { Hono } from "hono";
import { createIngestApp } from "../../src/ingest/routes.ts";
import { alertmanagerExample, genericExample } from "./fixtures.ts";
import { answer, ingestHarness } from "./http_helpers.ts";

Deno.test("POST /ingest/alerts answers 400 for malformed JSON, an empty body and bad UTF-8", async () => {
  const h = await ingestHarness();
  const bad = await h.post("/ingest/alerts", '{"title": "x",');
  assert.equal(bad.status, 400);
  assert.match(bad.body.detail, /^Malformed JSON/);
  assert.equal((await h.post("/ingest/alerts", "")).status, 400);
  assert.match((await h.post("/ingest/alerts", "  \n")).body.detail, /Empty request body/);
  const utf = await h.post("/ingest/alerts", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
  assert.equal(utf.status, 400);
  assert.match(utf.body.detail, /UTF-8/);
  assert.equal((await h.store.stats()).total, 0);
  h.close();
});

Deno.test("POST /ingest/alerts answers 413 past the body limit without storing", async () => {
  const h = await ingestHarness({ maxBodyBytes: 2048 });
  const big = { ...genericExample(), description: "x".repeat(4096) };
  const r = await h.post("/ingest/alerts", big);
  assert.equal(r.status, 413);
  assert.match(r.body.detail, /larger than 2048 bytes/);
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(JSON.stringify(big)));
      c.close();
    },
  });
  const res = await answer(
    await h.app.request("/ingest/alerts", { method: "POST", body: stream }),
  );
  assert.equal(res.status, 413, "also without a Content-Length");
  assert.equal((await h.store.stats()).total, 0);
  h.close();
});

Deno.test("POST /ingest/alerts/{format} answers 404 naming the known formats", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts/opsgenie", { message: "x" });
  assert.equal(r.status, 404);
  assert.match(r.body.detail, /alertmanager, grafana, pagerduty, datadog, generic/);
  h.close();
});

Deno.test("POST /ingest/alerts answers 429 with Retry-After when the backlog is full and writes nothing", async () => {
  const h = await ingestHarness({ maxBacklog: 2, retryAfterSeconds: 17 });
  const fire = (k: string) => ({ title: `Disk ${k}`, dedup_key: k });
  assert.equal((await h.post("/ingest/alerts", fire("a"))).status, 202);
  const two = await h.post("/ingest/alerts", [fire("b"), fire("c")]);
  assert.equal(two.status, 429, "b fits but c does not: the whole body is refused");
  assert.equal(two.headers.get("retry-after"), "17");
  assert.match(two.body.detail, /backlog full: 1 open alerts stored \(max 2\)/);
  assert.deepEqual(await h.store.stats(), { open: 1, total: 1, max_backlog: 2 });
  assert.equal((await h.get("/ingest/alerts")).body.count, 1);
  assert.equal((await h.post("/ingest/alerts", fire("b"))).status, 202);
  assert.equal((await h.post("/ingest/alerts", fire("c"))).status, 429);
  assert.equal((await h.post("/ingest/alerts", fire("a"))).status, 202, "a repeat still passes");
  const resolve = await h.post("/ingest/alerts", { ...fire("a"), status: "resolved" });
  assert.equal(resolve.status, 202, "a resolve still passes and frees a slot");
  assert.equal((await h.post("/ingest/alerts", fire("c"))).status, 202);
  assert.deepEqual(await h.problems(), []);
  h.close();
});

Deno.test("GET /ingest/alerts pages newest first with a cursor and validates its query", async () => {
  const h = await ingestHarness();
  for (let i = 0; i < 7; i++) {
    await h.post("/ingest/alerts", { title: `CPU high on web-${i}`, dedup_key: `k${i}` });
  }
  await h.post("/ingest/alerts", {
    title: "CPU high on web-3",
    dedup_key: "k3",
    status: "resolved",
  });
  const seen: string[] = [];
  let cursor = "";
  for (let page = 0; page < 5; page++) {
    const r = await h.get(`/ingest/alerts?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
    assert.equal(r.status, 200);
    seen.push(...r.body.alerts.map((a: { dedup_key: string }) => a.dedup_key));
    if (!r.body.next_cursor) break;
    cursor = r.body.next_cursor;
  }
  assert.deepEqual(seen, ["k6", "k5", "k4", "k3", "k2", "k1", "k0"]);
  const firing = await h.get("/ingest/alerts?status=firing&limit=2&offset=2");
  assert.deepEqual(firing.body.alerts.map((a: { dedup_key: string }) => a.dedup_key), ["k4", "k2"]);
  for (
    const q of ["limit=0", "limit=501", "status=burning", "source=nagios", "type=GPU", "cursor=zz"]
  ) {
    const r = await h.get(`/ingest/alerts?${q}`);
    assert.equal(r.status, 422, q);
    assert.equal(r.body.detail[0].loc[0], "query");
  }
  h.close();
});

Deno.test("POST /ingest/alerts never answers 500, whatever JSON it is sent", async () => {
  const h = await ingestHarness();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.json(),
        fc.constantFrom(JSON.stringify(alertmanagerExample()), JSON.stringify(genericExample())),
        fc.record({
          version: fc.constant("4"),
          alerts: fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { maxLength: 3 }),
        }).map((b) => JSON.stringify(b)),
        fc.record({
          event_action: fc.string(),
          routing_key: fc.jsonValue(),
          payload: fc.jsonValue(),
        })
          .map((b) => JSON.stringify(b)),
      ),
      async (body) => {
        const r = await h.post("/ingest/alerts", body);
        assert.ok([202, 400, 422].includes(r.status), `${r.status} for ${body}: ${r.text}`);
      },
    ),
    { numRuns: 300, seed: 5 },
  );
  assert.deepEqual(await h.problems(), []);
  h.close();
});

Deno.test("the ingest sub-app mounts under a parent app and answers 503 when the store cannot open", async () => {
  const parent = new Hono();
  const logs: string[] = [];
  parent.route(
    "/",
    createIngestApp({
      store: () => Promise.reject(new Error("disk on fire")),
      log: (l) => logs.push(l),
    }),
  );
  const r = await answer(
    await parent.request("/ingest/alerts", {
      method: "POST",
      body: JSON.stringify({ title: "x" }),
    }),
  );
  assert.equal(r.status, 503);
  assert.equal(r.headers.get("retry-after"), "5");
  assert.match(r.body.detail, /disk on fire/);
});
