/**
 * Datadog webhook normaliser: our documented template, Datadog's default payload, transitions,
 * fallbacks and malformed bodies.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  DATADOG_WEBHOOK_TEMPLATE,
  normalize as normalizeDatadog,
} from "../../src/ingest/formats/datadog.ts";
import { NormalizedAlertSchema } from "../../src/ingest/normalized_alert.ts";
import { assertField, datadogDefaultExample, datadogTemplateExample } from "./fixtures.ts";

Deno.test("normalizeDatadog() maps a body rendered from our template", () => {
  const body = datadogTemplateExample();
  const [alert, ...rest] = normalizeDatadog(body);
  assert.equal(rest.length, 0);
  assert.deepEqual(alert, {
    source: "datadog",
    dedup_key: "9bd4ac313a4d1e8fae2482df7b77628",
    status: "firing",
    alert_type: "CPU",
    visible_severity: 0.7,
    confidence: 0.75,
    service: "checkout",
    title: "[Triggered on {host:ip-012345}] Host is Down",
    timestamp: "2014-07-29T19:37:52.000Z",
    raw: body,
  });
  NormalizedAlertSchema.parse(alert);
});

Deno.test("normalizeDatadog() maps a Recovered transition to status resolved", () => {
  const body = datadogTemplateExample();
  Object.assign(body, {
    alert_transition: "Recovered",
    alert_type: "success",
    title: "[Recovered on {host:ip-012345}] Host is Down",
    date: "1406663272000",
  });
  const [alert] = normalizeDatadog(body);
  assert.equal(alert.status, "resolved");
  assert.equal(alert.dedup_key, "9bd4ac313a4d1e8fae2482df7b77628");
  assert.equal(alert.visible_severity, 0.7);
  assert.equal(alert.timestamp, "2014-07-29T19:47:52.000Z");
});

Deno.test("normalizeDatadog() keeps non-recovery transitions firing", () => {
  for (const transition of ["Re-Triggered", "Warn", "Re-Warn", "No Data", "Renotify", "Null"]) {
    const body = datadogTemplateExample();
    body.alert_transition = transition;
    assert.equal(normalizeDatadog(body)[0].status, "firing", transition);
  }
});

Deno.test("normalizeDatadog() falls back to alert_type severity and alert_id@scope key", () => {
  const body = datadogTemplateExample();
  delete body.alert_priority;
  delete body.alert_cycle_key;
  body.alert_type = "warning";
  const [alert] = normalizeDatadog(body);
  assert.equal(alert.visible_severity, 0.5);
  assert.equal(alert.dedup_key, "1234@availability-zone:us-east-1a, role:computing-node");
  delete body.alert_scope;
  assert.equal(normalizeDatadog(body)[0].dedup_key, "1234");
});

Deno.test("normalizeDatadog() maps Datadog's default payload", () => {
  const body = datadogDefaultExample();
  const [alert] = normalizeDatadog(body);
  assert.equal(alert.status, "firing");
  assert.equal(alert.alert_type, "MEMORY");
  assert.equal(alert.visible_severity, 0.5);
  assert.equal(alert.service, "unknown");
  assert.equal(alert.timestamp, "2014-07-29T19:37:52.000Z");
  assert.match(alert.dedup_key, /^derived-[0-9a-f]{16}$/);
  const recovered = { ...body, title: "[Recovered] [Memory Alert]", id: "2" };
  const [resolved] = normalizeDatadog(recovered);
  assert.equal(resolved.status, "resolved");
  assert.equal(resolved.dedup_key, alert.dedup_key, "trigger and recovery share a derived key");
});

Deno.test("normalizeDatadog() treats empty and unexpanded $VARIABLES as absent", () => {
  const body = datadogTemplateExample();
  Object.assign(body, {
    alert_cycle_key: "$ALERT_CYCLE_KEY",
    alert_id: "",
    alert_priority: "$ALERT_PRIORITY",
    alert_transition: "",
    tags: "$TAGS",
    date: "$DATE",
  });
  const [alert] = normalizeDatadog(body, { receivedAt: "2026-08-20T10:00:00Z" });
  assert.match(alert.dedup_key, /^derived-/);
  assert.equal(alert.visible_severity, 0.7);
  assert.equal(alert.status, "firing");
  assert.equal(alert.service, "ip-012345");
  assert.equal(alert.timestamp, "2026-08-20T10:00:00.000Z");
});

Deno.test("normalizeDatadog() accepts numbers, tag arrays and unknown fields", () => {
  const body = datadogTemplateExample();
  Object.assign(body, {
    alert_id: 1234,
    date: 1406662672000,
    tags: ["service:payments", "truth:transient", "confidence:0.6"],
    org: { id: 1, name: "Example" },
    extra: [1, 2],
  });
  const [alert] = normalizeDatadog(body);
  assert.equal(alert.service, "payments");
  assert.equal(alert.truth_label, "transient");
  assert.equal(alert.confidence, 0.6);
  assert.equal(alert.timestamp, "2014-07-29T19:37:52.000Z");
});

Deno.test("normalizeDatadog() infers the type from the alert metric prefix", () => {
  const cases: Array<[string, string]> = [
    ["system.cpu.user", "CPU"],
    ["system.load.1", "CPU"],
    ["system.mem.used", "MEMORY"],
    ["system.disk.in_use", "DISK"],
    ["system.io.await", "DISK"],
    ["system.net.bytes_rcvd", "NETWORK"],
    ["trace.http.request.errors", "APPLICATION"],
  ];
  for (const [metric, type] of cases) {
    const body = datadogTemplateExample();
    Object.assign(body, { alert_metric: metric, title: "[Triggered] Monitor", body: "" });
    assert.equal(normalizeDatadog(body)[0].alert_type, type, metric);
  }
  const tagged = datadogTemplateExample();
  tagged.tags = "alert_type:security";
  assert.equal(normalizeDatadog(tagged)[0].alert_type, "SECURITY");
});

Deno.test("normalizeDatadog() rejects malformed bodies naming the field", () => {
  const cases: Array<[(b: ReturnType<typeof datadogTemplateExample>) => void, string]> = [
    [(b) => delete b.title, "title"],
    [(b) => b.title = 7, "title"],
    [(b) => b.date = "tomorrow", "date"],
    [(b) => b.tags = { service: { nested: "x" } }, "tags"],
    [(b) => b.tags = 7, "tags"],
    [(b) => b.alert_priority = { p: 1 }, "alert_priority"],
  ];
  for (const [mutate, field] of cases) {
    const body = datadogTemplateExample();
    mutate(body);
    assert.equal(assertField(() => normalizeDatadog(body), field).source, "datadog");
  }
});

Deno.test("DATADOG_WEBHOOK_TEMPLATE is valid JSON whose rendering normalizes", () => {
  const template = JSON.parse(DATADOG_WEBHOOK_TEMPLATE);
  assert.equal(template.source, "datadog");
  for (const value of Object.values(template).slice(1)) {
    assert.match(String(value), /^\$[A-Z_]+$/);
  }
  const example = datadogTemplateExample();
  const rendered = DATADOG_WEBHOOK_TEMPLATE.replace(/\$[A-Z_]+/g, (name) => {
    const key = Object.keys(template).find((k) => template[k] === name) ?? "";
    return String(example[key] ?? "");
  });
  const [alert] = normalizeDatadog(JSON.parse(rendered));
  assert.deepEqual({ ...alert, raw: null }, { ...normalizeDatadog(example)[0], raw: null });
});

const DATADOG_TS = new URL("../../src/ingest/formats/datadog.ts", import.meta.url);

Deno.test({
  name: "DATADOG_WEBHOOK_TEMPLATE is quoted verbatim in the datadog.ts module doc",
  // Needs to read the source file: runs under `deno task test` (--allow-read).
  ignore: Deno.permissions.querySync({ name: "read", path: DATADOG_TS }).state !== "granted",
  fn: async () => {
    const source = await Deno.readTextFile(DATADOG_TS);
    const doc = source.split("\n").map((line) => line.replace(/^ \* ?/, "")).join("\n");
    assert.ok(doc.includes(DATADOG_WEBHOOK_TEMPLATE), "module JSDoc quotes the template");
  },
});
