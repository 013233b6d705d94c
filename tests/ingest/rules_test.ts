/**
 * The documented mapping rules shared by all normalisers: severity table, type keywords,
 * service keys, truth labels, derived dedup keys, timestamps, and the error type.
 *
 * @module
 */
import assert from "node:assert/strict";
import { IngestFormatError } from "../../src/ingest/errors.ts";
import {
  confidenceFor,
  DEFAULT_CONFIDENCE,
  derivedDedupKey,
  fallbackTimestamp,
  inferAlertType,
  NormalizedAlertSchema,
  parseTimestamp,
  serviceFrom,
  SEVERITY_TABLE,
  truthFrom,
  visibleSeverity,
} from "../../src/ingest/normalized_alert.ts";

Deno.test("visibleSeverity() maps vendor severities and priorities through the table", () => {
  const cases: Array<[unknown, number]> = [
    ["critical", 0.9],
    ["P1", 0.9],
    ["Sev-1", 0.9],
    ["error", 0.7],
    ["high", 0.7],
    ["p2", 0.7],
    ["warning", 0.5],
    ["WARN", 0.5],
    ["P3", 0.5],
    ["info", 0.3],
    ["low", 0.3],
    ["P4", 0.3],
    ["debug", 0.1],
    ["P5", 0.1],
    [0.42, 0.42],
    ["0.8", 0.8],
    ["bogus", 0.5],
    [undefined, 0.5],
    [3, 0.5],
  ];
  for (const [input, expected] of cases) assert.equal(visibleSeverity(input), expected, `${input}`);
  assert.equal(visibleSeverity(undefined, "bogus", "P2"), 0.7, "first candidate that maps");
  for (const v of Object.values(SEVERITY_TABLE)) assert.ok(v >= 0 && v <= 1);
});

Deno.test("inferAlertType() applies the keyword rules", () => {
  const cases: Array<[string, string]> = [
    ["HighCPU", "CPU"],
    ["CPUThrottlingHigh", "CPU"],
    ["node_load15", "CPU"],
    ["OOMKilled", "MEMORY"],
    ["node_memory_MemAvailable_bytes", "MEMORY"],
    ["JvmHeapUsageHigh", "MEMORY"],
    ["NodeFilesystemAlmostOutOfSpace", "DISK"],
    ["KubePersistentVolumeFillingUp", "DISK"],
    ["disk_used_percent", "DISK"],
    ["DNS resolution failures", "NETWORK"],
    ["NodeNetworkReceiveErrs", "NETWORK"],
    ["Packet loss on eth0", "NETWORK"],
    ["SSH brute force attempt", "SECURITY"],
    ["CVE-2026-1234 detected", "SECURITY"],
    ["UnauthorizedAccess", "SECURITY"],
    ["KubePodCrashLooping", "APPLICATION"],
    ["memcached evictions", "APPLICATION"],
    ["namespace quota", "APPLICATION"],
    ["", "APPLICATION"],
  ];
  for (const [text, type] of cases) assert.equal(inferAlertType([], [text]), type, text);
});

Deno.test("inferAlertType() prefers explicit types, then earlier stages", () => {
  assert.equal(inferAlertType(["Security"], ["HighCPU"]), "SECURITY");
  assert.equal(inferAlertType(["not a type", undefined], ["HighCPU"]), "CPU");
  assert.equal(inferAlertType([], ["HighCPU"], ["disk full"]), "CPU");
  assert.equal(inferAlertType([], ["Checkout"], ["disk full"]), "DISK");
  assert.equal(inferAlertType([], [undefined, 5], ["ssh login spike on the network"]), "SECURITY");
});

Deno.test("serviceFrom() reads label keys in priority order, then fallbacks", () => {
  assert.equal(serviceFrom({ job: "node", service: "checkout", app: "x" }), "checkout");
  assert.equal(serviceFrom({ namespace: "shop", job: "api" }), "api");
  assert.equal(serviceFrom({ instance: "web-1:9100" }), "web-1");
  assert.equal(serviceFrom({ team: "blue" }, "", "db-2"), "db-2");
  assert.equal(serviceFrom({}), "unknown");
});

Deno.test("truthFrom() and confidenceFor() read explicit labels only", () => {
  assert.equal(truthFrom({ truth: "CRITICAL" }), "critical");
  assert.equal(truthFrom({ truth: "bad" }, { triage_truth: "noise" }), "noise");
  assert.equal(truthFrom(undefined, {}), undefined);
  assert.equal(confidenceFor("pagerduty", "1.5", "0.2"), 0.2);
  assert.equal(confidenceFor("datadog", "abc"), DEFAULT_CONFIDENCE.datadog);
});

Deno.test("derivedDedupKey() is a stable FNV-1a hash of canonical JSON", () => {
  const key = derivedDedupKey(["x", { b: 1, a: [1, "2"] }]);
  assert.match(key, /^derived-[0-9a-f]{16}$/);
  assert.equal(derivedDedupKey(["x", { a: [1, "2"], b: 1 }]), key);
  assert.equal(derivedDedupKey(["x", { a: [1, "2"], b: 1, c: undefined }]), key);
  assert.notEqual(derivedDedupKey(["x", { a: [1, 2], b: 1 }]), key);
  // FNV-1a 64 of the canonical JSON `"a"` (3 bytes: quote, a, quote), computed independently.
  let h = 0xcbf29ce484222325n;
  for (const c of '"a"') h = ((h ^ BigInt(c.charCodeAt(0))) * 0x100000001b3n) & ((1n << 64n) - 1n);
  assert.equal(derivedDedupKey("a"), `derived-${h.toString(16).padStart(16, "0")}`);
});

Deno.test("parseTimestamp() canonicalises vendor times to UTC ISO strings", () => {
  const cases: Array<[unknown, string | undefined | null]> = [
    ["2026-08-20T10:00:00Z", "2026-08-20T10:00:00.000Z"],
    ["2021-10-12T09:51:03.157076+02:00", "2021-10-12T07:51:03.157Z"],
    ["2015-07-17T08:42:58.315+0000", "2015-07-17T08:42:58.315Z"],
    ["2026-08-20T10:00:00-05:30", "2026-08-20T15:30:00.000Z"],
    ["2026-08-20 10:00:00", "2026-08-20T10:00:00.000Z"],
    ["2026-08-20", "2026-08-20T00:00:00.000Z"],
    [1406662672000, "2014-07-29T19:37:52.000Z"],
    ["1406662672", "2014-07-29T19:37:52.000Z"],
    ["0001-01-01T00:00:00Z", undefined],
    ["", undefined],
    [undefined, undefined],
    ["2026-02-30T00:00:00Z", null],
    ["2026-08-20T25:00:00Z", null],
    ["0099-01-01T00:00:00Z", null],
    ["Tue, 20 Aug 2026 10:00:00 GMT", null],
    [{}, null],
  ];
  for (const [input, expected] of cases) {
    assert.equal(parseTimestamp(input), expected, JSON.stringify(input));
  }
  assert.equal(
    fallbackTimestamp({ receivedAt: "2026-08-20T12:00:00+02:00" }),
    "2026-08-20T10:00:00.000Z",
  );
  assert.throws(() => fallbackTimestamp({ receivedAt: "later" }), RangeError);
});

Deno.test("NormalizedAlertSchema rejects out-of-range and unknown values", () => {
  const good = {
    source: "generic",
    dedup_key: "k",
    status: "firing",
    alert_type: "CPU",
    visible_severity: 0.5,
    confidence: 0.5,
    service: "s",
    title: "t",
    timestamp: "2026-08-20T10:00:00.000Z",
    raw: null,
  };
  assert.ok(NormalizedAlertSchema.safeParse(good).success);
  for (const patch of [{ visible_severity: 1.2 }, { source: "nagios" }, { truth_label: "bad" }]) {
    assert.ok(
      !NormalizedAlertSchema.safeParse({ ...good, ...patch }).success,
      JSON.stringify(patch),
    );
  }
});

Deno.test("IngestFormatError carries field, reason, source and all issues", () => {
  const error = new IngestFormatError("alerts[0].labels", "required (expected record)", {
    source: "alertmanager",
  });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "IngestFormatError");
  assert.equal(error.message, "alertmanager: alerts[0].labels: required (expected record)");
  assert.deepEqual(error.issues, [{
    field: "alerts[0].labels",
    reason: "required (expected record)",
  }]);
});
