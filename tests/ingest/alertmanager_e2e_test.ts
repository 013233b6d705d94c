/**
 * End to end with a real Prometheus Alertmanager (Debian's `prometheus-alertmanager`, installed
 * in CI by `.ci/setup-alertmanager`): the test starts it on loopback with a generated config
 * whose webhook receiver (bearer token) and PagerDuty receiver (`url` = our `/v2/enqueue`,
 * `routing_key` = the token) point at a running server, then fires and resolves an alert through
 * Alertmanager's own API (`POST /api/v2/alerts`). Both notifiers' events land in the store with
 * the right type, severity, service and lifecycle. Skipped only where the binary is missing.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/server/app.ts";
import { IngestStore } from "../../src/ingest/store.ts";

const TOKEN = "am-e2e-token-4b1e9c";
const BINARIES = ["/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"];

function findBinary(): string | undefined {
  for (const b of BINARIES) {
    try {
      if (Deno.statSync(b).isFile) return b;
    } catch {
      // not installed here
    }
  }
  return undefined;
}

const BINARY = findBinary();

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

Deno.test({
  name: "a real Alertmanager fires and resolves through its webhook and PagerDuty receivers",
  ignore: BINARY === undefined,
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "am-e2e-" });
  const store = await IngestStore.open(":memory:");
  const logs: string[] = [];
  const server = createApp({
    ingest: { store, config: { token: TOKEN }, log: (l) => logs.push(l) },
  });
  const http = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, server.fetch);
  const ours = `http://127.0.0.1:${http.addr.port}`;
  const amPort = freePort();
  await Deno.writeTextFile(
    `${dir}/alertmanager.yml`,
    `route:
  receiver: triage
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: triage
    webhook_configs:
      - url: ${ours}/ingest/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            credentials: ${TOKEN}
    pagerduty_configs:
      - url: ${ours}/v2/enqueue
        routing_key: ${TOKEN}
        send_resolved: true
`,
  );
  const am = new Deno.Command(BINARY!, {
    args: [
      `--config.file=${dir}/alertmanager.yml`,
      `--storage.path=${dir}/data`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      "--cluster.listen-address=",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const amUrl = `http://127.0.0.1:${amPort}`;
  const list = async () =>
    (await (await fetch(`${ours}/ingest/alerts?limit=50`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    })).json()).alerts as Record<string, unknown>[];
  try {
    await waitFor("Alertmanager ready", async () => {
      const r = await fetch(`${amUrl}/-/ready`);
      await r.body?.cancel();
      return r.ok ? true : undefined;
    });
    const alert = {
      labels: { alertname: "HighCPU", severity: "critical", instance: "web-1:9100", job: "node" },
      annotations: { summary: "CPU above 95% for 5m" },
      startsAt: new Date().toISOString(),
      generatorURL: "http://prometheus.example:9090/graph",
    };
    const post = async (body: unknown) => {
      const r = await fetch(`${amUrl}/api/v2/alerts`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      await r.body?.cancel();
      assert.equal(r.status, 200);
    };
    await post([alert]);
    const fired = await waitFor("both firing notifications", async () => {
      const all = await list();
      return all.length === 2 ? all : undefined;
    });
    const bySource = (rows: Record<string, unknown>[], s: string) =>
      rows.find((a) => a.source === s)!;
    for (const source of ["alertmanager", "pagerduty"]) {
      const a = bySource(fired, source);
      assert.deepEqual(
        [a.status, a.alert_type, a.visible_severity, a.service],
        ["firing", "CPU", 0.9, "node"],
        `${source}: ${JSON.stringify(a)}`,
      );
    }

    await post([{ ...alert, endsAt: new Date().toISOString() }]);
    const resolved = await waitFor("both resolve notifications", async () => {
      const all = await list();
      return all.every((a) => a.status === "resolved") && all.length === 2 ? all : undefined;
    });
    for (const source of ["alertmanager", "pagerduty"]) {
      const a = bySource(resolved, source);
      assert.equal(a.cycle, 1, "the resolve closed the alert the firing opened");
      assert.ok(Date.parse(a.resolved_at as string) >= Date.parse(a.timestamp as string));
    }
    const pd = bySource(resolved, "pagerduty");
    assert.equal((pd.raw as { routing_key: string }).routing_key, "[redacted]");
    assert.equal((pd.raw as { client: string }).client, "Alertmanager");
    assert.deepEqual(await store.stats(), { open: 0, total: 2, max_backlog: 100_000 });
    assert.ok(logs.every((l) => !l.includes(TOKEN)));
  } finally {
    am.kill("SIGTERM");
    await am.status;
    server.close();
    await http.shutdown();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
