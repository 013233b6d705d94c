/**
 * One ingest store for all replicas: the ingest service's replay feed (`GET /ingest/replay`) and
 * the replicas' {@link RemoteIngestStore} over it, on real servers on loopback. A replica's
 * replay episode is the episode the service's own store gives; a bad feed query is a 400 naming
 * the field; the token applies; an unreachable service is a 503 `STORE_UNAVAILABLE` reset.
 *
 * @module
 */
import assert from "node:assert/strict";
import { RemoteIngestStore } from "../../src/ingest/remote_store.ts";
import { type RunningIngest, serveIngest } from "../../src/ingest/serve_ingest.ts";
import { KvUnavailableError } from "../../src/ingest/store.ts";
import { replayEnvFromStore, storedAlertsFor } from "../../src/replay/replay_env.ts";
import { createApp } from "../../src/server/app.ts";
import { freePort } from "../../scripts/cluster/launch.ts";

const TOKEN = "feed-token";
const auth = { Authorization: `Bearer ${TOKEN}` };

async function withService(
  fn: (url: string, service: RunningIngest) => Promise<void>,
): Promise<void> {
  const service = await serveIngest({
    port: 0,
    config: { kvPath: ":memory:", token: TOKEN },
    log: () => {},
  });
  try {
    const alerts = Array.from({ length: 12 }, (_, i) => ({
      title: `${i % 2 ? "Disk full" : "CPU high"} on host-${i}`,
      severity: i % 3 ? "warning" : "critical",
      service: ["db-primary", "api-gateway", "web-frontend"][i % 3],
    }));
    for (const a of alerts) {
      const res = await fetch(`${service.url}/ingest/alerts`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...auth },
        body: JSON.stringify(a),
      });
      assert.equal(res.status, 202, await res.text());
    }
    await fn(service.url, service);
  } finally {
    await service.shutdown();
  }
}

Deno.test("replay feed: the window's records as JSONL, oldest or newest first, limited", async () => {
  await withService(async (url) => {
    const lines = async (q: string) => {
      const res = await fetch(`${url}/ingest/replay${q}`, { headers: auth });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type")!, /application\/x-ndjson/);
      return (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    };
    const all = await lines("");
    assert.equal(all.length, 12);
    const times = all.map((r) => Date.parse(r.received_at));
    assert.deepEqual(times, [...times].sort((a, b) => a - b));
    const first = await lines("?limit=3");
    assert.deepEqual(first.map((r) => r.id), all.slice(0, 3).map((r) => r.id));
    const newest = await lines("?limit=2&order=newest");
    assert.deepEqual(newest.map((r) => r.id), all.slice(-2).reverse().map((r) => r.id));
  });
});

Deno.test("replay feed: token required; bad parameters are a 400 naming the field", async () => {
  await withService(async (url) => {
    const none = await fetch(`${url}/ingest/replay`);
    assert.equal(none.status, 401);
    assert.match(none.headers.get("www-authenticate")!, /Bearer/);
    await none.body?.cancel();
    for (
      const [q, field] of [
        ["?limit=0", "limit"],
        ["?limit=abc", "limit"],
        ["?limit=100001", "limit"],
        ["?order=sideways", "order"],
        ["?since=-5", "since"],
        ["?nope=1", "nope"],
      ]
    ) {
      const res = await fetch(`${url}/ingest/replay${q}`, { headers: auth });
      assert.equal(res.status, 400, q);
      const body = await res.json();
      assert.deepEqual(body.detail[0].loc, ["query", field], q);
      assert.ok(body.detail[0].msg.length > 0);
    }
  });
});

Deno.test("a replica's remote store reads what the service's store holds; replay episodes match", async () => {
  await withService(async (url, service) => {
    const remote = await RemoteIngestStore.connect(url, { token: TOKEN });
    try {
      const local = await fetch(`${url}/ingest/replay`, { headers: auth });
      const records = (await local.text()).trim().split("\n").map((l) => JSON.parse(l));
      assert.deepEqual(await storedAlertsFor(remote, { limit: 1000 }), records);
      assert.deepEqual(await storedAlertsFor(remote, { limit: 5 }), records.slice(-5));
      const since = Date.parse(records[4].received_at);
      assert.deepEqual(
        (await storedAlertsFor(remote, { since, limit: 3 })).map((r) => r.id),
        records.filter((r) => Date.parse(r.received_at) >= since).slice(0, 3).map((r) => r.id),
      );
      assert.equal((await remote.stats()).total, 12);
      assert.equal((await remote.list({ limit: 4 })).alerts.length, 4);
      const play = async (store: typeof remote | typeof service.store) => {
        const env = await replayEnvFromStore(store, "easy", "replay", { limit: 1000 });
        const trace = [env.reset({ seed: 5 }).observation];
        for (let done = false; !done;) {
          const r = env.step({ decisions: [] });
          trace.push(r.observation);
          done = r.terminated || r.truncated;
        }
        return JSON.stringify(trace);
      };
      const replica = await play(remote);
      assert.match(replica, /db-primary/);
      assert.equal(replica, await play(service.store));
      await assert.rejects(() => remote.ingest([]), KvUnavailableError);
    } finally {
      remote.close();
    }
  });
});

Deno.test("a replica whose ingest service is down answers replay resets with 503 STORE_UNAVAILABLE", async () => {
  const port = freePort(); // nothing listens there
  const server = createApp({
    ingest: {
      log: () => {},
      store: () => RemoteIngestStore.connect(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }),
    },
  });
  try {
    const res = await server.fetch(
      new Request("http://x/reset", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ task_id: "easy", source: "replay" }),
      }),
    );
    const body = await res.json();
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.match(JSON.stringify(body), /unreachable|Alert store/);
    const synthetic = await server.fetch(
      new Request("http://x/reset", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ task_id: "easy" }),
      }),
    );
    assert.equal(synthetic.status, 200);
    await synthetic.body?.cancel();
  } finally {
    server.close();
  }
});
