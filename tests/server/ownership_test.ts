/**
 * Session ownership and fair caps: a named session needs the token its creator got; one client
 * cannot take every slot; at a cap the least recently used idle session is evicted, and a
 * refusal's `Retry-After` says when a slot frees; replay/mixed resets need the ingest token
 * when one is set.
 *
 * @module
 */
import { deepEqual, equal, match, notEqual, ok, throws } from "node:assert/strict";
import { FakeClock, get, openWs, post, withServer } from "./helpers.ts";
import { Metrics } from "../../src/server/metrics.ts";
import { CapacityError, SessionStore } from "../../src/server/session_store.ts";
import { WsClient } from "../../scripts/server/ws_client.ts";
import { RemoteEnv } from "../../src/infer/remote_env.ts";

const NOOP = { action: { decisions: [] } };

Deno.test("another client cannot reset, step, read or close a named session without its token", async () => {
  await withServer(async ({ url }) => {
    const alice = await post(url + "/reset", { seed: 1 }, { "X-Session-Id": "alice-session" });
    equal(alice.status, 200);
    const token = alice.headers.get("x-session-token")!;
    match(token, /^[0-9a-f]{64}$/);
    const mallory = { "X-Session-Id": "alice-session", "X-Session-Token": "" };
    const wrong = { "X-Session-Id": "alice-session", "X-Session-Token": "0".repeat(64) };
    for (const headers of [mallory, wrong]) {
      const step = await post(url + "/step", NOOP, headers);
      equal(step.status, 403);
      match(step.body.detail, /belongs to the client that created it/);
      equal((await post(url + "/env/step", NOOP, headers)).status, 403);
      equal((await get(url + "/state", headers)).status, 403);
      equal((await post(url + "/reset", { seed: 9 }, headers)).status, 403);
      equal((await post(url + "/env/reset/easy", {}, headers)).status, 403);
    }
    const rpc = (method: string, params: Record<string, unknown>, headers = {}) =>
      post(url + "/mcp", { jsonrpc: "2.0", id: 1, method, params }, headers);
    const mcpStep = await rpc("tools/call", {
      name: "step",
      arguments: { action: { decisions: [] } },
      session_id: "alice-session",
      session_token: "nope",
    });
    match(mcpStep.body.error.message, /belongs to the client that created it/);
    const mcpClose = await rpc("openenv/session/close", { session_id: "alice-session" }, {
      "X-Session-Token": "nope",
    });
    match(mcpClose.body.error.message, /belongs to the client that created it/);
    // nothing changed; the owner goes on (the header, or session_token over MCP)
    const owner = { "X-Session-Id": "alice-session", "X-Session-Token": token };
    equal((await get(url + "/state", owner)).body.step_count, 0);
    equal((await get(url + "/state", owner)).body.seed, 1);
    equal((await post(url + "/step", NOOP, owner)).status, 200);
    const closed = await rpc("openenv/session/close", {
      session_id: "alice-session",
      session_token: token,
    });
    deepEqual(closed.body.result, { session_id: "alice-session", closed: true });
    // the default session stays shared and token-free
    equal((await post(url + "/reset", {}, { "X-Session-Token": "" })).status, 200);
    equal((await post(url + "/step", NOOP, { "X-Session-Token": "anything" })).status, 200);
  });
});

Deno.test("a failed reset that created a session drops it (its token was never answered)", async () => {
  await withServer(async ({ url, app }) => {
    const res = await post(url + "/reset", { task_id: "nope" }, { "X-Session-Id": "ghost" });
    equal(res.status, 404);
    equal(res.headers.get("x-session-token"), null);
    equal(app.store.get("ghost"), undefined);
  });
});

Deno.test("one client cannot exhaust the cap; its own idle sessions are evicted first", () => {
  const clock = new FakeClock();
  const store = new SessionStore({
    maxSessions: 4,
    maxSessionsPerClient: 2,
    evictIdleSeconds: 60,
    sessionIdleSeconds: 600,
    defaultTask: "easy",
    now: clock.now,
  }, new Metrics());
  store.create("http", "a1", "10.0.0.1");
  clock.advance(10);
  store.create("http", "a2", "10.0.0.1");
  const refused = (() => {
    try {
      store.create("http", "a3", "10.0.0.1");
    } catch (err) {
      return err;
    }
  })();
  ok(refused instanceof CapacityError);
  equal(refused.scope, "client");
  equal(refused.retryAfterSeconds, 50); // a1 was used 10 s ago: evictable in 50 s
  // other clients still get their slots
  store.create("http", "b1", "10.0.0.2");
  store.create("ws", undefined, "10.0.0.3");
  equal(store.capped, 4);
  // the server is full now: nobody idle long enough, Retry-After is the earliest eviction
  clock.advance(20);
  throws(() => store.create("http", "c1", "10.0.0.4"), (e: unknown) => {
    return e instanceof CapacityError && e.scope === "server" && e.retryAfterSeconds === 30;
  });
  // the shared default session has its own slot
  ok(store.create("http", "default", "10.0.0.4"));
  // once a1 has idled 60 s, a new session evicts it (least recently used first)
  clock.advance(30);
  store.get("a2");
  store.create("http", "c1", "10.0.0.4");
  equal(store.get("a1"), undefined);
  ok(store.get("a2") && store.get("b1") && store.get("c1"));
  equal(store.metrics.errors.get("session_evicted"), 1);
});

Deno.test("1,000 sessions from one client: at most the per-client cap live, others keep working", async () => {
  await withServer(async ({ url, app }) => {
    const statuses: Record<number, number> = {};
    for (let i = 0; i < 1000; i += 50) {
      const batch = await Promise.all(
        Array.from(
          { length: 50 },
          (_, k) => post(url + "/reset", {}, { "X-Session-Id": `flood-${i + k}` }),
        ),
      );
      for (const r of batch) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    deepEqual(statuses, { 200: 8, 503: 992 });
    const refused = await post(url + "/reset", {}, { "X-Session-Id": "flood-x" });
    match(refused.body.detail, /^Client at its session cap: 8\/8/);
    notEqual(Number(refused.headers.get("retry-after")), 1);
    ok(Number(refused.headers.get("retry-after")) <= 60);
    equal(app.store.capped, 8);
    // the default session still works
    equal((await post(url + "/reset", {})).status, 200);
    equal((await get(url + "/health")).body.env_ready, true);
  }, { maxSessions: 32, maxSessionsPerClient: 8 });
});

Deno.test("with an ingest token set, replay and mixed resets need it (HTTP, WebSocket, MCP)", async () => {
  await withServer(async ({ url, wsUrl }) => {
    const auth = { Authorization: "Bearer s3cret" };
    for (const source of ["replay", "mixed"]) {
      const open = await post(url + "/reset", { source });
      equal(open.status, 401);
      equal(open.headers.get("www-authenticate"), "Bearer");
      match(open.body.detail, /need the ingest token/);
      equal((await post(url + "/env/reset/easy", { source }, auth)).status === 401, false);
    }
    const bad = await post(url + "/reset", { source: "replay" }, { Authorization: "Bearer x" });
    equal(bad.status, 401);
    equal((await post(url + "/reset", { source: "mixed" }, auth)).status, 200);
    equal((await post(url + "/reset", {})).status, 200); // synthetic needs nothing
    // WebSocket: the upgrade's Authorization header counts
    const anon = await openWs({ wsUrl } as never);
    const refused = await anon.request({ type: "reset", data: { source: "mixed" } });
    equal(refused.data.code, "EXECUTION_ERROR");
    equal(refused.data.status, 401);
    await anon.close();
    const client = await WsClient.connect(wsUrl + "/ws", 10000, auth);
    equal((await client.request({ type: "reset", data: { source: "mixed" } })).type, "observation");
    await client.close();
    const mcp = await post(url + "/mcp", {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "reset", arguments: { source: "mixed" } },
    });
    match(JSON.stringify(mcp.body), /need the ingest token/);
  }, { ingest: { config: { token: "s3cret" } } });
});

Deno.test("the TS remote client carries the token of the named session it plays", async () => {
  await withServer(async ({ url }) => {
    const client = new RemoteEnv(url, { headers: { "x-session-id": "remote-1" } });
    const first = await client.reset({ seed: 4, task_id: "easy" });
    equal(first.done, false);
    equal((await client.step({ decisions: [] })).done, false);
    const stranger = await post(url + "/step", NOOP, {
      "X-Session-Id": "remote-1",
      "X-Session-Token": "",
    });
    equal(stranger.status, 403);
  });
});
