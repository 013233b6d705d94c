/**
 * PagerDuty Events API v2 normaliser: trigger, acknowledge and resolve events, lenient variants
 * and malformed events.
 *
 * @module
 */
import assert from "node:assert/strict";
import { normalize as normalizePagerDuty } from "../../src/ingest/formats/pagerduty.ts";
import { NormalizedAlertSchema } from "../../src/ingest/normalized_alert.ts";
import { assertField, pagerdutyCloseExample, pagerdutyTriggerExample } from "./fixtures.ts";

Deno.test("normalizePagerDuty() maps the official trigger example", () => {
  const body = pagerdutyTriggerExample();
  const [alert, ...rest] = normalizePagerDuty(body);
  assert.equal(rest.length, 0);
  assert.deepEqual(alert, {
    source: "pagerduty",
    dedup_key: "samplekeyhere",
    status: "firing",
    alert_type: "APPLICATION",
    visible_severity: 0.3,
    confidence: 0.7,
    service: "prod-datapipe",
    title: "Example alert on host1.example.com",
    timestamp: "2015-07-17T08:42:58.315Z",
    raw: body,
  });
  assert.equal(alert.raw, body);
  NormalizedAlertSchema.parse(alert);
});

Deno.test("normalizePagerDuty() maps an acknowledge event to status acknowledged", () => {
  const [alert] = normalizePagerDuty(pagerdutyCloseExample("acknowledge"), {
    receivedAt: new Date("2026-08-20T10:00:00Z"),
  });
  assert.equal(alert.status, "acknowledged");
  assert.equal(alert.dedup_key, "dedupkeyhere");
  assert.equal(alert.timestamp, "2026-08-20T10:00:00.000Z");
  assert.equal(alert.alert_type, "APPLICATION");
  assert.equal(alert.service, "unknown");
  assert.equal(alert.title, "PagerDuty acknowledge dedupkeyhere");
  NormalizedAlertSchema.parse(alert);
});

Deno.test("normalizePagerDuty() maps a resolve event to status resolved", () => {
  const [alert] = normalizePagerDuty(pagerdutyCloseExample());
  assert.equal(alert.status, "resolved");
  assert.equal(alert.dedup_key, "dedupkeyhere");
  assert.equal(alert.timestamp, "1970-01-01T00:00:00.000Z");
});

Deno.test("normalizePagerDuty() keeps a payload sent with a resolve event", () => {
  const body = pagerdutyTriggerExample();
  body.event_action = "resolve";
  const [alert] = normalizePagerDuty(body);
  assert.equal(alert.status, "resolved");
  assert.equal(alert.visible_severity, 0.3);
  assert.equal(alert.service, "prod-datapipe");
});

Deno.test("normalizePagerDuty() derives a stable dedup key when a trigger has none", () => {
  const body = pagerdutyTriggerExample();
  delete body.dedup_key;
  const [first] = normalizePagerDuty(body);
  assert.match(first.dedup_key, /^derived-[0-9a-f]{16}$/);
  const other = pagerdutyTriggerExample();
  delete other.dedup_key;
  other.routing_key = "another-integration-key";
  other.payload.timestamp = "2015-07-17T09:00:00Z";
  assert.equal(normalizePagerDuty(other)[0].dedup_key, first.dedup_key);
  other.payload.summary = "Another alert";
  assert.notEqual(normalizePagerDuty(other)[0].dedup_key, first.dedup_key);
});

Deno.test("normalizePagerDuty() ignores unknown fields and accepts a minimal trigger", () => {
  const body = pagerdutyTriggerExample();
  Object.assign(body, { future: { x: 1 }, images: [], links: [] });
  body.payload.new_field = "ignored";
  assert.equal(normalizePagerDuty(body)[0].dedup_key, "samplekeyhere");
  const [minimal] = normalizePagerDuty({
    routing_key: "R0123456789abcdef0123456789abcd",
    event_action: "trigger",
    payload: {
      summary: "Packet loss 30% on edge-router-3",
      source: "edge-3",
      severity: "critical",
    },
  }, { receivedAt: "2026-08-20T10:00:00Z" });
  assert.equal(minimal.alert_type, "NETWORK");
  assert.equal(minimal.visible_severity, 0.9);
  assert.equal(minimal.service, "edge-3");
  assert.equal(minimal.timestamp, "2026-08-20T10:00:00.000Z");
});

Deno.test("normalizePagerDuty() reads custom_details for service, type, confidence and truth", () => {
  const body = pagerdutyTriggerExample();
  body.payload.custom_details = {
    service: "orders",
    alert_type: "memory",
    confidence: 0.9,
    triage_truth: "critical",
  };
  const [alert] = normalizePagerDuty(body);
  assert.equal(alert.service, "orders");
  assert.equal(alert.alert_type, "MEMORY");
  assert.equal(alert.confidence, 0.9);
  assert.equal(alert.truth_label, "critical");
  body.payload.custom_details = "a plain string is allowed";
  assert.equal(normalizePagerDuty(body)[0].service, "prod-datapipe");
});

Deno.test("normalizePagerDuty() maps every PagerDuty severity", () => {
  const got = ["critical", "error", "warning", "info"].map((severity) => {
    const body = pagerdutyTriggerExample();
    body.payload.severity = severity;
    return normalizePagerDuty(body)[0].visible_severity;
  });
  assert.deepEqual(got, [0.9, 0.7, 0.5, 0.3]);
});

Deno.test("normalizePagerDuty() rejects malformed events naming the field", () => {
  const cases: Array<[(b: ReturnType<typeof pagerdutyTriggerExample>) => void, string]> = [
    [(b) => delete b.routing_key, "routing_key"],
    [(b) => b.event_action = "escalate", "event_action"],
    [(b) => delete b.payload, "payload"],
    [(b) => delete b.payload.severity, "payload.severity"],
    [(b) => b.payload.severity = "urgent", "payload.severity"],
    [(b) => delete b.payload.summary, "payload.summary"],
    [(b) => b.payload.summary = "x".repeat(1025), "payload.summary"],
    [(b) => delete b.payload.source, "payload.source"],
    [(b) => b.payload.timestamp = "last tuesday", "payload.timestamp"],
    [(b) => b.dedup_key = "k".repeat(256), "dedup_key"],
    [(b) => b.images = "logo.png", "images"],
  ];
  for (const [mutate, field] of cases) {
    const body = pagerdutyTriggerExample();
    mutate(body);
    assert.equal(assertField(() => normalizePagerDuty(body), field).source, "pagerduty");
  }
  const close = pagerdutyCloseExample();
  delete close.dedup_key;
  const error = assertField(() => normalizePagerDuty(close), "dedup_key");
  assert.equal(error.reason, "required on resolve");
  assertField(() => normalizePagerDuty([pagerdutyCloseExample()]), "body");
});
