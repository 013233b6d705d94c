/**
 * The PPO training loop (CleanRL's `ppo.py` main loop): collect `numSteps` steps from
 * `numEnvs` vectorised environments with the sampling policy, route each attributed reward to
 * the decision on its alert (`credit.ts`), compute GAE (per alert and shared), run the update,
 * anneal the learning rate, report statistics. Seeded end to end with the project's {@link Rng}:
 * the same configuration gives the same weights.
 *
 * @example
 * ```ts
 * import { DEFAULT_TRAIN, train } from "./trainer.ts";
 * import { easy } from "../../tasks/easy.ts";
 * const { policy } = train({ ...DEFAULT_TRAIN, task: easy, totalSteps: 256, numEnvs: 4, numSteps: 32 });
 * console.log(policy.params.length);
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";
import type { Task } from "../../tasks/task.ts";
import { actBatch } from "./act.ts";
import { Adam } from "./adam.ts";
import { CreditTracker } from "./credit.ts";
import { GLOBAL_FEATURES, SLOT_FEATURES } from "./features.ts";
import { type PolicySpec, SlotPolicy } from "./policy.ts";
import { DEFAULT_PPO, type PpoConfig, type PpoStats, ppoUpdate } from "./ppo_update.ts";
import { RolloutBuffer } from "./rollout.ts";
import { VectorEnv } from "./vector_env.ts";

/** Everything a training run needs. */
export interface TrainConfig extends PpoConfig {
  /** The task to learn. */
  task: Task;
  /** Environment steps in total (over all environments). */
  totalSteps: number;
  /** Environments stepped together. */
  numEnvs: number;
  /** Steps per environment per rollout. */
  numSteps: number;
  /** Seed of the whole run (weights, sampling, shuffling, episode seeds < 1,000,000). */
  seed: number;
  /** Network shape overrides. */
  policy: Partial<PolicySpec>;
  /** Training reward (see `reward_shaping.ts`). */
  reward: "grader" | "env";
  /** Scale of the grader-aligned reward. */
  rewardScale: number;
  /** Multiplier on the environment's reward when `reward` is `env`. */
  envRewardScale: number;
  /** With `reward: "env"`, credit reward components to the decisions that could cause them. */
  componentCredit: boolean;
  /** Called on the freshly initialised policy before training (e.g. a behaviour-cloning warm start). */
  init?: (policy: SlotPolicy) => void;
  /** When the grader reward's terminal correction applies (see `VectorEnvOptions`). */
  correction: "always" | "termination" | "never";
}

/** Defaults (task and budget to be given). */
export const DEFAULT_TRAIN: Omit<TrainConfig, "task"> = {
  ...DEFAULT_PPO,
  totalSteps: 500_000,
  numEnvs: 16,
  numSteps: 64,
  seed: 1,
  policy: {},
  reward: "env",
  rewardScale: 10,
  envRewardScale: 0.02,
  componentCredit: false,
  correction: "termination",
};

/** What the loop reports after each update. */
export interface UpdateReport {
  /** Update number, from 1. */
  update: number;
  /** Updates planned. */
  updates: number;
  /** Environment steps so far. */
  globalStep: number;
  /** Wall time since the start, ms. */
  elapsedMs: number;
  /** Learning rate used. */
  lr: number;
  /** Episodes finished during this rollout. */
  episodes: number;
  /** Mean environment-reward return of those episodes (NaN if none). */
  meanReturn: number;
  /** Mean grader score of those episodes (NaN if none). */
  meanScore: number;
  /** Mean length of those episodes (NaN if none). */
  meanLength: number;
  /** The update's statistics. */
  stats: PpoStats;
}

/** The result of {@link train}. */
export interface TrainResult {
  /** The trained policy. */
  policy: SlotPolicy;
  /** One report per update. */
  history: UpdateReport[];
  /** Wall time, ms. */
  elapsedMs: number;
}

/** Trains a policy with PPO; `onUpdate` is called after every update. */
export function train(config: TrainConfig, onUpdate?: (r: UpdateReport) => void): TrainResult {
  const t0 = performance.now();
  const root = new Rng(config.seed);
  const vec = new VectorEnv({
    task: config.task,
    numEnvs: config.numEnvs,
    seed: root.uint32(),
    reward: config.reward,
    rewardScale: config.rewardScale,
    envRewardScale: config.envRewardScale,
    componentCredit: config.componentCredit,
    correction: config.correction,
  });
  const policy = new SlotPolicy({ ...config.policy, slots: vec.slots });
  policy.init(new Rng(root.uint32()));
  config.init?.(policy);
  const sampleRng = new Rng(root.uint32());
  const shuffleRng = new Rng(root.uint32());
  const adam = new Adam(policy.params.length, { lr: config.learningRate, eps: 1e-5 });
  const N = config.numEnvs, T = config.numSteps, S = vec.slots;
  const buf = new RolloutBuffer(T, N, S);
  const updates = Math.max(1, Math.floor(config.totalSteps / (N * T)));
  const lastValues = new Float64Array(N);
  const lastSlotValues = new Float64Array(N * S);
  const credit = new CreditTracker(buf, vec.worlds[0].alertCapacity, config.gamma);
  const history: UpdateReport[] = [];
  let globalStep = 0;
  vec.reset();
  for (let update = 1; update <= updates; update++) {
    const frac = config.annealLr ? 1 - (update - 1) / updates : 1;
    adam.lr = frac * config.learningRate;
    let episodes = 0, retSum = 0, scoreSum = 0, lenSum = 0;
    credit.startRollout();
    for (let t = 0; t < T; t++) {
      const s0 = t * N;
      buf.slotObs.set(vec.slotObs, s0 * S * SLOT_FEATURES);
      buf.globalObs.set(vec.globalObs, s0 * GLOBAL_FEATURES);
      buf.valid.set(vec.slotValid, s0 * S);
      credit.record(t, vec.slotAlert, vec.slotValid);
      actBatch(
        policy,
        vec.slotObs,
        vec.globalObs,
        vec.slotValid,
        vec.budget,
        N,
        sampleRng,
        buf.actions,
        s0 * S,
        buf.allowed,
        s0 * S,
        buf.slotLogp,
      );
      const values = policy.criticForward(N);
      for (let e = 0; e < N; e++) buf.values[s0 + e] = values[e];
      scatterSlotValues(policy, buf.slotValues, s0 * S, S);
      for (let k = 0; k < N * S; k++) vec.actions[k] = buf.actions[s0 * S + k];
      vec.step();
      globalStep += N;
      credit.credit(t, vec);
      for (let e = 0; e < N; e++) {
        if (!vec.episodeDone[e]) continue;
        episodes++;
        retSum += vec.episodeReturn[e];
        scoreSum += vec.episodeScore[e];
        lenSum += vec.episodeLength[e];
      }
    }
    credit.finish(vec.slotAlert, vec.slotValid);
    policy.gather(vec.slotObs, vec.globalObs, vec.slotValid, null, N);
    lastValues.set(policy.criticForward(N).subarray(0, N));
    scatterSlotValues(policy, lastSlotValues, 0, S);
    buf.computeGae(lastValues, lastSlotValues, config.gamma, config.gaeLambda);
    const stats = ppoUpdate(policy, adam, buf, config, shuffleRng);
    const report: UpdateReport = {
      update,
      updates,
      globalStep,
      elapsedMs: performance.now() - t0,
      lr: adam.lr,
      episodes,
      meanReturn: episodes ? retSum / episodes : NaN,
      meanScore: episodes ? scoreSum / episodes : NaN,
      meanLength: episodes ? lenSum / episodes : NaN,
      stats,
    };
    history.push(report);
    onUpdate?.(report);
  }
  return { policy, history, elapsedMs: performance.now() - t0 };
}

/** Copies the per-slot values of the last critic forward (packed rows) to padded slots. */
function scatterSlotValues(policy: SlotPolicy, out: Float64Array, off: number, S: number): void {
  const v = policy.slotValues;
  for (let r = 0; r < policy.packedRows; r++) {
    out[off + policy.rowSample[r] * S + policy.rowSlot[r]] = v[r];
  }
}
