import { deepEqual, equal, ok } from "node:assert/strict";
import { call, get, post, withServer } from "./helpers.ts";
import { alertmanagerExample } from "../ingest/fixtures.ts";

Deno.test("the server serves /ingest/*: an Alertmanager alert POSTed is listed and counted", async () => {
  await withServer(async ({ url }) => {
    const r = await post(url + "/ingest/alerts", alertmanagerExample());
    equal(r.status, 202);
    equal(r.body.source, "alertmanager");
    equal(r.body.dedup_key, "4f2b1c9d8e7a6b5c");
    const list = await get(url + "/ingest/alerts");
    equal(list.status, 200);
    equal(list.body.count, 1);
    deepEqual(
      [list.body.alerts[0].alert_type, list.body.alerts[0].service, list.body.alerts[0].status],
      ["CPU", "node", "firing"],
    );
    const explicit = await post(url + "/ingest/alerts/generic", {
      title: "Disk full on db-1",
      dedup_key: "disk-db-1",
    });
    equal(explicit.status, 202);
    deepEqual((await get(url + "/ingest/stats")).body, { open: 2, total: 2, max_backlog: 100000 });
    equal((await get(url + "/health")).body.status, "healthy");
  });
});

Deno.test("wrong methods on /ingest/* are 405 with Allow; errors are JSON with a detail", async () => {
  await withServer(async ({ url }) => {
    for (
      const [method, path, allow] of [
        ["DELETE", "/ingest/alerts", "POST, GET"],
        ["PUT", "/ingest/alerts", "POST, GET"],
        ["GET", "/ingest/alerts/alertmanager", "POST"],
        ["GET", "/ingest/alerts/nope", "POST"],
        ["POST", "/ingest/stats", "GET"],
      ]
    ) {
      const res = await call(url + path, method);
      equal(res.status, 405, `${method} ${path}`);
      equal(res.headers.get("allow"), allow);
      deepEqual(res.body, { detail: "Method Not Allowed" });
    }
    equal((await get(url + "/ingest/alerts/a/b")).status, 404);
    const unknown = await post(url + "/ingest/alerts/nope", {});
    equal(unknown.status, 404);
    ok(/Unknown alert format/.test(unknown.body.detail));
    const bad = await post(url + "/ingest/alerts/alertmanager", { version: "4" });
    equal(bad.status, 422);
    equal(bad.body.field, "alerts");
  });
});

Deno.test("the server's ingest takes the bearer token of its options", async () => {
  await withServer(async ({ url }) => {
    equal((await post(url + "/ingest/alerts", { title: "x" })).status, 401);
    equal((await get(url + "/ingest/alerts")).status, 401);
    const auth = { Authorization: "Bearer s3cret" };
    equal((await post(url + "/ingest/alerts", { title: "x" }, auth)).status, 202);
    equal((await get(url + "/ingest/alerts", auth)).body.count, 1);
    // the other routes need no token
    equal((await post(url + "/reset", {})).status, 200);
  }, { ingest: { config: { token: "s3cret" } } });
});

Deno.test("GET /openapi.json documents the ingest routes", async () => {
  await withServer(async ({ url }) => {
    const doc = (await get(url + "/openapi.json")).body;
    ok("post" in doc.paths["/ingest/alerts"] && "get" in doc.paths["/ingest/alerts"]);
    ok("post" in doc.paths["/ingest/alerts/{format}"]);
    ok("get" in doc.paths["/ingest/stats"]);
    for (const path of ["/ingest/alerts", "/ingest/alerts/{format}", "/ingest/stats"]) {
      for (const op of Object.values(doc.paths[path]) as { summary?: string }[]) {
        ok(op.summary, path);
      }
    }
  });
});
