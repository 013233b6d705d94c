import { deepEqual, equal, match, ok } from "node:assert/strict";
import { post, withServer } from "./helpers.ts";

const rpc = (method: string, params?: object, id: number | string | null = 1) => ({
  jsonrpc: "2.0",
  method,
  ...(params ? { params } : {}),
  id,
});

Deno.test("POST /mcp with {} is HTTP 200 and a JSON-RPC -32600, as the validator expects", async () => {
  await withServer(async ({ url }) => {
    const res = await post(url + "/mcp", {});
    equal(res.status, 200);
    equal(res.body.jsonrpc, "2.0");
    equal(res.body.id, null);
    equal(res.body.error.code, -32600);
    match(res.body.error.message, /^Invalid request: 2 validation errors for JsonRpcRequest/);
    deepEqual(Object.keys(res.body), ["jsonrpc", "id", "error"]);
  });
});

Deno.test("POST /mcp maps parse errors, bad requests, unknown methods and bad params to JSON-RPC codes", async () => {
  await withServer(async ({ url }) => {
    const cases: [unknown, number][] = [
      ["not json", -32700],
      ["", -32700],
      ["[1]", -32700],
      [{ jsonrpc: "1.0", method: "tools/list" }, -32600],
      [{ jsonrpc: "2.0", method: "tools/list", params: [] }, -32600],
      [{ jsonrpc: "2.0", method: "tools/list", extra: 1 }, -32600],
      [{ jsonrpc: "2.0", method: "tools/list", id: 1.5 }, -32600],
      [rpc("foo"), -32601],
      [rpc("tools/call", {}), -32602],
      [rpc("tools/call", { name: "fly" }), -32602],
      [rpc("tools/call", { name: "step", arguments: [] }), -32602],
      [rpc("tools/call", { name: "reset", arguments: { task_id: "nope" } }), -32602],
      [rpc("tools/call", { name: "reset", arguments: { seed: -1 } }), -32602],
      [rpc("tools/call", { name: "state", session_id: "ghost" }), -32602],
      [rpc("openenv/session/close", {}), -32602],
      [rpc("openenv/session/close", { session_id: "ghost" }), -32602],
    ];
    for (const [body, code] of cases) {
      const res = await post(url + "/mcp", body);
      equal(res.status, 200);
      equal(res.body.error?.code, code, JSON.stringify(body));
    }
    const unknown = await post(url + "/mcp", rpc("foo", undefined, "a"));
    deepEqual(unknown.body, {
      jsonrpc: "2.0",
      id: "a",
      error: { code: -32601, message: "Method not found: foo", data: null },
    });
  });
});

Deno.test("POST /mcp tools/list describes the reset, step and state tools", async () => {
  await withServer(async ({ url }) => {
    const res = await post(url + "/mcp", rpc("tools/list"));
    const tools = res.body.result.tools;
    deepEqual(tools.map((t: { name: string }) => t.name), ["reset", "step", "state"]);
    for (const t of tools) ok(typeof t.description === "string" && t.inputSchema.type);
  });
});

Deno.test("POST /mcp tools/call plays an episode on the default session, shared with HTTP", async () => {
  await withServer(async ({ url }) => {
    const reset = await post(
      url + "/mcp",
      rpc("tools/call", { name: "reset", arguments: { seed: 4, task_id: "easy" } }),
    );
    const result = reset.body.result;
    equal(result.isError, false);
    deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
    // openenv-core's MCPToolClient.call_tool returns `data`
    deepEqual(result.data, result.structuredContent);
    equal(result.structuredContent.reward, null);
    const step = await post(
      url + "/mcp",
      rpc("tools/call", { name: "step", arguments: { action: { decisions: [] } } }),
    );
    equal(typeof step.body.result.structuredContent.reward, "number");
    // the action may also be given directly as the arguments
    await post(url + "/mcp", rpc("tools/call", { name: "step", arguments: { decisions: [] } }));
    const http = await post(url + "/step", { action: { decisions: [] } });
    equal(http.body.observation.tick, 3);
    const bad = await post(
      url + "/mcp",
      rpc("tools/call", { name: "step", arguments: { alert_id: "A999", action_type: "IGNORE" } }),
    );
    equal(bad.body.error.code, -32602);
    deepEqual(bad.body.error.data.detail[0].loc, ["arguments", "action", "alert_id"]);
  });
});

Deno.test("POST /mcp openenv/session/create and close manage sessions usable over HTTP", async () => {
  await withServer(async ({ url }) => {
    const created = await post(url + "/mcp", rpc("openenv/session/create"));
    const id = created.body.result.session_id;
    match(id, /^[0-9a-f-]{36}$/);
    await post(url + "/reset", { seed: 1 }, { "X-Session-Id": id });
    const state = await post(
      url + "/mcp",
      rpc("tools/call", { name: "state", session_id: id }),
    );
    equal(state.body.result.structuredContent.seed, 1);
    const closed = await post(url + "/mcp", rpc("openenv/session/close", { session_id: id }));
    deepEqual(closed.body.result, { session_id: id, closed: true });
    const again = await post(url + "/mcp", rpc("openenv/session/close", { session_id: id }));
    equal(again.body.error.message, `Unknown session_id: ${id}`);
    // the cap applies to MCP-created sessions too
    await post(url + "/mcp", rpc("openenv/session/create"));
    const full = await post(url + "/mcp", rpc("openenv/session/create"));
    equal(full.body.error.code, -32000);
    deepEqual(full.body.error.data, {
      active_sessions: 1,
      max_sessions: 1,
      retry_after_seconds: 60, // when the least recently used session becomes evictable
    });
  }, { maxSessions: 1 });
});

Deno.test("POST /mcp tools/call step before any reset is a JSON-RPC -32603 with the reason", async () => {
  await withServer(async ({ url }) => {
    const res = await post(
      url + "/mcp",
      rpc("tools/call", { name: "step", arguments: { decisions: [] } }),
    );
    equal(res.body.error.code, -32603);
    match(res.body.error.message, /call reset\(\) first/);
  });
});
