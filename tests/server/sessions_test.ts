import { deepEqual, equal, match, notEqual, ok } from "node:assert/strict";
import { FakeClock, get, openWs, post, withServer } from "./helpers.ts";

Deno.test("HTTP sessions named by X-Session-Id run independent episodes next to the default one", async () => {
  await withServer(async ({ url }) => {
    const a = await post(url + "/reset", { seed: 1, task_id: "easy" }, { "X-Session-Id": "a" });
    const b = await post(url + "/reset", { seed: 1, task_id: "hard" }, { "X-Session-Id": "b" });
    await post(url + "/reset", { seed: 2 });
    equal(a.headers.get("x-session-id"), "a");
    await post(url + "/step", { action: { decisions: [] } }, { "X-Session-Id": "a" });
    await post(url + "/step", { action: { decisions: [] } }, { "X-Session-Id": "a" });
    equal((await get(url + "/state", { "X-Session-Id": "a" })).body.step_count, 2);
    equal((await get(url + "/state", { "X-Session-Id": "b" })).body.step_count, 0);
    equal((await get(url + "/state", { "X-Session-Id": "b" })).body.task_id, "hard");
    equal((await get(url + "/state")).body.seed, 2);
    notEqual(b.body.observation.alerts.length, 0);
  });
});

Deno.test("the session id is also accepted as body session_id and as the session_id query parameter", async () => {
  await withServer(async ({ url }) => {
    await post(url + "/reset", { seed: 5, session_id: "body-1" });
    const step = await post(url + "/step", { action: { decisions: [] }, session_id: "body-1" });
    equal(step.status, 200);
    equal((await get(url + "/state?session_id=body-1")).body.step_count, 1);
    equal((await get(url + "/env/state?session_id=body-1")).body.seed, 5);
  });
});

Deno.test("conflicting or malformed session ids are 422", async () => {
  await withServer(async ({ url }) => {
    const conflict = await post(url + "/reset", { session_id: "x" }, { "X-Session-Id": "y" });
    equal(conflict.status, 422);
    deepEqual(conflict.body.detail[0].loc, ["body", "session_id"]);
    const bad = await post(url + "/reset", {}, { "X-Session-Id": "has space" });
    equal(bad.status, 422);
    deepEqual(bad.body.detail[0].loc, ["header", "x-session-id"]);
  });
});

Deno.test("POST /step and GET /state with an unknown session id are 404", async () => {
  await withServer(async ({ url }) => {
    const step = await post(url + "/step", { action: { decisions: [] } }, {
      "X-Session-Id": "ghost",
    });
    equal(step.status, 404);
    match(step.body.detail, /Unknown or expired session "ghost"/);
    equal((await get(url + "/state", { "X-Session-Id": "ghost" })).status, 404);
    equal((await get(url + "/env/state?session_id=ghost")).status, 404);
  });
});

Deno.test("changing task_id on reset builds a new environment for that task; omitting it keeps the task", async () => {
  await withServer(async ({ app, url }) => {
    await post(url + "/reset", { task_id: "medium", seed: 1 });
    const env = app.store.get("default")!.env;
    await post(url + "/reset", { seed: 2 });
    equal(app.store.get("default")!.env, env);
    equal((await get(url + "/state")).body.task_id, "medium");
    await post(url + "/reset", { task_id: "hard" });
    notEqual(app.store.get("default")!.env, env);
    equal((await get(url + "/state")).body.task_id, "hard");
  });
});

Deno.test("a new session over the cap is refused: HTTP 503, WebSocket CAPACITY_REACHED then close", async () => {
  await withServer(async (server) => {
    const { url } = server;
    equal((await post(url + "/reset", {}, { "X-Session-Id": "one" })).status, 200);
    const ws = await openWs(server);
    await ws.request({ type: "reset" });
    const refused = await post(url + "/reset", {}, { "X-Session-Id": "three" });
    equal(refused.status, 503);
    equal(refused.headers.get("retry-after"), "60"); // the LRU session is evictable in 60 s
    match(refused.body.detail, /^Server at capacity: 2\/2 sessions active/);
    // existing sessions keep working
    equal((await post(url + "/reset", {}, { "X-Session-Id": "one" })).status, 200);
    const extra = await openWs(server);
    const frame = JSON.parse(await extra.next());
    deepEqual(frame, {
      type: "error",
      data: {
        message: "Server at capacity: 2/2 sessions active. Cannot accept new connections.",
        code: "CAPACITY_REACHED",
        active_sessions: 2,
        max_sessions: 2,
      },
    });
    equal((await extra.closed).code, 1000);
    await ws.close();
    // closing the socket frees its slot
    equal((await post(url + "/reset", {}, { "X-Session-Id": "three" })).status, 200);
  }, { maxSessions: 2 });
});

Deno.test("idle sessions expire: HTTP ones answer 404, WebSocket ones are closed, slots are freed", async () => {
  const clock = new FakeClock();
  await withServer(async (server) => {
    const { url, app } = server;
    await post(url + "/reset", {}, { "X-Session-Id": "idle" });
    const ws = await openWs(server);
    await ws.request({ type: "reset" });
    clock.advance(30);
    equal((await get(url + "/state", { "X-Session-Id": "idle" })).status, 200);
    clock.advance(61);
    equal((await get(url + "/state", { "X-Session-Id": "idle" })).status, 404);
    // the sweep that runs when a session is created at the cap closes the idle socket
    equal(app.store.size, 1);
    equal((await post(url + "/reset", {}, { "X-Session-Id": "a" })).status, 200);
    equal((await post(url + "/reset", {}, { "X-Session-Id": "b" })).status, 200);
    deepEqual(JSON.parse(await ws.next()).data, {
      message: "Session closed by the server (idle timeout or shutdown)",
      code: "SESSION_ERROR",
    });
    equal((await ws.closed).code, 1000);
    deepEqual(app.store.counts(), { http: 2, ws: 0 });
  }, { maxSessions: 2, sessionIdleSeconds: 60, now: clock.now });
});

Deno.test("the reaper drops idle sessions on a timer", async () => {
  const clock = new FakeClock();
  await withServer(async (server) => {
    await post(server.url + "/reset", {}, { "X-Session-Id": "r" });
    server.app.startReaper(10);
    clock.advance(5);
    await new Promise((r) => setTimeout(r, 40));
    equal(server.app.store.size, 0);
  }, { sessionIdleSeconds: 1, now: clock.now });
});

Deno.test("each WebSocket is its own session, dropped when the socket closes", async () => {
  await withServer(async (server) => {
    const a = await openWs(server);
    const b = await openWs(server);
    const ra = await a.request({ type: "reset", data: { seed: 1, task_id: "easy" } });
    const rb = await b.request({ type: "reset", data: { seed: 1, task_id: "hard" } });
    notEqual(JSON.stringify(ra), JSON.stringify(rb));
    await a.request({ type: "step", data: { decisions: [] } });
    equal((await a.request({ type: "state" })).data.step_count, 1);
    equal((await b.request({ type: "state" })).data.step_count, 0);
    deepEqual(server.app.store.counts(), { http: 0, ws: 2 });
    await a.close();
    await b.close();
    await new Promise((r) => setTimeout(r, 20));
    ok(server.app.store.size === 0);
  });
});
