/**
 * Every real payload under `tests/fixtures/ingest/` (sources in its `SOURCES.md`) normalises
 * to exactly the alerts listed here, through format detection and through its format's route;
 * and the lifecycles those payloads form (legacy Grafana alerting → ok, an Alertmanager resolve
 * with a zero `endsAt`, a Datadog recovery dated before its trigger, PagerDuty via
 * `/v2/enqueue`) end in the records a real deployment needs.
 */
import assert from "node:assert/strict";
import { detectFormat, normalizeAny, normalizeAs } from "../../src/ingest/detect.ts";
import type { AlertVendor } from "../../src/ingest/normalized_alert.ts";
import { deriveTruth } from "../../src/ingest/truth_rules.ts";
import { ingestHarness } from "./http_helpers.ts";

import { FIXTURE_DIR as DIR, fixtureText } from "./real_fixtures.ts";

const RECEIVED = "2026-08-20T10:00:00Z";

type Row = [string, string, string, number, string, string, string];

/** [dedup_key, status, alert_type, visible_severity, service, title, timestamp] per alert. */
const EXPECTED: [string, Row[]][] = [
  ["alertmanager_025_captured_firing.json", [
    [
      "ab906f89a7cb9bdc",
      "firing",
      "CPU",
      0.9,
      "node",
      "HighCPU: CPU > 95%",
      "2026-12-04T16:01:48.335Z",
    ],
  ]],
  ["alertmanager_025_captured_resolved.json", [
    [
      "ab906f89a7cb9bdc",
      "resolved",
      "CPU",
      0.9,
      "node",
      "HighCPU: CPU > 95%",
      "2026-12-04T16:01:52.341Z",
    ],
  ]],
  ["alertmanager_oncall_example.json", [
    [
      "derived-c5edd087a851be9b",
      "firing",
      "APPLICATION",
      0.5,
      "unknown",
      "TestAlert",
      "2018-12-25T15:47:47.377Z",
    ],
  ]],
  ["alertmanager_zulip_resolved_zero_endsat.json", [
    [
      "a1bc48475b20e73d",
      "resolved",
      "CPU",
      0.9,
      "andromeda",
      "High CPU Temperature: High CPU core temperature",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["alertmanager_zulip_two_firing.json", [
    [
      "a1bc48475b20e73d",
      "firing",
      "CPU",
      0.9,
      "andromeda",
      "High CPU Temperature: High CPU core temperature",
      "2020-02-06T00:17:58.432Z",
    ],
    [
      "c2ea85182f28cbd9",
      "firing",
      "CPU",
      0.9,
      "andromeda",
      "High CPU Temperature: High CPU core temperature",
      "2020-02-06T00:17:58.432Z",
    ],
  ]],
  ["datadog_fluffy_recovered.json", [
    [
      "derived-d7e1b55f9f5e6638",
      "resolved",
      "MEMORY",
      0.5,
      "i-3b93aafb",
      "[Recovered on {host:i-3b93aafb}] Dock is almost out of memory...",
      "2015-11-25T07:11:17.000Z",
    ],
  ]],
  ["datadog_fluffy_triggered.json", [
    [
      "derived-d7e1b55f9f5e6638",
      "firing",
      "MEMORY",
      0.5,
      "i-3b93aafb",
      "[Triggered on {host:i-3b93aafb}] Dock is almost out of memory...",
      "2015-11-25T07:12:10.000Z",
    ],
  ]],
  ["datadog_relay_default_payload.json", [
    [
      "derived-15d9bf0e98ab61bf",
      "firing",
      "APPLICATION",
      0.5,
      "unknown",
      "[Triggered] [TEST] Host Cluster Alert",
      "2020-06-03T20:43:05.000Z",
    ],
  ]],
  ["generic_alertmanager_api_alerts.json", [
    [
      "derived-c8aa5f57c19a1f3b",
      "firing",
      "DISK",
      0.5,
      "example1",
      "please check the instance example1",
      "2026-08-20T10:00:00.000Z",
    ],
    [
      "derived-19e496fee682e998",
      "firing",
      "DISK",
      0.5,
      "example1",
      "please check the instance example1",
      "2026-08-20T10:00:00.000Z",
    ],
    [
      "derived-bc941d3d83762b24",
      "firing",
      "DISK",
      0.5,
      "example2",
      "please check the instance example2",
      "2026-08-20T10:00:00.000Z",
    ],
    [
      "derived-3a374971635d5d5a",
      "firing",
      "DISK",
      0.5,
      "example2",
      "please check the instance example2",
      "2026-08-20T10:00:00.000Z",
    ],
    [
      "derived-64095f40a95929a7",
      "firing",
      "DISK",
      0.9,
      "example3",
      "DiskRunningFull",
      "2026-08-20T10:00:00.000Z",
    ],
    [
      "derived-e1a98856a47c57f4",
      "firing",
      "DISK",
      0.5,
      "example3",
      "DiskRunningFull",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["generic_oncall_single_alert.json", [
    [
      "derived-488a1065897246a1",
      "firing",
      "APPLICATION",
      0.5,
      "kube-state-metrics",
      "KubeJobCompletion",
      "2019-12-13T08:57:35.095Z",
    ],
  ]],
  ["grafana_11_values.json", [
    [
      "e6349a25f5ef0e9e",
      "firing",
      "MEMORY",
      0.5,
      "node",
      "Memory (copy): High memory usage",
      "2024-03-01T02:09:00.000Z",
    ],
  ]],
  ["grafana_9_resolved.json", [
    [
      "d8a21484c9c25a60",
      "resolved",
      "APPLICATION",
      0.5,
      "rabbitmq",
      "Test alert: This is a summary field, failure on <no value>",
      "2022-06-17T00:51:24.067Z",
    ],
  ]],
  ["grafana_docs_two_firing.json", [
    [
      "c6eadffa33fcdf37",
      "firing",
      "MEMORY",
      0.5,
      "unknown",
      "High memory usage: This alert was triggered for zone us-1",
      "2021-10-12T07:51:03.157Z",
    ],
    [
      "bc97ff14869b13e3",
      "firing",
      "CPU",
      0.5,
      "unknown",
      "High CPU usage: This alert was triggered for zone eu-1",
      "2021-10-12T07:56:03.157Z",
    ],
  ]],
  ["grafana_legacy_alerting.json", [
    ["rule:0:0", "firing", "APPLICATION", 0.5, "unknown", "Test rule", "2026-08-20T10:00:00.000Z"],
  ]],
  ["grafana_legacy_docs.json", [
    [
      "rule:1:1",
      "firing",
      "APPLICATION",
      0.5,
      "unknown",
      "Panel Title alert",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["grafana_legacy_no_data_v7.json", [
    [
      "rule:1:3",
      "firing",
      "APPLICATION",
      0.5,
      "unknown",
      "No Data alert",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["grafana_legacy_ok.json", [
    [
      "rule:0:0",
      "resolved",
      "APPLICATION",
      0.5,
      "unknown",
      "Test rule",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["grafana_v8_resolved.json", [
    [
      "57c6d9296de2ad39",
      "resolved",
      "APPLICATION",
      0.5,
      "Grafana",
      "TestAlert: Notification test",
      "2022-08-31T10:30:00.522Z",
    ],
  ]],
  ["pagerduty_alertmanager_025_captured_resolve.json", [
    [
      "9f2a099adf99adbf3e1d24abbd84835468e75b8b96fca010db3f2b763340e4c1",
      "resolved",
      "CPU",
      0.9,
      "node",
      "[RESOLVED] HighCPU (web-1:9100 node critical)",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["pagerduty_alertmanager_025_captured_trigger.json", [
    [
      "9f2a099adf99adbf3e1d24abbd84835468e75b8b96fca010db3f2b763340e4c1",
      "firing",
      "CPU",
      0.9,
      "node",
      "[FIRING:1] HighCPU (web-1:9100 node critical)",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["pagerduty_docs_acknowledge.json", [
    [
      "dedupkeyhere",
      "acknowledged",
      "APPLICATION",
      0.5,
      "unknown",
      "PagerDuty acknowledge dedupkeyhere",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["pagerduty_docs_resolve.json", [
    [
      "dedupkeyhere",
      "resolved",
      "APPLICATION",
      0.5,
      "unknown",
      "PagerDuty resolve dedupkeyhere",
      "2026-08-20T10:00:00.000Z",
    ],
  ]],
  ["pagerduty_docs_trigger.json", [
    [
      "samplekeyhere",
      "firing",
      "APPLICATION",
      0.3,
      "prod-datapipe",
      "Example alert on host1.example.com",
      "2015-07-17T08:42:58.315Z",
    ],
  ]],
];

const FORMAT_OF: Record<string, AlertVendor> = {
  alertmanager: "alertmanager",
  grafana: "grafana",
  pagerduty: "pagerduty",
  datadog: "datadog",
  generic: "generic",
};

Deno.test("every fixture file is listed, with its source in SOURCES.md", () => {
  const files = [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".json"));
  assert.deepEqual(files.sort(), EXPECTED.map(([f]) => f).sort());
  const sources = fixtureText("SOURCES.md");
  for (const f of files) assert.ok(sources.includes(`\`${f}\``), `${f} missing from SOURCES.md`);
  const publicOnes = files.filter((f) => !f.includes("_captured_"));
  assert.ok(publicOnes.length >= 15, `${publicOnes.length} public fixtures`);
  const formats = new Set(publicOnes.map((f) => f.split("_")[0]));
  assert.deepEqual([...formats].sort(), [
    "alertmanager",
    "datadog",
    "generic",
    "grafana",
    "pagerduty",
  ]);
});

for (const [file, rows] of EXPECTED) {
  Deno.test(`fixture ${file} normalises to its listed alerts (detected and on its route)`, () => {
    const body = JSON.parse(fixtureText(file));
    const format = FORMAT_OF[file.split("_")[0]];
    assert.equal(detectFormat(body), format);
    const viaRoute = normalizeAs(format, body, { receivedAt: RECEIVED });
    assert.deepEqual(normalizeAny(body, { receivedAt: RECEIVED }), viaRoute);
    const got = viaRoute.map((a): Row => [
      a.dedup_key,
      a.status,
      a.alert_type,
      a.visible_severity,
      a.service,
      a.title,
      a.timestamp,
    ]);
    assert.deepEqual(got, rows);
    for (const a of viaRoute) assert.equal(a.source, format);
  });
}

Deno.test("legacy Grafana: [Alerting] opens, [OK] resolves the same rule's alert (route and detection)", async () => {
  for (const path of ["/ingest/alerts/grafana", "/ingest/alerts"]) {
    const h = await ingestHarness();
    const fire = await h.post(path, fixtureText("grafana_legacy_alerting.json"));
    assert.equal(fire.status, 202);
    assert.equal(fire.body.results[0].outcome, "created");
    const ok = await h.post(path, fixtureText("grafana_legacy_ok.json"));
    assert.equal(ok.status, 202);
    assert.deepEqual(
      [ok.body.source, ok.body.results[0].outcome, ok.body.results[0].id],
      ["grafana", "resolved", "grafana:rule:0:0#1"],
    );
    const list = await h.get("/ingest/alerts");
    assert.equal(list.body.count, 1, "an [OK] never opens a new alert");
    assert.equal(list.body.alerts[0].status, "resolved");
    assert.deepEqual(await h.problems(), []);
    h.close();
  }
});

Deno.test("Alertmanager resolve with a zero endsAt resolves at receipt time, not at startsAt", async () => {
  const h = await ingestHarness();
  assert.equal(
    (await h.post("/ingest/alerts", fixtureText("alertmanager_zulip_two_firing.json"))).status,
    202,
  );
  const res = await h.post(
    "/ingest/alerts",
    fixtureText("alertmanager_zulip_resolved_zero_endsat.json"),
  );
  assert.equal(res.body.results[0].outcome, "resolved");
  const list = await h.get("/ingest/alerts?status=resolved");
  const [rec] = list.body.alerts;
  assert.equal(rec.dedup_key, "a1bc48475b20e73d");
  assert.equal(rec.timestamp, "2020-02-06T00:17:58.432Z");
  assert.equal(rec.resolved_at, rec.last_seen, "resolved at the resolve's receipt time");
  assert.ok(Date.parse(rec.resolved_at) > Date.parse(rec.timestamp));
  const truth = deriveTruth(rec);
  assert.equal(truth.kind, "critical", "a critical alert that stayed open is not 'transient'");
  h.close();
});

Deno.test("Datadog recovery dated before its trigger resolves at receipt; event_tags give the host", async () => {
  const h = await ingestHarness();
  const fire = await h.post("/ingest/alerts", fixtureText("datadog_fluffy_triggered.json"));
  assert.equal(fire.body.results[0].outcome, "created");
  const rec = await h.post("/ingest/alerts/datadog", fixtureText("datadog_fluffy_recovered.json"));
  assert.equal(rec.body.results[0].outcome, "resolved");
  const [a] = (await h.get("/ingest/alerts")).body.alerts;
  assert.equal(a.service, "i-3b93aafb");
  assert.equal(a.timestamp, "2015-11-25T07:12:10.000Z");
  assert.ok(Date.parse(a.resolved_at) >= Date.parse(a.timestamp), "never before the start");
  assert.equal(a.resolved_at, a.last_seen);
  assert.equal(a.raw.secret, "[redacted]");
  h.close();
});

Deno.test("PagerDuty docs events on /v2/enqueue: PagerDuty's answer shape; unknown-key ack/resolve dropped", async () => {
  const h = await ingestHarness();
  const t = await h.post("/v2/enqueue", fixtureText("pagerduty_docs_trigger.json"));
  assert.equal(t.status, 202);
  assert.deepEqual(
    [t.body.status, t.body.message, t.body.dedup_key],
    ["success", "Event processed", "samplekeyhere"],
  );
  for (const f of ["pagerduty_docs_acknowledge.json", "pagerduty_docs_resolve.json"]) {
    const r = await h.post("/ingest/alerts/pagerduty/v2/enqueue", fixtureText(f));
    assert.equal(r.status, 202);
    assert.equal(r.body.results[0].outcome, "ignored", "as PagerDuty drops them");
  }
  assert.equal((await h.store.stats()).open, 1);
  h.close();
});

Deno.test("Alertmanager 0.25's own PagerDuty events: service/severity/type from its label details", async () => {
  const h = await ingestHarness();
  const t = await h.post(
    "/v2/enqueue",
    fixtureText("pagerduty_alertmanager_025_captured_trigger.json"),
  );
  assert.equal(t.body.results[0].outcome, "created");
  const r = await h.post(
    "/v2/enqueue",
    fixtureText("pagerduty_alertmanager_025_captured_resolve.json"),
  );
  assert.equal(r.body.results[0].outcome, "resolved");
  const [a] = (await h.get("/ingest/alerts")).body.alerts;
  assert.deepEqual(
    [a.source, a.service, a.visible_severity, a.alert_type, a.status],
    ["pagerduty", "node", 0.9, "CPU", "resolved"],
  );
  h.close();
});
