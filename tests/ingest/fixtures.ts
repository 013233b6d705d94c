/**
 * The documented example payloads of `shared/reference/alert-formats.md`, verbatim, as fresh
 * objects per call (tests may mutate them).
 *
 * @example
 * ```ts
 * import { alertmanagerExample } from "./fixtures.ts";
 * console.assert(alertmanagerExample().version === "4");
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-explicit-any -- fixtures are mutated freely by the tests
import assert from "node:assert/strict";
import { IngestFormatError } from "../../src/ingest/errors.ts";

/**
 * Asserts that `fn` throws an {@link IngestFormatError} naming `field`.
 *
 * @example
 * ```ts
 * import { IngestFormatError } from "../../src/ingest/errors.ts";
 * import { assertField } from "./fixtures.ts";
 * assertField(() => { throw new IngestFormatError("a", "b"); }, "a");
 * ```
 */
export function assertField(fn: () => unknown, field: string): IngestFormatError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof IngestFormatError, `expected IngestFormatError, got ${e}`);
    assert.equal(e.field, field, e.message);
    assert.ok(e.message.includes(field));
    return e;
  }
  assert.fail(`expected an IngestFormatError naming ${field}`);
}

/** §3.1 Alertmanager webhook example. */
export function alertmanagerExample(): any {
  return {
    version: "4",
    groupKey: '{}:{alertname="HighCPU"}',
    truncatedAlerts: 0,
    status: "firing",
    receiver: "triage-webhook",
    groupLabels: { alertname: "HighCPU" },
    commonLabels: { alertname: "HighCPU", severity: "critical", job: "node" },
    commonAnnotations: { summary: "CPU > 95% for 5m" },
    externalURL: "http://alertmanager.example:9093",
    notification_reason: "first notification",
    alerts: [{
      status: "firing",
      labels: { alertname: "HighCPU", severity: "critical", instance: "web-1:9100", job: "node" },
      annotations: { summary: "CPU > 95% for 5m", runbook_url: "https://runbooks.example/cpu" },
      startsAt: "2026-08-20T10:00:00Z",
      endsAt: "0001-01-01T00:00:00Z",
      generatorURL: "http://prometheus.example:9090/graph?g0.expr=...",
      fingerprint: "4f2b1c9d8e7a6b5c",
    }],
  };
}

/** §3.2 PagerDuty official trigger example. */
export function pagerdutyTriggerExample(): any {
  return {
    payload: {
      summary: "Example alert on host1.example.com",
      timestamp: "2015-07-17T08:42:58.315+0000",
      source:
        "monitoringtool:cloudvendor:central-region-dc-01:852559987:cluster/api-stats-prod-003",
      severity: "info",
      component: "postgres",
      group: "prod-datapipe",
      class: "deploy",
      custom_details: { "ping time": "1500ms", "load avg": 0.75 },
    },
    routing_key: "samplekeyhere",
    dedup_key: "samplekeyhere",
    images: [{
      src: "https://www.pagerduty.com/wp-content/uploads/2016/05/pagerduty-logo-green.png",
      href: "https://example.com/",
      alt: "Example text",
    }],
    links: [{ href: "https://example.com/", text: "Link text" }],
    event_action: "trigger",
    client: "Sample Monitoring Service",
    client_url: "https://monitoring.example.com",
  };
}

/** §3.2 PagerDuty resolve (or, with `action`, acknowledge) example. */
export function pagerdutyCloseExample(action = "resolve"): any {
  return { routing_key: "routingkeyhere", dedup_key: "dedupkeyhere", event_action: action };
}

/** §3.3 Datadog default payload, filled with the documented example variable values. */
export function datadogDefaultExample(): any {
  return {
    body: "%%%\nMemory above 90% on ip-012345\n%%%",
    last_updated: "1406662672000",
    event_type: "metric_alert_monitor",
    title: "[Triggered] [Memory Alert]",
    date: "1406662672000",
    org: { id: "123456", name: "Example Org" },
    id: "7155456209838510429",
  };
}

/** §3.3 Our Datadog template, filled with the documented example variable values. */
export function datadogTemplateExample(): any {
  return {
    source: "datadog",
    alert_id: "1234",
    alert_cycle_key: "9bd4ac313a4d1e8fae2482df7b77628",
    alert_transition: "Triggered",
    alert_type: "error",
    alert_priority: "P2",
    alert_metric: "system.load.1",
    alert_scope: "availability-zone:us-east-1a, role:computing-node",
    title: "[Triggered on {host:ip-012345}] Host is Down",
    body: "system.load.1 over host:my-host was > 0 at least once during the last 1m",
    hostname: "ip-012345",
    tags: "env:prod,service:checkout,role:computing-node",
    date: "1406662672000",
    link: "https://app.datadoghq.com/event/event?id=7155456209838510429",
    id: "7155456209838510429",
  };
}

/** §3.4 Grafana webhook doc example (with the "analogous" second alert). */
export function grafanaExample(): any {
  const first = {
    status: "firing",
    labels: { alertname: "High memory usage", team: "blue", zone: "us-1" },
    annotations: {
      description: "The system has high memory usage",
      runbook_url: "https://myrunbook.com/runbook/1234",
      summary: "This alert was triggered for zone us-1",
    },
    startsAt: "2021-10-12T09:51:03.157076+02:00",
    endsAt: "0001-01-01T00:00:00Z",
    generatorURL: "https://play.grafana.org/alerting/1afz29v7z/edit",
    fingerprint: "c6eadffa33fcdf37",
    silenceURL:
      "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
    dashboardURL: "",
    panelURL: "",
    values: { B: 44.23943737541908, C: 1 },
  };
  const second = {
    ...first,
    labels: { alertname: "High CPU usage", team: "blue", zone: "eu-1" },
    annotations: { ...first.annotations, summary: "This alert was triggered for zone eu-1" },
    fingerprint: "b77d941310f9d381",
  };
  return {
    receiver: "My Super Webhook",
    status: "firing",
    orgId: 1,
    alerts: [first, second],
    groupLabels: {},
    commonLabels: { team: "blue" },
    commonAnnotations: {},
    externalURL: "https://play.grafana.org/",
    version: "1",
    groupKey: "{}:{}",
    truncatedAlerts: 0,
    title: "[FIRING:2] (blue)",
    state: "alerting",
    message: "**Firing**\n\nLabels:\n - alertname = T2\n ...",
  };
}

/** The generic format's documented example (module doc of `generic.ts`). */
export function genericExample(): any {
  return {
    title: "Disk usage 97% on db-2",
    status: "firing",
    dedup_key: "disk-db-2",
    severity: "critical",
    alert_type: "DISK",
    service: "db",
    host: "db-2",
    metric: "disk.used_pct",
    description: "/var above 95% for 10m",
    timestamp: "2026-08-20T10:00:00Z",
    confidence: 0.7,
    truth: "critical",
    labels: { team: "sre" },
  };
}
