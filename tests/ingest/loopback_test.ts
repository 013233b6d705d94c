import assert from "node:assert/strict";
import { hmacHex } from "../../src/ingest/auth.ts";
import { serveIngest } from "../../src/ingest/serve_ingest.ts";
import {
  alertmanagerExample,
  datadogTemplateExample,
  genericExample,
  grafanaExample,
  pagerdutyTriggerExample,
} from "./fixtures.ts";

const TOKEN = "loopback-token-6c1d";
const SECRET = "loopback-secret-0e7a";

Deno.test("a real Deno.serve ingest server stores every format durably across a restart", async () => {
  const dir = await Deno.makeTempDir();
  const config = { kvPath: `${dir}/ingest.kv`, token: TOKEN, hmacSecret: SECRET };
  const logs: string[] = [];
  let server = await serveIngest({ port: 0, config, log: (l) => logs.push(l) });
  const post = async (path: string, body: unknown, auth = true) => {
    const text = JSON.stringify(body);
    const sig = await hmacHex(SECRET, new TextEncoder().encode(text));
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(auth ? { "x-signature": `sha256=${sig}` } : {}),
        ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}),
      },
      body: text,
    });
    return { status: res.status, body: await res.json() };
  };
  const bodies = [
    ["/ingest/alerts", alertmanagerExample()],
    ["/ingest/alerts", grafanaExample()],
    ["/ingest/alerts/pagerduty", pagerdutyTriggerExample()],
    ["/ingest/alerts/datadog", datadogTemplateExample()],
    ["/ingest/alerts/generic", genericExample()],
  ] as const;
  for (const [path, body] of bodies) assert.equal((await post(path, body)).status, 202, path);
  assert.equal(
    (await post("/ingest/alerts", genericExample(), false)).status,
    401,
    "no credential",
  );
  await server.shutdown();

  server = await serveIngest({ port: 0, config, log: (l) => logs.push(l) });
  const res = await fetch(`${server.url}/ingest/alerts?limit=500`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  const list = await res.json();
  assert.equal(list.count, 6, "one per alert (Grafana sent two), all still there after restart");
  assert.deepEqual(
    [...new Set(list.alerts.map((a: { source: string }) => a.source))].sort(),
    ["alertmanager", "datadog", "generic", "grafana", "pagerduty"],
  );
  assert.equal(
    (await post("/ingest/alerts", alertmanagerExample())).body.results[0].outcome,
    "updated",
  );
  await server.shutdown();
  assert.ok(logs.every((l) => !l.includes(TOKEN) && !l.includes(SECRET)));
  await Deno.remove(dir, { recursive: true });
});
