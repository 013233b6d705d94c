/**
 * Format detection and dispatch: every documented example is recognised, the order resolves
 * overlaps, explicit routes report their own required fields, and output is deterministic.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  detectFormat,
  FORMAT_ORDER,
  FORMATS,
  normalizeAny,
  normalizeAs,
} from "../../src/ingest/detect.ts";
import { ALERT_SOURCES } from "../../src/ingest/normalized_alert.ts";
import {
  alertmanagerExample,
  assertField,
  datadogDefaultExample,
  datadogTemplateExample,
  genericExample,
  grafanaExample,
  pagerdutyCloseExample,
  pagerdutyTriggerExample,
} from "./fixtures.ts";

const EXAMPLES: Array<[string, () => unknown]> = [
  ["alertmanager", alertmanagerExample],
  ["grafana", grafanaExample],
  ["pagerduty", pagerdutyTriggerExample],
  ["pagerduty", () => pagerdutyCloseExample("acknowledge")],
  ["pagerduty", pagerdutyCloseExample],
  ["datadog", datadogTemplateExample],
  ["datadog", datadogDefaultExample],
  ["generic", genericExample],
  ["generic", () => [genericExample(), { labels: { alertname: "X" } }]],
];

Deno.test("detectFormat() recognises every documented example", () => {
  for (const [source, make] of EXAMPLES) {
    assert.equal(detectFormat(make()), source, JSON.stringify(make()).slice(0, 80));
  }
});

Deno.test("detectFormat() tries Grafana before Alertmanager and generic last", () => {
  assert.deepEqual([...FORMAT_ORDER].sort(), [...ALERT_SOURCES].sort());
  assert.equal(FORMAT_ORDER[0], "grafana");
  assert.equal(FORMAT_ORDER.at(-1), "generic");
  // A Grafana body is also a valid Alertmanager body, and a Datadog body has a title.
  assert.ok(FORMATS.alertmanager.normalize(grafanaExample()).length === 2);
  assert.ok(FORMATS.generic.detect(datadogTemplateExample()));
  assert.equal(detectFormat(datadogTemplateExample()), "datadog");
  const noVersion = grafanaExample();
  delete noVersion.version;
  assert.equal(detectFormat(noVersion), "grafana");
  const amNoVersion = alertmanagerExample();
  delete amNoVersion.version;
  assert.equal(detectFormat(amNoVersion), "alertmanager");
});

Deno.test("detectFormat() returns null for bodies of no known format", () => {
  for (const body of [null, 1, "text", [], [1], {}, { alerts: [] }, { foo: "bar" }, [{}]]) {
    assert.equal(detectFormat(body), null, JSON.stringify(body));
  }
});

Deno.test("normalizeAny() normalises each example as its detected format", () => {
  for (const [source, make] of EXAMPLES) {
    const alerts = normalizeAny(make());
    assert.ok(alerts.length > 0);
    for (const alert of alerts) assert.equal(alert.source, source);
  }
});

Deno.test("normalizeAny() rejects an unrecognised body naming the body", () => {
  const error = assertField(() => normalizeAny({ hello: "world" }), "body");
  assert.match(error.reason, /unrecognised alert format/);
  assert.equal(error.source, undefined);
});

Deno.test("normalizeAny() reports the detected format's field on an invalid body", () => {
  assertField(() => normalizeAny({ version: "4" }), "alerts");
  assertField(() => normalizeAny({ version: "1", orgId: 1 }), "alerts");
  assertField(() => normalizeAny({ event_action: "trigger" }), "routing_key");
  assertField(() => normalizeAny({ source: "datadog" }), "title");
  const body = pagerdutyTriggerExample();
  body.payload.severity = "sev0";
  assert.equal(assertField(() => normalizeAny(body), "payload.severity").source, "pagerduty");
});

Deno.test("normalizeAs() uses the given format without detection", () => {
  assertField(() => normalizeAs("pagerduty", alertmanagerExample()), "routing_key");
  assertField(() => normalizeAs("alertmanager", pagerdutyTriggerExample()), "alerts");
  assertField(() => normalizeAs("datadog", {}), "title");
  const [alert] = normalizeAs("generic", { title: "Disk full", source: "datadog" });
  assert.equal(alert.source, "generic");
  assertField(() => normalizeAs("nagios" as never, {}), "source");
});

Deno.test("normalizeAny() is deterministic and does not mutate its input", () => {
  for (const [, make] of EXAMPLES) {
    const body = make();
    const snapshot = structuredClone(body);
    const first = normalizeAny(body);
    const second = normalizeAny(structuredClone(body));
    assert.deepEqual(first, second);
    assert.deepEqual(body, snapshot);
  }
});
