// The route tables are the one declaration of the server's endpoints: the 405 answers and the
// OpenAPI document are derived from them, and every documented route is served.
import { deepEqual, equal, ok } from "node:assert/strict";
import { IngestStore } from "../../src/ingest/store.ts";
import { createApp } from "../../src/server/app.ts";
import { allowedMethods, type ApiRoute, routingPath } from "../../src/http/route_table.ts";

/** The `Allow` answers the server gave when they were listed by hand (before the tables). */
const ALLOW: Record<string, string> = {
  "/reset": "POST",
  "/step": "POST",
  "/state": "GET",
  "/health": "GET",
  "/metadata": "GET",
  "/schema": "GET",
  "/mcp": "POST, GET",
  "/ws": "GET",
  "/ws/train": "GET",
  "/env/step": "POST",
  "/env/state": "GET",
  "/tasks": "GET",
  "/metrics": "GET",
  "/metrics.json": "GET",
  "/openapi.json": "GET",
  "/docs": "GET",
  "/ingest/alerts": "POST, GET",
  "/ingest/stats": "GET",
  "/env/reset/easy": "POST",
  "/env/reset/anything": "POST",
  "/ingest/alerts/grafana": "POST",
  "/ingest/alerts/nope": "POST",
};

Deno.test("a wrong method gets 405 with the Allow header the route tables derive", async () => {
  const server = createApp();
  try {
    for (const [path, allow] of Object.entries(ALLOW)) {
      const method = allow.includes("POST") ? (allow.includes("GET") ? "PUT" : "GET") : "POST";
      const res = await server.fetch(new Request(`http://x${path}`, { method }));
      equal(res.status, 405, `${method} ${path}`);
      equal(res.headers.get("allow"), allow, path);
      deepEqual(await res.json(), { detail: "Method Not Allowed" });
    }
    for (const path of ["/", "/reset/", "/env/reset", "/env/reset/a/b", "/ingest", "/nope"]) {
      const res = await server.fetch(new Request(`http://x${path}`, { method: "POST" }));
      equal(res.status, 404, path);
      await res.body?.cancel();
    }
  } finally {
    server.close();
  }
});

Deno.test("every documented operation is served (no 404 or 405 for its method)", async () => {
  const kv = await IngestStore.open(":memory:");
  const server = createApp({ ingest: { store: kv } });
  try {
    const doc = await (await server.fetch(new Request("http://x/openapi.json"))).json();
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => [method, path]));
    equal(operations.length, 25); // + POST /v2/enqueue, POST /ingest/alerts/pagerduty/v2/enqueue,
    // GET /web/api/leaderboard, /web/api/watch (src/web/routes.ts) and GET /ws/vector
    for (const [method, template] of operations) {
      const path = template.replace("{task_id}", "easy").replace("{format}", "generic");
      const res = await server.fetch(
        new Request(`http://x${path}`, { method: method.toUpperCase(), body: null }),
      );
      ok(res.status !== 404 && res.status !== 405, `${method} ${path}: ${res.status}`);
      await res.body?.cancel();
    }
  } finally {
    server.close();
    kv.close();
  }
});

Deno.test("allowedMethods: declaration order, parameters match one segment", () => {
  const route = (method: "get" | "post", path: string): ApiRoute<unknown> => ({
    method,
    path,
    doc: null,
    handler: (c) => c.text(""),
  });
  const allowed = allowedMethods([
    route("post", "/a"),
    route("get", "/a"),
    route("post", "/a"),
    route("get", "/b/{id}.json"),
  ]);
  equal(allowed("/a"), "POST, GET");
  equal(allowed("/b/7.json"), "GET");
  equal(allowed("/b/7xjson"), undefined);
  equal(allowed("/b/7/8.json"), undefined);
  equal(allowed("/c"), undefined);
  equal(routingPath("/env/reset/{task_id}"), "/env/reset/:task_id");
});
