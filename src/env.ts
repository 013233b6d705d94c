/**
 * The environment contract, with Gymnasium semantics: `reset({seed, options})`,
 * `step(action)`, `state()`, `close()`. Decisions are validated here, at the edge; a rejected
 * action throws {@link InvalidActionError} and leaves the episode exactly as it was.
 *
 * @example
 * ```ts
 * import { AlertTriageEnv } from "./env.ts";
 * import { DEFAULT_WORLD } from "./sim/world_config.ts";
 * const env = new AlertTriageEnv({ world: DEFAULT_WORLD });
 * const { observation } = env.reset({ seed: 42 });
 * const first = observation.alerts[0];
 * const result = env.step({ alert_id: first.id, action_type: "INVESTIGATE" });
 * console.log(result.reward.value, result.terminated, result.truncated);
 * ```
 *
 * @module
 */
import { encodeAction, encodeCodes } from "./action_codec.ts";
import { EpisodeNotRunningError } from "./errors.ts";
import {
  type Action,
  type Alert,
  ALERT_TYPES,
  type Observation,
  type Reward,
  REWARD_COMPONENTS,
  type RewardComponent,
  type State,
} from "./models.ts";
import { assertSeed, Rng } from "./rng.ts";
import type { ReplayCount, WorldConfig } from "./sim/world_config.ts";
import { round4 } from "./numbers.ts";
import { alertId, readTruth } from "./sim/truth.ts";
import { REWARD_WEIGHTS, World } from "./sim/world.ts";

/** Options of {@link AlertTriageEnv}'s constructor. */
export interface EnvOptions {
  /** The world to simulate (a task's configuration). */
  world: WorldConfig;
  /** Task identifier reported in `state()` (default `custom`). */
  taskId?: string;
}

/** Options of {@link AlertTriageEnv.reset}. */
export interface ResetOptions {
  /** Seed of the episode; omitted, the next seed is drawn from the previous seed's stream. */
  seed?: number;
  /** Extra options: `episode_id` names the episode. */
  options?: { episode_id?: string } & Record<string, unknown>;
}

/** Diagnostics returned with every reset and step. */
export interface StepInfo {
  /** Reward contributed by each component this step. */
  reward_components: Record<RewardComponent, number>;
  /**
   * Accumulated damage, reported only on the step that ends the episode (while it runs, damage
   * is part of the hidden truth; `system_load` reflects it).
   */
  damage?: number;
  /** Damage at which the episode terminates. */
  failure_threshold: number;
  /** System failures of the episode, reported only on the step that ends it. */
  failures?: number;
  /** Seed of the episode. */
  seed: number;
  /** Per-alert masks of allowed decisions, in observation order (1 = allowed; INVESTIGATE,
   * IGNORE, ESCALATE, DELAY). INVESTIGATE is allowed on every alert; at most
   * `investigation_budget` of them may be chosen. Rows are shared and frozen: copy to modify. */
  action_mask: readonly (readonly number[])[];
  /** Episode statistics, present on the step that ends the episode (Gymnasium's
   * RecordEpisodeStatistics: return and length). */
  episode?: { r: number; l: number };
  /** Replay and mixed episodes: recorded alerts selected, played, and cut by the horizon. */
  replay?: ReplayCount;
}

/** What {@link AlertTriageEnv.reset} returns. */
export interface ResetResult {
  /** The first observation. */
  observation: Observation;
  /** Diagnostics. */
  info: StepInfo;
}

/** What {@link AlertTriageEnv.step} returns. */
export interface StepResult {
  /** The observation after the tick. */
  observation: Observation;
  /** The reward of the tick with its breakdown. */
  reward: Reward;
  /** The MDP ended: damage passed the failure threshold. */
  terminated: boolean;
  /** The episode was cut at the horizon. */
  truncated: boolean;
  /** Diagnostics. */
  info: StepInfo;
}

const MASK_ALL: readonly number[] = Object.freeze([1, 1, 1, 1]);
const MASK_NO_INVESTIGATE: readonly number[] = Object.freeze([0, 1, 1, 1]);
/** Frozen action masks by queue length, with and without INVESTIGATE (built on first use). */
const MASKS: [(readonly (readonly number[])[])[], (readonly (readonly number[])[])[]] = [[], []];

function maskRows(queueLength: number, investigate: boolean): readonly (readonly number[])[] {
  const byLength = MASKS[investigate ? 1 : 0];
  return byLength[queueLength] ??= Object.freeze(
    new Array(queueLength).fill(investigate ? MASK_ALL : MASK_NO_INVESTIGATE),
  );
}

const [W0, W1, W2, W3, W4, W5, W6] = REWARD_WEIGHTS;

/** The per-component reward of a step, keys in REWARD_COMPONENTS order (`|| 0`: no -0). */
function rewardComponents(c: Int32Array): Record<RewardComponent, number> {
  return {
    critical_resolved: c[0] * W0 || 0,
    cascade_prevented: c[1] * W1 || 0,
    false_positive_ignored: c[2] * W2 || 0,
    unnecessary_investigation: c[3] * W3 || 0,
    wasted_escalation: c[4] * W4 || 0,
    critical_missed: c[5] * W5 || 0,
    system_failure: c[6] * W6 || 0,
  };
}

// The literal list above must follow REWARD_COMPONENTS (checked at load).
if (
  Object.keys(rewardComponents(new Int32Array(REWARD_COMPONENTS.length))).join() !==
    REWARD_COMPONENTS.join()
) throw new Error("env.ts: reward components out of order");

/**
 * The alert-triage environment. Holds one episode at a time; reuse it across episodes.
 *
 * @example
 * ```ts
 * import { AlertTriageEnv } from "./env.ts";
 * import { DEFAULT_WORLD } from "./sim/world_config.ts";
 * const env = new AlertTriageEnv({ world: DEFAULT_WORLD, taskId: "demo" });
 * env.reset({ seed: 1 });
 * let done = false;
 * while (!done) {
 *   const r = env.step({ decisions: [] }); // delay everything
 *   done = r.terminated || r.truncated;
 * }
 * console.log(env.state().truth?.failures);
 * ```
 */
export class AlertTriageEnv {
  /** Gymnasium-style metadata. */
  readonly metadata: { render_modes: string[]; nondeterministic: boolean } = {
    render_modes: ["ansi"],
    nondeterministic: false,
  };
  /** The simulated world (read-only use: vectorised wrappers read its typed arrays). */
  readonly world: World;
  /** Task identifier. */
  readonly taskId: string;
  #seeder: Rng | null = null;
  #seed: number | null = null;
  #episodeId: string | null = null;
  #steps = 0;
  #return = 0;
  #running = false;
  #closed = false;
  readonly #codes: Int8Array;
  /** Service name of each service index. */
  readonly #serviceNames: readonly string[];
  /** Queue position of each queued alert (valid for alerts in `world.queue`; see `encodeAction`). */
  readonly #position: Int32Array;

  /** Builds the environment for a world configuration. */
  constructor(options: EnvOptions) {
    this.world = new World(options.world);
    this.taskId = options.taskId ?? "custom";
    this.#codes = new Int8Array(options.world.maxQueue);
    this.#serviceNames = options.world.services.map((s) => s.name);
    const cap = this.world.alertCapacity;
    this.#position = new Int32Array(cap);
  }

  /** Starts a new episode and returns its first observation. */
  reset(options: ResetOptions = {}): ResetResult {
    const { seed, options: extra } = options;
    if (seed !== undefined && seed !== null) {
      assertSeed(seed);
      this.#seeder = new Rng(seed);
      this.#seed = seed;
    } else {
      this.#seeder ??= new Rng(crypto.getRandomValues(new Uint32Array(1))[0]);
      this.#seed = this.#seeder.uint32();
    }
    // The first episode after reset(seed) plays `seed` itself, so a seed names an episode.
    if (seed === undefined || seed === null) this.world.reset(this.#seed);
    else this.world.reset(seed);
    this.#episodeId = typeof extra?.episode_id === "string"
      ? extra.episode_id
      : `${this.taskId}-${this.#seed}-${crypto.randomUUID().slice(0, 8)}`;
    this.#steps = 0;
    this.#return = 0;
    this.#running = true;
    this.#closed = false;
    return { observation: this.observation(), info: this.#info() };
  }

  /**
   * Applies one tick of decisions. Alerts without a decision are delayed.
   * Throws {@link InvalidActionError} (episode unchanged) for an unknown or already-handled
   * alert id, two decisions for one alert, more INVESTIGATE decisions than the budget, or a
   * malformed action; throws {@link EpisodeNotRunningError} before reset or after the end.
   */
  step(action: Action): StepResult {
    this.#assertRunning();
    encodeAction(action, this.world, this.#codes, this.#position);
    return this.#advance();
  }

  /**
   * Applies one tick of decisions given as codes (0..3 in ACTION_TYPES order), one per queued
   * alert in observation order. Validated like {@link AlertTriageEnv.step}; for trainers and
   * benchmarks that already hold decisions as numbers.
   */
  stepCodes(codes: ArrayLike<number>): StepResult {
    this.#assertRunning();
    encodeCodes(codes, this.world, this.#codes);
    return this.#advance();
  }

  /**
   * The lean path for trainers and benchmarks: validates `codes` like
   * {@link AlertTriageEnv.stepCodes}, advances the world and returns only the reward. Read the
   * rest from {@link AlertTriageEnv.world} (`terminated`, `truncated`, `queue`, ...) or call
   * {@link AlertTriageEnv.observation} when needed. Builds no objects.
   */
  stepFast(codes: ArrayLike<number>): number {
    this.#assertRunning();
    encodeCodes(codes, this.world, this.#codes);
    const w = this.world;
    w.step(this.#codes);
    this.#steps++;
    const value = w.lastReward();
    this.#return += value;
    if (w.terminated || w.truncated) this.#running = false;
    return value;
  }

  /** The current observation (what the agent sees). */
  observation(): Observation {
    const w = this.world;
    const n = w.queueLength;
    const queue = w.queue;
    const names = this.#serviceNames;
    const tick = w.tick;
    const alerts: Alert[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const a = queue[i];
      alerts[i] = {
        id: alertId(a),
        visible_severity: round4(w.aVisSev[a]),
        confidence: round4(w.aConf[a]),
        alert_type: ALERT_TYPES[w.aType[a]],
        service: names[w.aService[a]],
        age: tick - w.aArrived[a],
      };
    }
    return {
      alerts,
      system_load: round4(w.load),
      queue_length: w.queueLength,
      time_remaining: Math.max(0, w.config.horizon - w.tick),
      investigation_budget: w.budget,
      escalations_pending: w.escalationCount,
      tick: w.tick,
    };
  }

  /** Episode id, step count, task, seed and the hidden truth. */
  state(): State {
    return {
      episode_id: this.#episodeId,
      step_count: this.#steps,
      task_id: this.taskId,
      seed: this.#seed,
      done: this.#episodeId !== null && !this.#running,
      total_reward: this.#return,
      truth: this.#episodeId === null ? null : readTruth(this.world),
    };
  }

  /** State of the seed stream and the world's generator (equal after equal resets). */
  rngState(): number[] {
    return [...(this.#seeder?.getState() ?? []), ...this.world.rngState()];
  }

  /** A plain-text rendering of the current observation (Gymnasium render mode `ansi`). */
  render(): string {
    const o = this.observation();
    const head = `tick ${o.tick}/${this.world.config.horizon}  load ${o.system_load.toFixed(2)}  ` +
      `budget ${o.investigation_budget}  queue ${o.queue_length}  escalations ${o.escalations_pending}`;
    const rows = o.alerts.map((a) =>
      `${a.id.padEnd(6)}${a.alert_type.padEnd(12)}${a.service.padEnd(15)}` +
      `sev ${a.visible_severity.toFixed(2)}  conf ${a.confidence.toFixed(2)}  age ${a.age}`
    );
    return [head, ...rows].join("\n");
  }

  /** Ends the episode and releases nothing else; idempotent. */
  close(): void {
    this.#running = false;
    this.#closed = true;
  }

  #assertRunning(): void {
    if (this.#running) return;
    throw new EpisodeNotRunningError(
      this.#closed
        ? "The environment is closed; call reset() to start a new episode"
        : this.#episodeId === null
        ? "No episode is running; call reset() first"
        : "The episode has ended; call reset() to start a new one",
    );
  }

  #advance(): StepResult {
    const w = this.world;
    w.step(this.#codes);
    this.#steps++;
    const value = w.lastReward();
    this.#return += value;
    const terminated = w.terminated;
    const truncated = w.truncated;
    if (terminated || truncated) this.#running = false;
    const info = this.#info();
    if (terminated || truncated) info.episode = { r: this.#return, l: this.#steps };
    return {
      observation: this.observation(),
      reward: { value, components: info.reward_components },
      terminated,
      truncated,
      info,
    };
  }

  #info(): StepInfo {
    const w = this.world;
    const info: StepInfo = {
      reward_components: rewardComponents(w.rewardCounts),
      failure_threshold: w.config.failureThreshold,
      seed: this.#seed ?? 0,
      action_mask: maskRows(w.queueLength, w.budget > 0),
    };
    if (w.config.replayCount) info.replay = w.config.replayCount;
    if (w.terminated || w.truncated) {
      info.damage = round4(w.damage);
      info.failures = w.failures;
    }
    return info;
  }
}
