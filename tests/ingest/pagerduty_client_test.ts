/**
 * A stock PagerDuty client delivers by changing only its base URL: PagerDuty's own Python
 * package (`pagerduty`, pinned in `requirements-dev.txt`) posts to `{base}/v2/enqueue` on a
 * running server, authenticating with its routing key = the ingest token. The client accepts
 * only `https://` base URLs, so the server runs with TLS here (a certificate made for the test
 * with `openssl`, trusted by the client through `SSL_CERT_FILE`, as a deployment's CA would be). Its trigger,
 * acknowledge and resolve form one stored alert with the right type, severity, service and
 * lifecycle; a trigger without a dedup key gets one back, as from PagerDuty.
 *
 * Without `.venv/bin/python` or the package the test is ignored with a message, except under
 * `ALERT_TRIAGE_CI=1`, where it fails.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createApp } from "../../src/server/app.ts";
import { IngestStore } from "../../src/ingest/store.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = `${ROOT}.venv/bin/python`;
const SCRIPT = fileURLToPath(new URL("./pagerduty_sdk_send.py", import.meta.url));
const CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";
const TOKEN = "pd-sdk-token-91c3";

function clientReady(): boolean {
  try {
    const r = new Deno.Command(PYTHON, { args: ["-c", "import pagerduty"], stderr: "null" })
      .outputSync();
    return r.success;
  } catch {
    return false;
  }
}
const READY = clientReady();
if (!READY && !CI) {
  console.warn("pagerduty_client_test: .venv/bin/python with `pagerduty` missing; ignored");
}

Deno.test({
  name: "PagerDuty's own Python client delivers by changing only its base URL",
  ignore: !READY && !CI,
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "pd-sdk-" });
  const made = await new Deno.Command("openssl", {
    args: [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-days", "1", "-subj", "/CN=localhost"],
      ...["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      ...["-keyout", `${dir}/key.pem`, "-out", `${dir}/cert.pem`],
    ],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.ok(made.success, new TextDecoder().decode(made.stderr));
  const store = await IngestStore.open(":memory:");
  const logs: string[] = [];
  const server = createApp({
    ingest: { store, config: { token: TOKEN }, log: (l) => logs.push(l) },
  });
  const http = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    cert: await Deno.readTextFile(`${dir}/cert.pem`),
    key: await Deno.readTextFile(`${dir}/key.pem`),
    onListen: () => {},
  }, server.fetch);
  const env = { PYTHONDONTWRITEBYTECODE: "1", SSL_CERT_FILE: `${dir}/cert.pem` };
  try {
    const base = `https://127.0.0.1:${http.addr.port}`;
    const out = await new Deno.Command(PYTHON, {
      args: [SCRIPT, base, TOKEN],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, new TextDecoder().decode(out.stderr) + text);
    const sent = JSON.parse(text.trim().split("\n").at(-1)!);
    assert.deepEqual(
      [sent.trigger, sent.acknowledge, sent.resolve],
      ["sdk-disk-db-2", "sdk-disk-db-2", "sdk-disk-db-2"],
      "the client read our PagerDuty-shaped answers",
    );
    assert.match(sent.auto, /^derived-[0-9a-f]{16}$/, "a dedup key is returned when none was sent");
    const rows = (await store.list({ source: "pagerduty" })).alerts;
    const disk = rows.find((a) => a.dedup_key === "sdk-disk-db-2")!;
    assert.deepEqual(
      [disk.status, disk.alert_type, disk.visible_severity, disk.service, disk.escalated],
      ["resolved", "DISK", 0.9, "db", true],
    );
    assert.ok(disk.acknowledged_at && disk.resolved_at);
    const edge = rows.find((a) => a.dedup_key === sent.auto)!;
    assert.deepEqual([edge.status, edge.alert_type, edge.visible_severity, edge.service], [
      "firing",
      "NETWORK",
      0.5,
      "edge-1",
    ]);
    assert.ok(logs.every((l) => !l.includes(TOKEN)));
    // The same client with a wrong routing key is refused (and never stored).
    const denied = await new Deno.Command(PYTHON, {
      args: [SCRIPT, base, "not-the-token"],
      env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(!denied.success);
    assert.match(new TextDecoder().decode(denied.stderr), /401/);
    assert.equal((await store.stats()).total, 2);
  } finally {
    server.close();
    await http.shutdown();
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
