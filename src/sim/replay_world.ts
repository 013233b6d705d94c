/**
 * Replaying real alert streams as episodes. Timed alerts (with the hidden truth already derived
 * for them) are bucketed into ticks and handed to the world, either alone (`replay`: the
 * synthetic stream is switched off) or on top of the synthetic stream (`mixed`).
 *
 * The world never learns where the alerts came from: this module turns wall-clock alerts into
 * {@link ReplayAlert}s on the episode's clock, and that is all the world reads.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORLD } from "./world_config.ts";
 * import { bucketIntoTicks, replayWorld } from "./replay_world.ts";
 * const alerts = bucketIntoTicks([
 *   { timeMs: 0, service: "db-primary", alertType: "DISK", kind: "critical", trueSeverity: 0.9,
 *     visibleSeverity: 0.7, confidence: 0.8 },
 * ], { horizon: 20 });
 * const world = replayWorld(DEFAULT_WORLD, alerts, "replay");
 * console.assert(world.noiseRate === 0 && world.replay?.length === 1);
 * ```
 *
 * @module
 */
import type { AlertKind, AlertType } from "../models.ts";
import type { ReplayAlert, ReplayCount, WorldConfig } from "./world_config.ts";
import type { ServiceSpec } from "./services.ts";

/** Where an episode's alerts come from: the synthetic stream, recorded alerts only, or both. */
export type AlertStreamSource = "synthetic" | "replay" | "mixed";

/** A real alert on the wall clock, with its derived hidden truth. */
export interface TimedAlert {
  /**
   * Where it sits on the wall clock (ms since the epoch): for stored alerts, when the ingest
   * store received it (the clock the replay window `since`/`until` selects on too).
   */
  timeMs: number;
  /** Service it fires on. */
  service: string;
  /** Alert category. */
  alertType: AlertType;
  /** Hidden class derived for it. */
  kind: Exclude<AlertKind, "symptom">;
  /** Hidden true severity, 0..1. */
  trueSeverity: number;
  /** Severity shown to the agent, 0..1. */
  visibleSeverity: number;
  /** Confidence shown to the agent, 0..1. */
  confidence: number;
  /** How long until it resolved by itself, if it did (ms). */
  lifeMs?: number;
}

/** Options of {@link bucketIntoTicks}. */
export interface BucketOptions {
  /** Ticks of the episode; alerts past the horizon are left out. */
  horizon: number;
  /** Wall-clock length of one tick (ms); default: the stream's span spread over the horizon,
   * at least one minute. */
  tickMs?: number;
  /** Start of tick 0 (ms); default: the earliest alert. */
  startMs?: number;
}

/**
 * Places timed alerts on the episode clock: `tick = floor((time - start) / tickMs)`. Ties keep
 * the input order, so the result depends only on the stream.
 */
export function bucketIntoTicks(
  alerts: readonly TimedAlert[],
  options: BucketOptions,
): ReplayAlert[] {
  if (alerts.length === 0) return [];
  const sorted = alerts.map((a, i) => ({ a, i })).sort((x, y) =>
    x.a.timeMs - y.a.timeMs || x.i - y.i
  );
  const start = options.startMs ?? sorted[0].a.timeMs;
  const span = sorted[sorted.length - 1].a.timeMs - start;
  const tickMs = options.tickMs ?? Math.max(60_000, Math.ceil((span + 1) / options.horizon));
  const out: ReplayAlert[] = [];
  for (const { a } of sorted) {
    const tick = Math.floor((a.timeMs - start) / tickMs);
    if (tick < 0 || tick >= options.horizon) continue;
    out.push({
      tick,
      service: a.service,
      alertType: a.alertType,
      kind: a.kind,
      trueSeverity: a.trueSeverity,
      visibleSeverity: a.visibleSeverity,
      confidence: a.confidence,
      life: a.lifeMs === undefined ? 0 : Math.max(1, Math.ceil(a.lifeMs / tickMs)),
    });
  }
  return out;
}

/**
 * A world that plays `alerts`: services the stream names that the base world lacks are added
 * (no dependencies, never failing on their own, no synthetic noise). `replay` switches the
 * synthetic stream and cascades off; `mixed` keeps them. `count` (how many recorded alerts were
 * selected, play and were cut) is kept for the episode info.
 */
export function replayWorld(
  base: WorldConfig,
  alerts: readonly ReplayAlert[],
  source: Exclude<AlertStreamSource, "synthetic">,
  count?: ReplayCount,
): WorldConfig {
  const known = new Set(base.services.map((s) => s.name));
  const extra: ServiceSpec[] = [];
  for (const a of alerts) {
    if (known.has(a.service)) continue;
    known.add(a.service);
    extra.push({
      name: a.service,
      dependsOn: [],
      flakiness: 0,
      fragility: 0,
      types: [a.alertType],
      cascade: 0,
    });
  }
  const world: WorldConfig = {
    ...base,
    services: [...base.services, ...extra],
    replay: alerts.map((a) => ({ ...a, life: a.life || base.noiseTtl })),
    ...(count ? { replayCount: count } : {}),
  };
  if (source === "mixed") return world;
  return {
    ...world,
    incidentRate: 0,
    noiseRate: 0,
    transientRate: 0,
    symptomProb: 0,
    cascadeScale: 0,
  };
}
