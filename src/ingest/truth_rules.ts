/**
 * The hidden truth of a real alert, derived by fixed, documented rules, and its conversion to a
 * {@link TimedAlert} that `bucketIntoTicks` places on an episode's clock.
 *
 * Rules, first match wins ("declared severity" = the highest visible severity the alert had
 * while open, `peak_severity`, else `visible_severity`):
 *
 * | # | condition                                                                  | kind        | true severity              |
 * | - | -------------------------------------------------------------------------- | ----------- | -------------------------- |
 * | 1 | the sender labelled it (`truth_label`: label/detail `truth`/`triage_truth`) | that label  | per kind, as below         |
 * | 2 | resolved within `selfResolveWindowMs` (default 10 min) of firing, never escalated (no ack, severity never rose), declared ≥ `lowSeverity` (0.4) | `transient` | declared, clamped to 0.3..0.6 |
 * | 3 | same as 2 but declared < `lowSeverity`                                     | `noise`     | declared × 0.25 (≤ 0.25)   |
 * | 4 | declared ≥ `criticalSeverity` (default 0.7)                                | `critical`  | declared, clamped to 0.7..1 |
 * | 5 | anything else                                                              | `noise`     | declared × 0.25 (≤ 0.25)   |
 *
 * The true-severity ranges are those the simulator draws for its own alerts of each kind, so a
 * replayed alert weighs in the reward and the graders like a synthetic one. The visible severity
 * and confidence shown to the agent are the alert's own (from the vendor). `lifeMs` — how long a
 * transient (or noise) alert lives before it heals (or expires) — is `resolved_at - timestamp`
 * when it resolved; otherwise the world's default (`noiseTtl`) applies.
 *
 * @example
 * ```ts
 * import { deriveTruth } from "./truth_rules.ts";
 * const t = deriveTruth({ visible_severity: 0.9, timestamp: "2026-08-20T10:00:00.000Z" });
 * console.assert(t.kind === "critical" && t.rule === "severity");
 * ```
 *
 * @module
 */
import type { AlertKind } from "../models.ts";
import type { TimedAlert } from "../sim/replay_world.ts";
import type { StoredAlert } from "./lifecycle.ts";

/** Thresholds of the rules (see the module table). */
export interface TruthRuleOptions {
  /** A resolve within this long after firing counts as resolving by itself (default 10 min). */
  selfResolveWindowMs: number;
  /** Below this declared severity, a self-resolving alert is noise, not transient (0.4). */
  lowSeverity: number;
  /** From this declared severity on, an alert that did not self-resolve is critical (0.7). */
  criticalSeverity: number;
}

/** The default thresholds. */
export const DEFAULT_TRUTH_RULES: Readonly<TruthRuleOptions> = {
  selfResolveWindowMs: 10 * 60_000,
  lowSeverity: 0.4,
  criticalSeverity: 0.7,
};

/** Which rule of the module table decided. */
export type TruthRule = "explicit" | "self_resolved" | "severity" | "default";

/** The fields the rules read (`received_at` places the alert in time, else `timestamp`). */
export type TruthInput =
  & Pick<StoredAlert, "visible_severity" | "timestamp">
  & Partial<
    Pick<StoredAlert, "truth_label" | "resolved_at" | "escalated" | "peak_severity" | "received_at">
  >;

/** The derived hidden truth of one alert. */
export interface DerivedTruth {
  /** Hidden class. */
  kind: Exclude<AlertKind, "symptom">;
  /** Hidden true severity, 0..1. */
  trueSeverity: number;
  /** Rule that decided. */
  rule: TruthRule;
  /** Firing-to-resolve time (ms), when it resolved. */
  lifeMs?: number;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * True severity of a kind given the declared severity (see the module table).
 *
 * @example
 * ```ts
 * import { trueSeverityFor } from "./truth_rules.ts";
 * console.assert(trueSeverityFor("critical", 0.5) === 0.7);
 * ```
 */
export function trueSeverityFor(kind: DerivedTruth["kind"], declared: number): number {
  if (kind === "critical") return clamp(declared, 0.7, 1);
  if (kind === "transient") return clamp(declared, 0.3, 0.6);
  return clamp(declared * 0.25, 0, 0.25);
}

/**
 * Derives the hidden truth of one alert by the rules of the module table.
 *
 * @example
 * ```ts
 * import { deriveTruth } from "./truth_rules.ts";
 * const t = deriveTruth({ visible_severity: 0.9, timestamp: "2026-08-20T10:00:00.000Z",
 *   resolved_at: "2026-08-20T10:04:00.000Z", escalated: false });
 * console.assert(t.kind === "transient" && t.lifeMs === 240_000);
 * ```
 */
export function deriveTruth(
  alert: TruthInput,
  options: Partial<TruthRuleOptions> = {},
): DerivedTruth {
  const o = { ...DEFAULT_TRUTH_RULES, ...options };
  const declared = alert.peak_severity ?? alert.visible_severity;
  const start = Date.parse(alert.timestamp);
  const end = alert.resolved_at === undefined ? NaN : Date.parse(alert.resolved_at);
  const lifeMs = Number.isFinite(end - start) ? Math.max(0, end - start) : undefined;
  const make = (kind: DerivedTruth["kind"], rule: TruthRule): DerivedTruth => ({
    kind,
    trueSeverity: trueSeverityFor(kind, declared),
    rule,
    ...(lifeMs === undefined ? {} : { lifeMs }),
  });
  if (alert.truth_label) return make(alert.truth_label, "explicit");
  if (lifeMs !== undefined && lifeMs <= o.selfResolveWindowMs && !alert.escalated) {
    return make(declared < o.lowSeverity ? "noise" : "transient", "self_resolved");
  }
  if (declared >= o.criticalSeverity) return make("critical", "severity");
  return make("noise", "default");
}

/**
 * A stored (or imported) alert as a timed alert with its derived truth, placed at its receipt
 * time (`received_at`; the vendor `timestamp` when there is none). The replay window selects on
 * the same clock, so window and ticks agree.
 *
 * @example
 * ```ts
 * import { toTimedAlert } from "./truth_rules.ts";
 * const t = toTimedAlert({ service: "db", alert_type: "DISK", visible_severity: 0.3,
 *   confidence: 0.8, timestamp: "2026-08-20T10:00:00.000Z" });
 * console.assert(t.kind === "noise" && t.timeMs === Date.parse("2026-08-20T10:00:00.000Z"));
 * ```
 */
export function toTimedAlert(
  alert: TruthInput & Pick<StoredAlert, "service" | "alert_type" | "confidence">,
  options: Partial<TruthRuleOptions> = {},
): TimedAlert {
  const truth = deriveTruth(alert, options);
  return {
    timeMs: Date.parse(alert.received_at ?? alert.timestamp),
    service: alert.service,
    alertType: alert.alert_type,
    kind: truth.kind,
    trueSeverity: truth.trueSeverity,
    visibleSeverity: alert.visible_severity,
    confidence: alert.confidence,
    ...(truth.lifeMs === undefined ? {} : { lifeMs: truth.lifeMs }),
  };
}

/**
 * Many alerts as timed alerts (see {@link toTimedAlert}); alerts without a valid time are left out.
 *
 * @example
 * ```ts
 * import { toTimedAlerts } from "./truth_rules.ts";
 * console.assert(toTimedAlerts([]).length === 0);
 * ```
 */
export function toTimedAlerts(
  alerts: Iterable<TruthInput & Pick<StoredAlert, "service" | "alert_type" | "confidence">>,
  options: Partial<TruthRuleOptions> = {},
): TimedAlert[] {
  const out: TimedAlert[] = [];
  for (const a of alerts) {
    const t = toTimedAlert(a, options);
    if (Number.isFinite(t.timeMs)) out.push(t);
  }
  return out;
}
