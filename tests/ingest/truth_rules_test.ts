import assert from "node:assert/strict";
import { deriveTruth, toTimedAlert, toTimedAlerts } from "../../src/ingest/truth_rules.ts";
import { importJsonl } from "../../src/ingest/stream_io.ts";
import { alertmanagerStreamJsonl, STREAM_SPECS } from "./stream_fixtures.ts";

const AT = "2026-08-20T10:00:00.000Z";
const after = (min: number) => new Date(Date.parse(AT) + min * 60_000).toISOString();

Deno.test("deriveTruth() applies the documented rules in order", () => {
  const cases: Array<[Parameters<typeof deriveTruth>[0], string, string]> = [
    [{ visible_severity: 0.1, timestamp: AT, truth_label: "critical" }, "critical", "explicit"],
    [{ visible_severity: 0.9, timestamp: AT, truth_label: "noise" }, "noise", "explicit"],
    [{ visible_severity: 0.9, timestamp: AT, resolved_at: after(4) }, "transient", "self_resolved"],
    [{ visible_severity: 0.3, timestamp: AT, resolved_at: after(4) }, "noise", "self_resolved"],
    [
      { visible_severity: 0.9, timestamp: AT, resolved_at: after(10) },
      "transient",
      "self_resolved",
    ],
    [{ visible_severity: 0.9, timestamp: AT, resolved_at: after(11) }, "critical", "severity"],
    [
      { visible_severity: 0.9, timestamp: AT, resolved_at: after(2), escalated: true },
      "critical",
      "severity",
    ],
    [{ visible_severity: 0.7, timestamp: AT }, "critical", "severity"],
    [{ visible_severity: 0.5, timestamp: AT, peak_severity: 0.9 }, "critical", "severity"],
    [{ visible_severity: 0.5, timestamp: AT }, "noise", "default"],
    [{ visible_severity: 0.5, timestamp: AT, resolved_at: after(30) }, "noise", "default"],
  ];
  for (const [input, kind, rule] of cases) {
    const t = deriveTruth(input);
    assert.deepEqual([t.kind, t.rule], [kind, rule], JSON.stringify(input));
  }
  assert.equal(
    deriveTruth({ visible_severity: 0.9, timestamp: AT, resolved_at: after(20) }, {
      selfResolveWindowMs: 30 * 60_000,
    }).kind,
    "transient",
    "the window is configurable",
  );
});

Deno.test("deriveTruth() gives true severities in the simulator's ranges for each kind", () => {
  for (const sev of [0, 0.2, 0.45, 0.7, 1]) {
    for (const label of ["critical", "transient", "noise"] as const) {
      const t = deriveTruth({ visible_severity: sev, timestamp: AT, truth_label: label });
      const [lo, hi] = { critical: [0.7, 1], transient: [0.3, 0.6], noise: [0, 0.25] }[label];
      assert.ok(t.trueSeverity >= lo && t.trueSeverity <= hi, `${label} ${sev} ${t.trueSeverity}`);
    }
  }
});

Deno.test("toTimedAlert() keeps the vendor's view and sets the life from the resolve time", () => {
  const t = toTimedAlert({
    service: "edge",
    alert_type: "NETWORK",
    visible_severity: 0.5,
    confidence: 0.8,
    timestamp: AT,
    resolved_at: after(3),
  });
  assert.deepEqual(t, {
    timeMs: Date.parse(AT),
    service: "edge",
    alertType: "NETWORK",
    kind: "transient",
    trueSeverity: 0.5,
    visibleSeverity: 0.5,
    confidence: 0.8,
    lifeMs: 180_000,
  });
});

Deno.test("a recorded Alertmanager stream gets the expected truth for every alert", () => {
  const records = importJsonl(alertmanagerStreamJsonl());
  const timed = toTimedAlerts(records);
  const kinds = Object.fromEntries(records.map((r, i) => [r.id, timed[i].kind]));
  const expected = Object.fromEntries(
    STREAM_SPECS.map((s) => [`alertmanager:${s.fp}#1`, s.kind]),
  );
  assert.deepEqual(kinds, { ...expected, "alertmanager:a000000000000003#2": "transient" });
});
