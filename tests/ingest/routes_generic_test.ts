import assert from "node:assert/strict";
import { genericExample } from "./fixtures.ts";
import { ingestHarness } from "./http_helpers.ts";

Deno.test("POST /ingest/alerts stores the documented generic alert with its truth label", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts", genericExample());
  assert.equal(r.status, 202);
  assert.equal(r.body.source, "generic");
  const { body } = await h.get("/ingest/alerts?source=generic&type=DISK&status=firing");
  const [a] = body.alerts;
  assert.equal(a.dedup_key, "disk-db-2");
  assert.equal(a.truth_label, "critical");
  assert.equal(a.confidence, 0.7);
  h.close();
});

Deno.test("POST /ingest/alerts/generic accepts a bare title and an array of alerts", async () => {
  const h = await ingestHarness();
  assert.equal((await h.post("/ingest/alerts/generic", { title: "OOMKilled api-7" })).status, 202);
  const r = await h.post("/ingest/alerts", [
    { title: "Packet loss on edge", dedup_key: "net-1" },
    { title: "Packet loss on edge", dedup_key: "net-1", status: "ok" },
  ]);
  assert.equal(r.status, 202);
  assert.deepEqual(r.body.results.map((x: { outcome: string }) => x.outcome), [
    "created",
    "resolved",
  ]);
  assert.equal((await h.store.stats()).open, 1);
  h.close();
});

Deno.test("POST /ingest/alerts/generic answers 422 naming a bad status", async () => {
  const h = await ingestHarness();
  const r = await h.post("/ingest/alerts/generic", { title: "x", status: "exploded" });
  assert.equal(r.status, 422);
  assert.equal(r.body.field, "status");
  const none = await h.post("/ingest/alerts", { hello: "world" });
  assert.equal(none.status, 422);
  assert.equal(none.body.field, "body");
  assert.match(none.body.detail[0].msg, /unrecognised alert format/);
  h.close();
});
