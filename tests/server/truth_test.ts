import { deepEqual, equal, notEqual, ok, throws } from "node:assert/strict";
import { get, openWs, post, type TestServer, withServer } from "./helpers.ts";
import { optionsFromEnv } from "../../src/server/server_config.ts";
import { makeEnv } from "../../mod.ts";

const NOOP = { decisions: [] };
const rpc = (name: string, args: object = {}, extra: object = {}) => ({
  jsonrpc: "2.0",
  method: "tools/call",
  params: { name, arguments: args, ...extra },
  id: 1,
});

/** Every way a remote client reads the state, each on its own session. */
function readers(server: TestServer) {
  const { url } = server;
  return {
    "GET /state": async () => (await get(url + "/state", { "X-Session-Id": "t-http" })).body,
    "GET /env/state": async () =>
      (await get(url + "/env/state", { "X-Session-Id": "t-seed" })).body,
    "MCP state": async () =>
      (await post(url + "/mcp", rpc("state", {}, { session_id: "t-mcp" }))).body.result
        .structuredContent,
  };
}

async function resetAll(url: string, seed: number): Promise<void> {
  for (const id of ["t-http", "t-mcp"]) {
    equal(
      (await post(url + "/reset", { seed, task_id: "easy" }, { "X-Session-Id": id })).status,
      200,
    );
  }
  equal((await post(url + "/env/reset/easy", { seed }, { "X-Session-Id": "t-seed" })).status, 200);
}

Deno.test("the hidden truth is null over HTTP, the seed API and MCP while an episode runs, complete at its end", async () => {
  await withServer(async (server) => {
    const { url } = server;
    const seed = 5;
    await resetAll(url, seed);
    const local = makeEnv("easy");
    local.reset({ seed });
    for (const [name, read] of Object.entries(readers(server))) {
      const state = await read();
      equal(state.truth, null, `${name} after reset`);
      equal(state.seed, seed, name);
      equal(state.done, false, name);
    }
    // mid-episode
    await post(url + "/step", { action: NOOP }, { "X-Session-Id": "t-http" });
    await post(url + "/env/step", { action: NOOP }, { "X-Session-Id": "t-seed" });
    await post(url + "/mcp", rpc("step", { action: NOOP }, { session_id: "t-mcp" }));
    for (const [name, read] of Object.entries(readers(server))) {
      const state = await read();
      equal(state.step_count, 1, name);
      equal(state.truth, null, `${name} mid-episode`);
    }
    // to the end
    for (let done = false; !done;) done = local.step(NOOP).terminated || local.state().done;
    for (const id of ["t-http", "t-seed", "t-mcp"]) {
      for (let done = false; !done;) {
        done = (await post(url + "/step", { action: NOOP }, { "X-Session-Id": id })).body.done;
      }
    }
    for (const [name, read] of Object.entries(readers(server))) {
      const state = await read();
      equal(state.done, true, name);
      deepEqual(state.truth, local.state().truth, `${name} at the end`);
    }
    // a new episode hides it again
    await post(url + "/reset", { seed: 6 }, { "X-Session-Id": "t-http" });
    equal((await get(url + "/state", { "X-Session-Id": "t-http" })).body.truth, null);
  });
});

Deno.test("the hidden truth is null in WS /ws, /ws/train and /mcp state replies while an episode runs", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server);
    await ws.request({ type: "reset", data: { seed: 2, task_id: "easy" } });
    equal((await ws.request({ type: "state" })).data.truth, null);
    const viaMcp = await ws.request({ type: "mcp", data: rpc("state") });
    equal(viaMcp.data.result.structuredContent.truth, null);
    for (let done = false; !done;) {
      done = (await ws.request({ type: "step", data: NOOP })).data.done;
    }
    const end = (await ws.request({ type: "state" })).data;
    ok(end.truth && end.truth.alerts.length > 0);
    await ws.close();

    const train = await openWs(server, "/ws/train");
    await train.request({ type: "reset", task_id: "easy", seed: 2 });
    equal((await train.request({ type: "state" })).state.truth, null);
    for (let done = false; !done;) {
      done = (await train.request({ type: "step", action: NOOP })).done;
    }
    deepEqual((await train.request({ type: "state" })).state.truth, end.truth);
    await train.close();

    const mcp = await openWs(server, "/mcp");
    await mcp.request(rpc("reset", { seed: 2, task_id: "easy" }));
    equal((await mcp.request(rpc("state"))).result.structuredContent.truth, null);
    await mcp.close();
  });
});

Deno.test("exposeTruth (ALERT_TRIAGE_EXPOSE_TRUTH=1) reports the truth while the episode runs", async () => {
  await withServer(async (server) => {
    const { url } = server;
    await resetAll(url, 4);
    const local = makeEnv("easy");
    local.reset({ seed: 4 });
    for (const [name, read] of Object.entries(readers(server))) {
      const state = await read();
      notEqual(state.truth, null, name);
      deepEqual(state.truth, local.state().truth, name);
    }
    const ws = await openWs(server);
    await ws.request({ type: "reset", data: { seed: 4, task_id: "easy" } });
    deepEqual((await ws.request({ type: "state" })).data.truth, local.state().truth);
    await ws.close();
  }, { exposeTruth: true });
});

Deno.test("optionsFromEnv reads ALERT_TRIAGE_EXPOSE_TRUTH (off by default, a bad value named)", () => {
  const env = (value?: string) => (name: string) =>
    name === "ALERT_TRIAGE_EXPOSE_TRUTH" ? value : undefined;
  equal(optionsFromEnv(env()).exposeTruth, false);
  equal(optionsFromEnv(env("0")).exposeTruth, false);
  equal(optionsFromEnv(env("1")).exposeTruth, true);
  equal(optionsFromEnv(env("true")).exposeTruth, true);
  throws(() => optionsFromEnv(env("maybe")), /ALERT_TRIAGE_EXPOSE_TRUTH/);
});
