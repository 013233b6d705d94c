import { deepEqual, equal, match, ok } from "node:assert/strict";
import { openWs, withServer } from "./helpers.ts";
import { makeEnv, RuleBasedAgent } from "../../mod.ts";

Deno.test("WS /ws plays a full episode: observation frames with reward and done lifted, task_score at the end", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server);
    let reply = await ws.request({ type: "reset", data: { seed: 8, task_id: "hard", junk: 1 } });
    equal(reply.type, "observation");
    deepEqual(Object.keys(reply.data), ["observation", "reward", "done"]);
    equal(reply.data.reward, null);
    deepEqual(reply.data.observation.alerts, makeEnv("hard").reset({ seed: 8 }).observation.alerts);
    const agent = new RuleBasedAgent();
    let steps = 0;
    while (!reply.data.done) {
      reply = await ws.request({ type: "step", data: agent.act(reply.data.observation) });
      equal(reply.type, "observation");
      steps++;
    }
    ok(reply.data.observation.task_score >= 0.001);
    const state = await ws.request({ type: "state" });
    equal(state.type, "state");
    equal(state.data.step_count, steps);
    equal(state.data.task_id, "hard");
    ws.send({ type: "close" });
    equal((await ws.closed).code, 1000);
  });
});

Deno.test("WS /ws answers bad frames with the reference's error codes and keeps the socket open", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server);
    const expect = async (frame: string | object, code: string, message: RegExp) => {
      const reply = await ws.request(frame);
      equal(reply.type, "error", JSON.stringify(frame));
      equal(reply.data.code, code, JSON.stringify(reply));
      match(reply.data.message, message);
      return reply;
    };
    await expect("not json", "INVALID_JSON", /^Invalid JSON: /);
    await expect({ type: "nope" }, "UNKNOWN_TYPE", /^Unknown message type: nope$/);
    await expect({ data: {} }, "UNKNOWN_TYPE", /^Unknown message type: $/);
    await expect(
      { type: "step", data: { decisions: [] } },
      "EXECUTION_ERROR",
      /call reset\(\) first/,
    );
    await ws.request({ type: "reset", data: { seed: 1 } });
    const missing = await expect({ type: "step" }, "VALIDATION_ERROR", /^Invalid message/);
    deepEqual(missing.data.errors[0].loc, ["data"]);
    const extra = await expect({ type: "state", data: {} }, "VALIDATION_ERROR", /Extra inputs/);
    equal(extra.data.errors[0].type, "extra_forbidden");
    const wrapped = await expect(
      { type: "step", data: { action: { decisions: [] } } },
      "VALIDATION_ERROR",
      /^Invalid message/,
    );
    ok(wrapped.data.errors.length > 0);
    const unknown = await expect(
      { type: "step", data: { alert_id: "A999", action_type: "IGNORE" } },
      "VALIDATION_ERROR",
      /alert_id: unknown alert id "A999"/,
    );
    deepEqual(unknown.data.errors[0].loc, ["alert_id"]);
    const seed = await expect({ type: "reset", data: { seed: -1 } }, "VALIDATION_ERROR", /seed/);
    deepEqual(seed.data.errors[0].loc, ["seed"]);
    await expect({ type: "reset", data: { task_id: "nope" } }, "EXECUTION_ERROR", /unknown task/);
    // still open and usable; the rejected step left the episode where it was
    equal((await ws.request({ type: "state" })).data.step_count, 0);
    const ok1 = await ws.request({ type: "step", data: { decisions: [] } });
    match(ok1.data.observation.last_action_error, /unknown alert id "A999"/);
    await ws.close();
  });
});

Deno.test("WS /ws closes with 1000 after a non-object frame or a binary frame (SESSION_ERROR)", async () => {
  await withServer(async (server) => {
    for (const frame of ["[1,2]", '"str"', "null", new Uint8Array([1, 2, 3])]) {
      const ws = await openWs(server);
      ws.send(frame);
      const reply = JSON.parse(await ws.next());
      equal(reply.data.code, "SESSION_ERROR");
      equal((await ws.closed).code, 1000);
    }
    await new Promise((r) => setTimeout(r, 20));
    equal(server.app.store.size, 0);
  });
});

Deno.test("WS /ws answers mcp frames with JSON-RPC replies for its own session", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server);
    const list = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "tools/list", id: 7 },
    });
    equal(list.type, "mcp");
    equal(list.data.id, 7);
    deepEqual(list.data.result.tools.map((t: { name: string }) => t.name), [
      "reset",
      "step",
      "state",
    ]);
    const invalid = await ws.request({ type: "mcp", data: {} });
    equal(invalid.data.error.code, -32600);
    const reset = await ws.request({
      type: "mcp",
      data: {
        jsonrpc: "2.0",
        method: "tools/call",
        params: { name: "reset", arguments: { seed: 3 } },
        id: 1,
      },
    });
    equal(reset.data.result.structuredContent.done, false);
    const state = await ws.request({ type: "state" });
    equal(state.data.seed, 3);
    const mine = await ws.request({
      type: "mcp",
      data: { jsonrpc: "2.0", method: "openenv/session/create", id: 2 },
    });
    const close = await ws.request({
      type: "mcp",
      data: {
        jsonrpc: "2.0",
        method: "openenv/session/close",
        params: { session_id: mine.data.result.session_id },
        id: 3,
      },
    });
    equal(close.data.error.code, -32600);
    await ws.close();
  });
});

Deno.test("WS /ws/train speaks the seed's flat frames", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server, "/ws/train");
    let reply = await ws.request({ type: "reset", task_id: "medium", seed: 6 });
    equal(reply.type, "reset");
    deepEqual(Object.keys(reply), ["type", "observation", "reward", "done", "info"]);
    deepEqual(reply.observation, makeEnv("medium").reset({ seed: 6 }).observation);
    while (!reply.done) {
      reply = await ws.request({ type: "step", action: { decisions: [] } });
      equal(reply.type, "step");
      equal(typeof reply.reward, "number");
    }
    ok(reply.info.task_score >= 0.001 && reply.info.task_score <= 0.999);
    const state = await ws.request({ type: "state" });
    equal(state.state.task_id, "medium");
    const errors: [object | string, string][] = [
      [{ type: "step", action: { decisions: [] } }, "EPISODE_NOT_RUNNING"],
      [{ type: "reset", task_id: "nope" }, "UNKNOWN_TASK"],
      [{ type: "reset", seed: -3 }, "VALIDATION_ERROR"],
      [{ type: "step" }, "VALIDATION_ERROR"],
      [{ type: "dance" }, "UNKNOWN_TYPE"],
      ["{", "INVALID_JSON"],
      ["[]", "VALIDATION_ERROR"],
    ];
    for (const [frame, code] of errors) {
      const r = await ws.request(frame);
      equal(r.type, "error");
      equal(r.error.code, code, JSON.stringify(frame));
    }
    await ws.request({ type: "reset", task_id: "easy", seed: 1 });
    const bad = await ws.request({
      type: "step",
      action: { decisions: [{ alert_id: "A404", action_type: "IGNORE" }] },
    });
    deepEqual(bad.error.detail[0].loc, ["action", "decisions", 0, "alert_id"]);
    ws.send({ type: "close" });
    equal((await ws.closed).code, 1000);
  });
});

Deno.test("WS /mcp serves raw JSON-RPC frames, one session per socket", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server, "/mcp");
    const parse = await ws.request("{oops");
    equal(parse.error.code, -32700);
    match(parse.error.message, /^Parse error: /);
    const call = (name: string, args: object, id: number) =>
      ws.request({ jsonrpc: "2.0", method: "tools/call", params: { name, arguments: args }, id });
    equal((await call("reset", { seed: 1, task_id: "easy" }, 1)).result.isError, false);
    const step = await call("step", { action: { decisions: [] } }, 2);
    equal(typeof step.result.structuredContent.reward, "number");
    equal((await call("state", {}, 3)).result.structuredContent.step_count, 1);
    await ws.close();
  });
});

Deno.test("WS step with openenv-core's MCP actions: list_tools needs no episode, call_tool answers", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server);
    const listed = await ws.request({ type: "step", data: { type: "list_tools" } });
    equal(listed.type, "observation");
    deepEqual(listed.data.observation.tools.map((t: { name: string }) => t.name), [
      "reset",
      "step",
      "state",
    ]);
    equal(listed.data.done, false);
    const call = (tool_name: string, args: object) =>
      ws.request({ type: "step", data: { type: "call_tool", tool_name, arguments: args } });
    const reset = await call("reset", { seed: 1, task_id: "easy" });
    equal(reset.data.observation.tool_name, "reset");
    equal(reset.data.observation.error, null);
    deepEqual(reset.data.observation.result.data, reset.data.observation.result.structuredContent);
    equal(reset.data.observation.result.data.done, false);
    const step = await call("step", { action: { decisions: [] } });
    equal(typeof step.data.reward, "number");
    equal(step.data.reward, step.data.observation.result.data.reward);
    const bad = await call("fly", {});
    equal(bad.data.observation.error.error_type, "tool_not_found");
    const badArgs = await call("reset", { task_id: "nope" });
    equal(badArgs.data.observation.error.error_type, "invalid_args");
    // an ordinary step still plays the episode the tool call started
    const plain = await ws.request({ type: "step", data: { decisions: [] } });
    equal(plain.type, "observation");
    equal((await ws.request({ type: "state" })).data.step_count, 2);
    await ws.close();
  });
});
