import { deepEqual, match, ok } from "node:assert/strict";
import { call, get, post, withServer } from "./helpers.ts";
import { JSON_SCHEMAS } from "../../src/schemas.ts";
import { makeEnv, RuleBasedAgent } from "../../mod.ts";

const OBS_KEYS = [
  "alerts",
  "system_load",
  "queue_length",
  "time_remaining",
  "investigation_budget",
  "escalations_pending",
  "tick",
  "reward_components",
  "terminated",
  "truncated",
  "last_action_error",
];

Deno.test("POST /reset accepts an empty body, {} and a body without a JSON content type", async () => {
  await withServer(async ({ url }) => {
    for (
      const [body, headers] of [
        [undefined, {}],
        ["", {}],
        ["{}", { "Content-Type": "application/json" }],
        ["{}", { "Content-Type": "application/x-www-form-urlencoded" }],
        ["{}", { "Content-Type": "text/plain" }],
      ] as const
    ) {
      const res = await fetch(url + "/reset", { method: "POST", body, headers });
      const json = await res.json();
      deepEqual(res.status, 200);
      deepEqual(Object.keys(json), ["observation", "reward", "done"]);
      deepEqual(json.reward, null);
      deepEqual(json.done, false);
      deepEqual(Object.keys(json.observation), OBS_KEYS);
      deepEqual(res.headers.get("x-session-id"), "default");
    }
  });
});

Deno.test("POST /reset takes seed, episode_id, task_id and ignores extra keys", async () => {
  await withServer(async ({ url }) => {
    const res = await post(url + "/reset", {
      seed: 42,
      episode_id: "ep-1",
      task_id: "hard",
      junk: { deep: [1] },
    });
    deepEqual(res.status, 200);
    const state = await get(url + "/state");
    deepEqual(state.body.episode_id, "ep-1");
    deepEqual(state.body.task_id, "hard");
    deepEqual(state.body.seed, 42);
    const env = makeEnv("hard");
    deepEqual(res.body.observation.alerts, env.reset({ seed: 42 }).observation.alerts);
    // a numeric string is coerced like pydantic's lax mode
    deepEqual(
      (await post(url + "/reset", { seed: "42" })).body.observation.alerts,
      res.body.observation.alerts,
    );
  });
});

Deno.test("POST /reset rejects a negative, fractional or huge seed with 422 naming the field", async () => {
  await withServer(async ({ url }) => {
    for (const seed of [-1, 1.5, 1e300, "abc", true, [1]]) {
      const res = await post(url + "/reset", { seed });
      deepEqual(res.status, 422, JSON.stringify(seed));
      deepEqual(res.body.detail[0].loc, ["body", "seed"]);
    }
    for (const body of ["[]", "null", "3"]) {
      const res = await post(url + "/reset", body);
      deepEqual(res.status, 422);
      deepEqual(res.body.detail[0].loc, ["body"]);
    }
    const res = await post(url + "/reset", { episode_id: 5 });
    deepEqual(res.body.detail[0].loc, ["body", "episode_id"]);
  });
});

Deno.test("POST /reset with an unknown task_id is a 404", async () => {
  await withServer(async ({ url }) => {
    const res = await post(url + "/reset", { task_id: "impossible" });
    deepEqual(res.status, 404);
    match(res.body.detail, /unknown task "impossible"/);
  });
});

Deno.test("POST /step plays a full episode and the last observation carries the task score", async () => {
  await withServer(async ({ url }) => {
    let res = await post(url + "/reset", { task_id: "medium", seed: 7 });
    const agent = new RuleBasedAgent();
    let steps = 0;
    while (!res.body.done) {
      res = await post(url + "/step", { action: agent.act(res.body.observation) });
      deepEqual(res.status, 200);
      deepEqual(typeof res.body.reward, "number");
      steps++;
      if (!res.body.done) deepEqual(res.body.observation.task_score, undefined);
    }
    const o = res.body.observation;
    ok(o.task_score >= 0.001 && o.task_score <= 0.999);
    deepEqual(typeof o.success, "boolean");
    ok(Object.keys(o.task_score_breakdown).length > 0);
    ok(o.terminated || o.truncated);
    deepEqual((await get(url + "/state")).body.step_count, steps);
  });
});

Deno.test("POST /step rejects a second decision for the same alert with 422 and leaves the episode unchanged", async () => {
  await withServer(async ({ url }) => {
    const reset = await post(url + "/reset", { seed: 3 });
    const id = reset.body.observation.alerts[0].id;
    const before = (await get(url + "/state")).body;
    const res = await post(url + "/step", {
      action: {
        decisions: [
          { alert_id: id, action_type: "IGNORE" },
          { alert_id: id, action_type: "DELAY" },
        ],
      },
    });
    deepEqual(res.status, 422);
    deepEqual(res.body.detail[0].loc, ["body", "action", "decisions", 1, "alert_id"]);
    match(res.body.detail[0].msg, /already has a decision/);
    deepEqual((await get(url + "/state")).body, before);
  });
});

Deno.test("POST /step rejects unknown alert ids, bad action types, too many INVESTIGATEs and extra keys with 422", async () => {
  await withServer(async ({ url }) => {
    const reset = await post(url + "/reset", { task_id: "hard", seed: 11 });
    const alerts = reset.body.observation.alerts;
    const cases: [unknown, unknown[]][] = [
      [{ decisions: [{ alert_id: "A999", action_type: "IGNORE" }] }, ["decisions", 0, "alert_id"]],
      [{ alert_id: alerts[0].id, action_type: "NUKE" }, ["action_type"]],
      [{ decisions: [{ alert_id: alerts[0].id, action_type: "IGNORE", x: 1 }] }, [
        "decisions",
        0,
        "x",
      ]],
      [{ decisions: "all" }, ["decisions"]],
      [{
        decisions: alerts.map((a: { id: string }) => ({
          alert_id: a.id,
          action_type: "INVESTIGATE",
        })),
      }, ["decisions"]],
    ];
    const before = (await get(url + "/state")).body;
    for (const [action, loc] of cases) {
      const res = await post(url + "/step", { action });
      deepEqual(res.status, 422, JSON.stringify(action));
      deepEqual(res.body.detail[0].loc, ["body", "action", ...loc], JSON.stringify(res.body));
    }
    deepEqual((await get(url + "/state")).body, before);
  });
});

Deno.test("POST /step reports the last rejected action in the next observation's last_action_error", async () => {
  await withServer(async ({ url }) => {
    await post(url + "/reset", { seed: 5 });
    await post(url + "/step", { action: { alert_id: "A999", action_type: "IGNORE" } });
    const ok = await post(url + "/step", { action: { decisions: [] } });
    match(ok.body.observation.last_action_error, /alert_id: unknown alert id "A999"/);
    const next = await post(url + "/step", { action: { decisions: [] } });
    deepEqual(next.body.observation.last_action_error, null);
  });
});

Deno.test("POST /step validates the body like the reference: missing action, non-object action, bad timeout", async () => {
  await withServer(async ({ url }) => {
    await post(url + "/reset", {});
    const cases: [unknown, unknown[]][] = [
      [{}, ["body", "action"]],
      [{ action: "x" }, ["body", "action"]],
      [{ action: [] }, ["body", "action"]],
      [{ action: { decisions: [] }, timeout_s: 0 }, ["body", "timeout_s"]],
      [{ action: { decisions: [] }, request_id: "r".repeat(256) }, ["body", "request_id"]],
    ];
    for (const [body, loc] of cases) {
      const res = await post(url + "/step", body);
      deepEqual(res.status, 422, JSON.stringify(body));
      deepEqual(res.body.detail[0].loc, loc);
    }
    const empty = await post(url + "/step");
    deepEqual([empty.status, empty.body.detail[0].loc], [422, ["body"]]);
    const ok = await post(url + "/step", { action: { decisions: [] }, request_id: "r1", foo: 2 });
    deepEqual(ok.status, 200);
  });
});

Deno.test("POST /step before any reset and after the episode ended is a 409", async () => {
  await withServer(async ({ url }) => {
    const before = await post(url + "/step", { action: { decisions: [] } });
    deepEqual(before.status, 409);
    match(before.body.detail, /call reset\(\) first/);
    let res = await post(url + "/reset", { seed: 1 });
    while (!res.body.done) res = await post(url + "/step", { action: { decisions: [] } });
    const after = await post(url + "/step", { action: { decisions: [] } });
    deepEqual(after.status, 409);
    match(after.body.detail, /episode has ended/);
  });
});

Deno.test("malformed JSON and invalid UTF-8 are 400, oversized bodies 413", async () => {
  await withServer(async ({ url }) => {
    for (const path of ["/reset", "/step", "/env/step"]) {
      const bad = await post(url + path, '{"action": ');
      deepEqual(bad.status, 400);
      deepEqual(bad.body.detail[0].type, "json_invalid");
      const bytes = await post(url + path, new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
      deepEqual(bytes.status, 400);
      deepEqual(bytes.body.detail[0].type, "utf8_invalid");
    }
    const huge = await post(url + "/step", JSON.stringify({ action: { x: "y".repeat(5000) } }));
    deepEqual(huge.status, 413);
    match(huge.body.detail, /larger than 4096 bytes/);
    // without Content-Length (streamed), the limit still holds
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 10; i++) c.enqueue(new Uint8Array(1000).fill(0x20));
        c.close();
      },
    });
    const res = await fetch(url + "/reset", { method: "POST", body: stream });
    deepEqual(res.status, 413);
    await res.body?.cancel();
  }, { maxBodyBytes: 4096 });
});

Deno.test("GET /health, /metadata and /schema answer like openenv-core", async () => {
  await withServer(async ({ url }) => {
    deepEqual((await get(url + "/health")).body.status, "healthy");
    const meta = (await get(url + "/metadata")).body;
    deepEqual(meta.name, "alert_triage");
    deepEqual(meta.version, "0.1.0");
    deepEqual(typeof meta.description, "string");
    deepEqual(Object.keys(meta), [
      "name",
      "description",
      "readme_content",
      "version",
      "author",
      "documentation_url",
      "tasks",
    ]);
    deepEqual(meta.tasks, { easy: { version: 1 }, medium: { version: 1 }, hard: { version: 1 } });
    const schema = (await get(url + "/schema")).body;
    deepEqual(schema.action, JSON_SCHEMAS.action);
    deepEqual(schema.state, JSON_SCHEMAS.state);
    deepEqual(schema.observation.additionalProperties, false);
    for (const key of [...OBS_KEYS, "task_score", "task_score_breakdown", "success"]) {
      ok(key in schema.observation.properties, key);
    }
  });
});

Deno.test("GET /openapi.json is OpenAPI 3.1 with the package version and every path", async () => {
  await withServer(async ({ url }) => {
    const doc = (await get(url + "/openapi.json")).body;
    deepEqual(doc.openapi, "3.1.0");
    deepEqual(doc.info.version, "0.1.0");
    for (
      const path of [
        "/reset",
        "/step",
        "/state",
        "/health",
        "/metadata",
        "/schema",
        "/mcp",
        "/ws",
        "/env/reset/{task_id}",
        "/env/step",
        "/env/state",
        "/tasks",
        "/metrics",
        "/metrics.json",
        "/ws/train",
      ]
    ) ok(path in doc.paths, path);
    ok("post" in doc.paths["/mcp"] && "get" in doc.paths["/mcp"]);
  });
});

Deno.test("GET /docs serves the Scalar page and GET / redirects to it", async () => {
  await withServer(async ({ url }) => {
    const docs = await get(url + "/docs");
    deepEqual(docs.status, 200);
    ok(String(docs.body).includes("/openapi.json"));
    const root = await get(url + "/");
    deepEqual(root.status, 307);
    deepEqual(root.headers.get("location"), "/docs");
  });
});

Deno.test("unknown paths are 404 and wrong methods 405, both JSON", async () => {
  await withServer(async ({ url }) => {
    const missing = await get(url + "/nope");
    deepEqual([missing.status, missing.body], [404, { detail: "Not Found" }]);
    const wrong = await get(url + "/step");
    deepEqual([wrong.status, wrong.body], [405, { detail: "Method Not Allowed" }]);
    deepEqual(wrong.headers.get("allow"), "POST");
    const put = await call(url + "/reset", "PUT");
    deepEqual(put.status, 405);
    const notWs = await get(url + "/ws");
    deepEqual(notWs.status, 426);
  });
});

Deno.test("GET /health reports env_ready, the ingest backlog (queue_size) and the store status", async () => {
  // the store is opened lazily: before any ingest request it is not open and not opened by /health
  await withServer(async ({ url }) => {
    deepEqual((await get(url + "/health")).body, {
      status: "healthy",
      env_ready: true,
      queue_size: null,
      ingest_store: "not_opened",
    });
    deepEqual((await get(url + "/health")).body.ingest_store, "not_opened");
    const alert = { labels: { alertname: "HighCPU", service: "api", severity: "critical" } };
    const ingested = await post(url + "/ingest/alerts/generic", alert);
    deepEqual(ingested.status, 202, JSON.stringify(ingested.body));
    deepEqual((await get(url + "/health")).body, {
      status: "healthy",
      env_ready: true,
      queue_size: 1,
      ingest_store: "open",
    });
    // at the session cap, no new episode can start
    deepEqual((await post(url + "/reset", {})).status, 200);
    deepEqual((await get(url + "/health")).body.env_ready, false);
  }, { maxSessions: 1 });
  // a store that cannot be opened
  await withServer(async ({ url }) => {
    const alert = { labels: { alertname: "HighCPU", service: "api", severity: "critical" } };
    deepEqual((await post(url + "/ingest/alerts/generic", alert)).status, 503);
    deepEqual((await get(url + "/health")).body, {
      status: "healthy",
      env_ready: true,
      queue_size: null,
      ingest_store: "unavailable",
    });
  }, { ingest: { store: () => Promise.reject(new Error("no permission")) } });
});
