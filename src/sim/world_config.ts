/**
 * The knobs of the hidden world. A task is a {@link WorldConfig} plus a grader.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORLD } from "./world_config.ts";
 * const world = { ...DEFAULT_WORLD, horizon: 20, k: 2 };
 * ```
 *
 * @module
 */
import type { AlertKind, AlertType } from "../models.ts";
import type { ServiceSpec } from "./services.ts";
import { SERVICE_CATALOG } from "./services.ts";

/** Configuration of the simulated estate, its alert stream and its failure mechanics. */
export interface WorldConfig {
  /** Ticks before the episode is truncated (20-50). */
  readonly horizon: number;
  /** INVESTIGATE decisions allowed per tick. */
  readonly k: number;
  /** Specialists working escalations in parallel. */
  readonly specialists: number;
  /** Ticks a specialist needs to resolve one escalation. */
  readonly escalationTicks: number;
  /** The services of the estate and their dependency graph. */
  readonly services: readonly ServiceSpec[];
  /** Expected new (independent) incidents per tick. */
  readonly incidentRate: number;
  /** Expected noise alerts (false positives) per tick outside bursts. */
  readonly noiseRate: number;
  /** Expected transient alerts (real, self-resolving) per tick. */
  readonly transientRate: number;
  /** Per-tick probability that a noise burst starts. */
  readonly burstStart: number;
  /** Per-tick probability that a running burst ends. */
  readonly burstEnd: number;
  /** Noise-rate multiplier during a burst. */
  readonly burstMultiplier: number;
  /** Per-tick probability that an active incident raises a symptom alert on each dependent. */
  readonly symptomProb: number;
  /** Standard deviation of the noise added to visible severity. */
  readonly severityNoise: number;
  /** Standard deviation of the noise added to confidence. */
  readonly confidenceNoise: number;
  /** How much a root-cause alert understates its severity (0 = faithful, 1 = very mild). */
  readonly rootMildness: number;
  /** How much symptom alerts overstate severity. */
  readonly symptomLoudness: number;
  /** How loud noise looks on flaky services (scaled by flakiness). */
  readonly noiseLoudness: number;
  /** Confidence bias per alert type, in ALERT_TYPES order (monitors are calibrated differently). */
  readonly confidenceBias: readonly number[];
  /** Multiplier on every service's cascade probability (0 disables cascades). */
  readonly cascadeScale: number;
  /** Ticks an incident can stay unhandled at zero load before the service fails. */
  readonly failAfter: number;
  /** How much full load shortens failAfter (0..1). */
  readonly loadSensitivity: number;
  /** Damage per tick of an unhandled incident, times its true severity. */
  readonly damagePerTick: number;
  /** Damage added by each system failure. */
  readonly failureDamage: number;
  /** Damage at which the episode terminates. */
  readonly failureThreshold: number;
  /** Ticks before an undecided noise or symptom alert expires from the queue. */
  readonly noiseTtl: number;
  /** Shortest and longest life of a transient alert, in ticks. */
  readonly transientLife: readonly [number, number];
  /** Queue capacity; alerts arriving at a full queue are dropped. */
  readonly maxQueue: number;
  /**
   * Real alerts replayed into the episode, sorted by tick (see `replay_world.ts`). They arrive on top
   * of the synthetic stream; a replay-only world sets the synthetic rates to 0.
   */
  readonly replay?: readonly ReplayAlert[];
  /** How many recorded alerts a replay world was given, plays, and cut (see {@link ReplayCount}). */
  readonly replayCount?: ReplayCount;
}

/**
 * The recorded alerts of a replay or mixed episode: how many were selected, how many play, and
 * how many the horizon cut (they fell after the last tick). Reported in the episode info.
 */
export interface ReplayCount {
  /** Recorded alerts selected for the episode. */
  readonly recorded: number;
  /** Of those, placed on a tick of the episode. */
  readonly played: number;
  /** Of those, left out because they fall past the horizon (`recorded - played`). */
  readonly cut: number;
}

/** A real alert placed on the episode's clock, with the hidden truth derived for it. */
export interface ReplayAlert {
  /** Tick at which it arrives. */
  readonly tick: number;
  /** Service it fires on (must be one of the world's services). */
  readonly service: string;
  /** Alert category. */
  readonly alertType: AlertType;
  /** Hidden class: `critical` starts an incident (or joins the service's running one as a
   * symptom), `noise` and `transient` behave as their synthetic kin. */
  readonly kind: Exclude<AlertKind, "symptom">;
  /** Hidden true severity, 0..1. */
  readonly trueSeverity: number;
  /** Severity shown to the agent, 0..1. */
  readonly visibleSeverity: number;
  /** Confidence shown to the agent, 0..1. */
  readonly confidence: number;
  /** Ticks before a noise alert expires or a transient heals (ignored for critical). */
  readonly life: number;
}

/** A mid-difficulty world over the full catalogue; tasks override what they need. */
export const DEFAULT_WORLD: WorldConfig = {
  horizon: 40,
  k: 2,
  specialists: 1,
  escalationTicks: 2,
  services: SERVICE_CATALOG,
  incidentRate: 0.35,
  noiseRate: 2.5,
  transientRate: 0.8,
  burstStart: 0.08,
  burstEnd: 0.35,
  burstMultiplier: 2.5,
  symptomProb: 0.35,
  severityNoise: 0.1,
  confidenceNoise: 0.1,
  rootMildness: 0.3,
  symptomLoudness: 0.25,
  noiseLoudness: 0.25,
  confidenceBias: [0, 0, 0.1, 0, 0, -0.15],
  cascadeScale: 1,
  failAfter: 5,
  loadSensitivity: 0.5,
  damagePerTick: 1,
  failureDamage: 10,
  failureThreshold: 60,
  noiseTtl: 4,
  transientLife: [1, 3],
  maxQueue: 32,
};

/** Most alerts that can arrive in one tick (arrivals beyond are not drawn). */
export const MAX_ARRIVALS_PER_TICK = 24;
