/**
 * A batch of N worlds of one task stepped together, with observations encoded into
 * preallocated typed arrays (see `features.ts`): `slots` alert slots per environment (the
 * task's queue capacity, 32, so no queued alert is ever cut off), a slot-validity mask,
 * per-slot action masks, and global context. Stepping allocates nothing: write decision codes
 * into {@link VectorEnv.actions} and call {@link VectorEnv.step}.
 *
 * **Autoreset: Gymnasium `SameStep`** (declared in `metadata.autoreset_mode`). When an
 * environment's episode ends inside `step()`, it is reset in that same call: the returned
 * observation is the first one of the new episode, `rewards`/`terminations`/`truncations` are
 * those of the ending step, the ended episode's last observation is copied to the `final*`
 * arrays, and its statistics (return, length, seed and the task grader's score, computed from
 * the hidden truth by `episodeScorer`: the v1 graders' arithmetic on the world's arrays, else
 * `readTruth` + `task.grade`) are in the `episode*` arrays with
 * `episodeDone[i] = 1` until the next step. Every call's action is applied; none is dropped.
 *
 * Decisions: `actions[i * slots + j]` is the code (0..3, ACTION_TYPES order) for slot `j` of
 * environment `i`; codes for invalid slots are ignored. At most `budget[i]` INVESTIGATE are
 * honoured per environment (the world turns extra ones, in queue order, into DELAY); the
 * policies respect this with sequential masking.
 *
 * Rewards: `envRewards` is the environment's reward; `rewards` is the training reward, which is
 * the environment's reward (`reward: "env"`) or the grader-aligned shaping of
 * `reward_shaping.ts` (`reward: "grader"`, the default), whose episode return approximates
 * `rewardScale x` the grader score (exactly, with `correction: "always"`).
 *
 * @example
 * ```ts
 * import { VectorEnv } from "./vector_env.ts";
 * import { easy } from "../../tasks/easy.ts";
 * const vec = new VectorEnv({ task: easy, numEnvs: 4, seed: 0 });
 * vec.reset();
 * vec.actions.fill(1); // ignore everything
 * vec.step();
 * console.log(vec.metadata.autoreset_mode, vec.rewards[0], vec.slotValid.length);
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { episodeScorer } from "./episode_score.ts";
import { World } from "../sim/world.ts";
import type { Task } from "../../tasks/task.ts";
import { round4 } from "../numbers.ts";
import { FeatureBatchArrays } from "./batch_arrays.ts";
import { FeatureEncoder, GLOBAL_FEATURES, NUM_ACTIONS, SLOT_FEATURES } from "./features.ts";
import { GraderShaping, shapingTable } from "./reward_shaping.ts";
import { ComponentCredit } from "./component_credit.ts";
import type { AutoresetMode } from "./world_batch.ts";

/** Exclusive upper bound of training episode seeds (evaluation uses seeds from 10,000,000). */
export const TRAIN_SEED_LIMIT = 1_000_000;

/** Options of {@link VectorEnv}. */
export interface VectorEnvOptions {
  /** The task played by every environment. */
  task: Task;
  /** Number of environments. */
  numEnvs: number;
  /** Seed of the stream of episode seeds (default 0). */
  seed?: number;
  /** Episode seeds are drawn uniformly from [0, seedLimit) (default {@link TRAIN_SEED_LIMIT}). */
  seedLimit?: number;
  /** Overrides the seed stream: the seed of the next episode of environment `env`. */
  nextSeed?: (env: number) => number;
  /** Training reward: `grader` (default) or `env`. */
  reward?: "grader" | "env";
  /** Multiplier of the grader-aligned reward (default 10). */
  rewardScale?: number;
  /**
   * Multiplier on the environment's reward when training on it (default 1). Scaling is not
   * shaping: it keeps returns in the range a critic fits well and reads nothing hidden.
   */
  envRewardScale?: number;
  /**
   * With the environment's reward, share each reward component among the alerts whose decision
   * this step could have caused it (`component_credit.ts`; public information only). Default false.
   */
  componentCredit?: boolean;
  /**
   * When the grader reward adds its terminal correction (`scale x score - shaped return`):
   * at every episode end (`always`, the return is exactly `scale x score`), only when the
   * episode terminates (`termination`, the default: the survival factor is charged, while
   * ordinary episodes keep the low-variance dense return), or `never`.
   */
  correction?: "always" | "termination" | "never";
  /** Grade finished episodes (default true; needed for the `grader` reward). */
  grade?: boolean;
  /**
   * Autoreset mode (default `SameStep`). `NextStep` (Gymnasium's default): the ending step
   * returns the episode's last observation and the next `step` resets that environment,
   * ignoring its action (rewards 0, flags 0); the `final*` arrays are not written.
   */
  autoreset?: AutoresetMode;
}

/** N worlds of one task behind typed-array observations, actions and rewards. */
export class VectorEnv extends FeatureBatchArrays {
  /** Gymnasium-style metadata: the autoreset mode (`SameStep` unless asked otherwise). */
  readonly metadata: { autoreset_mode: AutoresetMode; render_modes: string[] };
  /** The task. */
  readonly task: Task;
  /** The worlds (read-only use). */
  readonly worlds: World[];
  /** World alert index in each slot (-1 when empty), `numEnvs x slots`. */
  readonly slotAlert: Int32Array;
  /** Room for attributed events per environment and step. */
  readonly eventCapacity: number;
  /**
   * Attributed reward events of the last step (grader reward only): `eventCount[i]` events
   * for environment `i` at `i * eventCapacity`, each the world alert index that caused it and
   * its share of `rewards[i]` (see `GraderShaping`). The rest of `rewards[i]` is shared.
   */
  readonly eventAlert: Int32Array;
  /** Reward of each attributed event. */
  readonly eventValue: Float64Array;
  /** Attributed events of the last step, per environment. */
  readonly eventCount: Int32Array;
  /** Decision codes to apply at the next step, `numEnvs x slots`. */
  readonly actions: Int8Array;
  /** Training-reward return of the episode that just ended. */
  readonly episodeTrainReturn: Float64Array;
  readonly #encoder: FeatureEncoder;
  readonly #shaping: GraderShaping[];
  readonly #envScale: number;
  /** Component credit per environment (env reward with `componentCredit` only). */
  readonly #credit: ComponentCredit[] | null;
  readonly #actionViews: Int8Array[];
  readonly #running: Float64Array;
  readonly #runningTrain: Float64Array;
  readonly #lengths: Int32Array;
  readonly #seeder: Rng;
  readonly #seedLimit: number;
  readonly #nextSeed?: (env: number) => number;
  readonly #useGrader: boolean;
  readonly #correction: "always" | "termination" | "never";
  readonly #grade: boolean;
  /** The task grader's score of a world whose episode just ended. */
  readonly #score: (world: World) => number;
  readonly #pendingReset: Uint8Array | null;

  /** Builds the worlds and every buffer. */
  constructor(options: VectorEnvOptions) {
    const n = options.numEnvs;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`numEnvs must be >= 1, got ${n}`);
    const cfg = options.task.world;
    super(n, cfg.maxQueue);
    const S = this.slots;
    const autoreset = options.autoreset ?? "SameStep";
    this.metadata = { autoreset_mode: autoreset, render_modes: [] };
    this.#pendingReset = autoreset === "NextStep" ? new Uint8Array(n) : null;
    this.task = options.task;
    this.worlds = Array.from({ length: n }, () => new World(cfg));
    this.slotAlert = new Int32Array(n * S).fill(-1);
    this.actions = new Int8Array(n * S);
    this.episodeTrainReturn = new Float64Array(n);
    this.#encoder = new FeatureEncoder(cfg, S);
    this.#useGrader = (options.reward ?? "grader") === "grader";
    this.#envScale = options.envRewardScale ?? 1;
    this.#credit = !this.#useGrader && options.componentCredit
      ? this.worlds.map((w) => new ComponentCredit(w.alertCapacity))
      : null;
    this.#correction = options.correction ?? "termination";
    this.#grade = options.grade ?? true;
    this.#score = episodeScorer(this.task);
    if (this.#useGrader && !this.#grade) {
      throw new RangeError("the grader reward needs grade: true");
    }
    const table = shapingTable(options.task);
    const scale = options.rewardScale ?? 10;
    this.#shaping = this.worlds.map((w) => new GraderShaping(w, table, scale));
    this.eventCapacity = this.#shaping[0].eventAlert.length;
    this.eventAlert = new Int32Array(n * this.eventCapacity);
    this.eventValue = new Float64Array(n * this.eventCapacity);
    this.eventCount = new Int32Array(n);
    this.#actionViews = this.worlds.map((_, i) => this.actions.subarray(i * S, (i + 1) * S));
    this.#running = new Float64Array(n);
    this.#runningTrain = new Float64Array(n);
    this.#lengths = new Int32Array(n);
    this.#seeder = new Rng(options.seed ?? 0);
    this.#seedLimit = options.seedLimit ?? TRAIN_SEED_LIMIT;
    this.#nextSeed = options.nextSeed;
  }

  /** Resets every environment (new seeds from the stream) and encodes the observations. */
  reset(): void {
    for (let i = 0; i < this.numEnvs; i++) this.#resetOne(i);
    this.episodeDone.fill(0);
    this.#pendingReset?.fill(0);
  }

  /** Applies {@link VectorEnv.actions} to every environment; autoresets finished ones. */
  step(): void {
    const S = this.slots;
    const pending = this.#pendingReset;
    for (let i = 0; i < this.numEnvs; i++) {
      if (pending !== null && pending[i]) {
        pending[i] = 0;
        this.#resetOne(i);
        this.rewards[i] = 0;
        this.envRewards[i] = 0;
        this.terminations[i] = 0;
        this.truncations[i] = 0;
        this.episodeDone[i] = 0;
        this.eventCount[i] = 0;
        continue;
      }
      const w = this.worlds[i];
      const shaping = this.#shaping[i];
      shaping.before();
      const credit = this.#credit?.[i];
      credit?.beforeStep(this.actions, this.slotAlert, i * S, S, w.escalationCount);
      w.step(this.#actionViews[i]);
      const envReward = w.lastReward();
      const shaped = shaping.after();
      let reward = this.#useGrader ? shaped : envReward * this.#envScale;
      if (credit) {
        this.eventCount[i] = credit.afterStep(
          w.rewardCounts,
          w.escalationCount,
          this.#envScale,
          this.eventAlert,
          this.eventValue,
          i * this.eventCapacity,
        );
      }
      if (this.#useGrader) {
        const c = shaping.eventCount, off = i * this.eventCapacity;
        for (let k = 0; k < c; k++) {
          this.eventAlert[off + k] = shaping.eventAlert[k];
          this.eventValue[off + k] = shaping.eventValue[k];
        }
        this.eventCount[i] = c;
      }
      this.#running[i] += envReward;
      this.#lengths[i]++;
      this.envRewards[i] = envReward;
      this.terminations[i] = w.terminated ? 1 : 0;
      this.truncations[i] = w.truncated ? 1 : 0;
      this.episodeDone[i] = 0;
      if (!w.terminated && !w.truncated) {
        this.rewards[i] = reward;
        this.#runningTrain[i] += reward;
        this.#encode(i);
        continue;
      }
      let score = NaN;
      if (this.#grade) score = this.#score(w);
      const correct = this.#correction === "always" ||
        (this.#correction === "termination" && w.terminated);
      if (this.#useGrader && correct) reward += shaping.scale * score - shaping.total;
      this.rewards[i] = reward;
      this.#runningTrain[i] += reward;
      this.episodeDone[i] = 1;
      this.episodeReturn[i] = this.#running[i];
      this.episodeTrainReturn[i] = this.#runningTrain[i];
      this.episodeLength[i] = this.#lengths[i];
      this.episodeScore[i] = score;
      this.episodeSeed[i] = this.seeds[i];
      if (pending !== null) {
        pending[i] = 1;
        this.#encode(i);
        continue;
      }
      this.#encodeInto(i, this.finalSlotObs, this.finalGlobalObs, this.finalSlotValid, S);
      this.#resetOne(i);
    }
  }

  #resetOne(i: number): void {
    this.#credit?.[i].reset();
    const seed = this.#nextSeed ? this.#nextSeed(i) : this.#seeder.int(this.#seedLimit);
    this.seeds[i] = seed;
    this.worlds[i].reset(seed);
    this.#shaping[i].begin();
    this.#running[i] = 0;
    this.#runningTrain[i] = 0;
    this.#lengths[i] = 0;
    this.#encode(i);
  }

  #encode(i: number): void {
    this.#encodeInto(i, this.slotObs, this.globalObs, this.slotValid, this.slots);
    const w = this.worlds[i];
    this.budget[i] = w.budget;
    const S = this.slots, n = Math.min(w.queueLength, S);
    for (let j = 0; j < S; j++) this.slotAlert[i * S + j] = j < n ? w.queue[j] : -1;
  }

  #encodeInto(
    i: number,
    slotOut: Float32Array,
    globalOut: Float32Array,
    validOut: Uint8Array,
    S: number,
  ): void {
    const w = this.worlds[i];
    const raw = this.#encoder.raw;
    const n = Math.min(w.queueLength, S);
    for (let j = 0; j < n; j++) {
      const a = w.queue[j];
      raw.severity[j] = round4(w.aVisSev[a]);
      raw.confidence[j] = round4(w.aConf[a]);
      raw.type[j] = w.aType[a];
      raw.service[j] = w.aService[a];
      raw.age[j] = w.tick - w.aArrived[a];
    }
    raw.length = n;
    raw.load = round4(w.load);
    raw.budget = w.budget;
    raw.timeRemaining = Math.max(0, w.config.horizon - w.tick);
    raw.escalations = w.escalationCount;
    raw.queueLength = w.queueLength;
    raw.tick = w.tick;
    const mask = validOut === this.slotValid ? this.actionMask : this.finalMask;
    this.#encoder.encode(
      slotOut,
      i * S * SLOT_FEATURES,
      globalOut,
      i * GLOBAL_FEATURES,
      validOut,
      i * S,
      mask,
      i * S * NUM_ACTIONS,
    );
  }
}
