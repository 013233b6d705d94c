import { deepEqual, equal, match, ok } from "node:assert/strict";
import { get, openWs, post, withServer } from "./helpers.ts";
import { KvUnavailableError } from "../../src/ingest/store.ts";
import { makeEnv } from "../../mod.ts";

const NOOP = { decisions: [] };

/** Three real alerts within one minute (so all arrive at tick 0), each on its own service. */
const ALERTS = [
  {
    title: "Disk 97% on db",
    dedup_key: "disk-db",
    severity: "critical",
    alert_type: "DISK",
    service: "db-primary",
    timestamp: "2026-08-20T10:00:00Z",
  },
  {
    title: "CPU high on checkout",
    dedup_key: "cpu-checkout",
    severity: "warning",
    alert_type: "CPU",
    service: "checkout",
    timestamp: "2026-08-20T10:00:10Z",
  },
  {
    title: "Packet loss at the edge",
    dedup_key: "net-edge",
    severity: "info",
    alert_type: "NETWORK",
    service: "edge-proxy",
    timestamp: "2026-08-20T10:00:20Z",
  },
];

type Seen = [string, string, number];
const seen = (alerts: { service: string; alert_type: string; visible_severity: number }[]) =>
  alerts.map((a): Seen => [a.service, a.alert_type, a.visible_severity]);

/** Ingests {@link ALERTS} over HTTP; returns what the store kept, oldest first. */
async function ingest(url: string): Promise<Seen[]> {
  for (const alert of ALERTS) equal((await post(url + "/ingest/alerts", alert)).status, 202);
  const list = await get(url + "/ingest/alerts");
  equal(list.body.count, 3);
  return seen(list.body.alerts).reverse();
}

Deno.test("POST /reset with source=replay plays exactly the ingested alerts, to a graded end", async () => {
  await withServer(async ({ url }) => {
    const expected = await ingest(url);
    deepEqual(expected.map(([s]) => s), ["db-primary", "checkout", "edge-proxy"]);
    let res = await post(url + "/reset", { seed: 3, task_id: "easy", source: "replay" });
    equal(res.status, 200);
    deepEqual(seen(res.body.observation.alerts), expected);
    let steps = 0;
    while (!res.body.done) {
      res = await post(url + "/step", { action: NOOP });
      equal(res.status, 200);
      steps++;
    }
    ok(steps > 0);
    ok(res.body.observation.task_score >= 0.001 && res.body.observation.task_score <= 0.999);
    // no synthetic alerts were mixed in: the episode's truth holds the three alerts only
    const state = (await get(url + "/state")).body;
    deepEqual(state.truth.alerts.map((a: { service: string }) => a.service).sort(), [
      "checkout",
      "db-primary",
      "edge-proxy",
    ]);
    // a later reset without source is synthetic again
    const again = await post(url + "/reset", { seed: 3 });
    deepEqual(again.body.observation.alerts, makeEnv("easy").reset({ seed: 3 }).observation.alerts);
    // and MCP's reset tool takes source too
    const mcp = await post(url + "/mcp", {
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "reset", arguments: { seed: 3, source: "replay" } },
      id: 1,
    });
    deepEqual(seen(mcp.body.result.structuredContent.observation.alerts), expected);
  });
});

Deno.test("POST /env/reset/{task_id} takes source and the replay window", async () => {
  await withServer(async ({ url }) => {
    const expected = await ingest(url);
    const res = await post(url + "/env/reset/medium", {
      seed: 1,
      source: "replay",
      replay: { since: "2026-08-20T00:00:00Z", limit: 2, tick_ms: 60000 },
    });
    equal(res.status, 200);
    // receipt times are now, so `since` keeps all; the first two after `since`
    deepEqual(seen(res.body.observation.alerts), expected.slice(0, 2));
    const future = await post(url + "/env/reset/medium", {
      source: "replay",
      replay: { since: "2999-01-01T00:00:00Z" },
    });
    equal(future.status, 409);
    match(future.body.detail, /No recorded alerts to replay/);
    // mixed: the recorded alerts on top of the synthetic stream
    const mixed = await post(url + "/env/reset/medium", { seed: 1, source: "mixed" });
    equal(mixed.status, 200);
    const services = mixed.body.observation.alerts.map((a: { service: string }) => a.service);
    for (const [service] of expected) ok(services.includes(service), service);
  });
});

Deno.test("WS /ws and /ws/train resets with source=replay show the ingested alerts and play to a task_score", async () => {
  await withServer(async (server) => {
    const expected = await ingest(server.url);
    const ws = await openWs(server);
    let reply = await ws.request({ type: "reset", data: { seed: 2, source: "replay" } });
    equal(reply.type, "observation", JSON.stringify(reply));
    deepEqual(seen(reply.data.observation.alerts), expected);
    // frames sent back to back stay in order behind the asynchronous reset
    ws.send({ type: "reset", data: { seed: 2, source: "replay", task_id: "hard" } });
    ws.send({ type: "state" });
    reply = JSON.parse(await ws.next());
    equal(reply.type, "observation");
    const state = JSON.parse(await ws.next());
    deepEqual([state.type, state.data.task_id, state.data.step_count], ["state", "hard", 0]);
    while (!reply.data.done) reply = await ws.request({ type: "step", data: NOOP });
    ok(reply.data.observation.task_score >= 0.001);
    await ws.close();

    const train = await openWs(server, "/ws/train");
    let r = await train.request({ type: "reset", task_id: "easy", seed: 2, source: "replay" });
    equal(r.type, "reset", JSON.stringify(r));
    deepEqual(seen(r.observation.alerts), expected);
    while (!r.done) r = await train.request({ type: "step", action: NOOP });
    ok(r.info.task_score >= 0.001);
    await train.close();
  });
});

Deno.test("source=replay with nothing recorded: 409 over HTTP, NO_RECORDED_ALERTS / EXECUTION_ERROR over WS; mixed still plays", async () => {
  await withServer(async (server) => {
    const res = await post(server.url + "/reset", { source: "replay" });
    equal(res.status, 409);
    match(res.body.detail, /No recorded alerts to replay.*\/ingest\/alerts/);
    equal((await post(server.url + "/reset", { source: "mixed", seed: 4 })).status, 200);
    const ws = await openWs(server);
    const e = await ws.request({ type: "reset", data: { source: "replay" } });
    deepEqual([e.type, e.data.code, e.data.status], ["error", "EXECUTION_ERROR", 409]);
    await ws.close();
    const train = await openWs(server, "/ws/train");
    const t = await train.request({ type: "reset", source: "replay" });
    equal(t.error.code, "NO_RECORDED_ALERTS");
    await train.close();
    const mcp = await post(server.url + "/mcp", {
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "reset", arguments: { source: "replay" } },
      id: 9,
    });
    deepEqual([mcp.body.error.code, mcp.body.error.data.status], [-32000, 409]);
  });
});

Deno.test("an unavailable alert store is 503 with Retry-After for replay resets; synthetic ones are unaffected", async () => {
  await withServer(async (server) => {
    const res = await post(server.url + "/reset", { source: "replay" });
    equal(res.status, 503);
    equal(res.headers.get("retry-after"), "5");
    match(res.body.detail, /KV is unavailable/);
    equal((await post(server.url + "/env/reset/easy", { source: "mixed" })).status, 503);
    equal((await post(server.url + "/reset", {})).status, 200);
    const train = await openWs(server, "/ws/train");
    equal(
      (await train.request({ type: "reset", source: "mixed" })).error.code,
      "STORE_UNAVAILABLE",
    );
    await train.close();
  }, {
    ingest: {
      store: () => Promise.reject(new KvUnavailableError("Deno KV is unavailable: test")),
    },
  });
});

Deno.test("an unknown source or a bad replay window is a 422 naming the field", async () => {
  await withServer(async (server) => {
    const { url } = server;
    const cases: [unknown, (string | number)[]][] = [
      [{ source: "live" }, ["body", "source"]],
      [{ source: 3 }, ["body", "source"]],
      [{ source: "replay", replay: { limit: 0 } }, ["body", "replay", "limit"]],
      [{ source: "replay", replay: { tick_ms: 1.5 } }, ["body", "replay", "tick_ms"]],
      [{ source: "replay", replay: { since: "yesterday" } }, ["body", "replay", "since"]],
      [{ source: "replay", replay: { tickMs: 60000 } }, ["body", "replay", "tickMs"]],
      [{ source: "replay", replay: [] }, ["body", "replay"]],
      [{ replay: { limit: 5 } }, ["body", "replay"]],
      [{ source: "mixed", replay: { since: 2000, until: 1000 } }, ["body", "replay", "until"]],
    ];
    for (const [body, loc] of cases) {
      const res = await post(url + "/reset", body);
      equal(res.status, 422, JSON.stringify(body));
      deepEqual(res.body.detail[0].loc, loc, JSON.stringify(body));
    }
    const seed = await post(url + "/env/reset/hard", { source: "live" });
    deepEqual([seed.status, seed.body.detail[0].loc], [422, ["body", "source"]]);
    match(seed.body.detail[0].msg, /synthetic.*replay.*mixed/);
    const since = await post(url + "/reset", { source: "replay", replay: { since: "yesterday" } });
    match(since.body.detail[0].msg, /ISO 8601/);
    const ws = await openWs(server);
    const e = await ws.request({ type: "reset", data: { source: "live" } });
    deepEqual([e.data.code, e.data.errors[0].loc], ["VALIDATION_ERROR", ["source"]]);
    await ws.close();
    const train = await openWs(server, "/ws/train");
    const t = await train.request({ type: "reset", source: "live" });
    deepEqual([t.error.code, t.error.detail[0].loc], ["VALIDATION_ERROR", ["source"]]);
    await train.close();
  });
});
