import { deepEqual, equal, ok } from "node:assert/strict";
import { get, openWs, post, withServer } from "./helpers.ts";
import { fnv1a, replayTrajectory, rulePolicy } from "../../scripts/server/trajectory.ts";
import { TASK_IDS } from "../../tasks/registry.ts";
import type { Observation } from "../../src/models.ts";
import { makeEnv } from "../../mod.ts";

const STEPS = 120;
const seedOf = (task: string) => (e: number) => 1000 * TASK_IDS.indexOf(task) + e;

/** Plays `STEPS` steps through `send`, returning the hash of every result (resets included). */
async function play(
  task: string,
  reset: (seed: number) => Promise<unknown>,
  step: (action: unknown) => Promise<unknown>,
): Promise<number[]> {
  const policy = rulePolicy();
  const hashes: number[] = [];
  let episode = 0;
  let obs: Observation | null = null;
  for (let n = 0; n < STEPS; n++) {
    if (!obs) {
      const r = await reset(seedOf(task)(episode++)) as { observation: Observation };
      hashes.push(fnv1a(JSON.stringify(r)));
      obs = r.observation;
    }
    const r = await step(policy(obs)) as { observation: Observation; done: boolean };
    hashes.push(fnv1a(JSON.stringify(r)));
    obs = r.done ? null : r.observation;
  }
  return hashes;
}

Deno.test("the same seed and actions give identical trajectories in-process, over HTTP and over WebSocket", async () => {
  await withServer(async (server) => {
    for (const task of TASK_IDS) {
      const local = replayTrajectory(task, seedOf(task), STEPS);
      const headers = { "X-Session-Id": `det-${task}` };
      const http = await play(
        task,
        async (seed) => (await post(server.url + "/reset", { seed, task_id: task }, headers)).body,
        async (action) => (await post(server.url + "/step", { action }, headers)).body,
      );
      const ws = await openWs(server);
      const overWs = await play(
        task,
        async (seed) => (await ws.request({ type: "reset", data: { seed, task_id: task } })).data,
        async (action) => (await ws.request({ type: "step", data: action })).data,
      );
      await ws.close();
      const mcp = await play(
        task,
        async (seed) =>
          (await post(server.url + "/mcp", {
            jsonrpc: "2.0",
            method: "tools/call",
            params: { name: "reset", arguments: { seed, task_id: task } },
            id: 1,
          })).body.result.structuredContent,
        async (action) =>
          (await post(server.url + "/mcp", {
            jsonrpc: "2.0",
            method: "tools/call",
            params: { name: "step", arguments: { action } },
            id: 2,
          })).body.result.structuredContent,
      );
      ok(local.length > STEPS, task);
      deepEqual(http, local, `HTTP differs on ${task}`);
      deepEqual(overWs, local, `WebSocket differs on ${task}`);
      deepEqual(mcp, local, `MCP differs on ${task}`);
    }
  });
});

Deno.test("the state over HTTP equals the in-process state: truth withheld while running, complete at the end", async () => {
  await withServer(async ({ url }) => {
    const env = makeEnv("hard");
    const policy = rulePolicy();
    let obs = env.reset({ seed: 77, options: { episode_id: "same" } }).observation;
    let res = await post(url + "/reset", { seed: 77, task_id: "hard", episode_id: "same" });
    for (let done = false; !done;) {
      const action = policy(obs);
      const local = env.step(action);
      res = await post(url + "/step", { action });
      equal(res.body.reward, local.reward.value);
      obs = local.observation;
      done = local.terminated || local.truncated;
      if (!done && env.state().step_count === 20) {
        deepEqual((await get(url + "/state")).body, { ...env.state(), truth: null });
      }
    }
    ok(env.state().truth);
    deepEqual((await get(url + "/state")).body, env.state());
  });
});
