/**
 * Behaviour cloning: fits a {@link SlotPolicy}'s actor to a teacher's decisions (cross-entropy
 * per alert slot) on training seeds, as a starting point for PPO. The teacher is any policy that
 * reads observations only (e.g. the fitted `linear` baseline), so the warm start reads nothing
 * hidden; PPO then improves on it with the environment's reward.
 *
 * @example
 * ```ts
 * import { imitate } from "./imitation.ts";
 * import { SlotPolicy } from "./policy.ts";
 * import { Rng } from "../rng.ts";
 * import { easy } from "../../tasks/easy.ts";
 * const policy = new SlotPolicy({ slots: easy.world.maxQueue });
 * policy.init(new Rng(1));
 * const teacher = { act: () => ({ decisions: [] }) }; // always DELAY
 * const fit = imitate(policy, easy, teacher, { episodes: 2, epochs: 1, seed: 1 });
 * console.log(fit.samples, fit.accuracy);
 * ```
 *
 * @module
 */
import { AlertTriageEnv } from "../env.ts";
import type { Action, Observation } from "../models.ts";
import { ACTION_TYPES } from "../models.ts";
import { Rng } from "../rng.ts";
import type { Task } from "../../tasks/task.ts";
import { Adam, clipGradNorm } from "./adam.ts";
import { maskedSlot, type SlotStats } from "./categorical.ts";
import {
  FeatureEncoder,
  fillFromObservation,
  GLOBAL_FEATURES,
  NUM_ACTIONS,
  SLOT_FEATURES,
} from "./features.ts";
import type { SlotPolicy } from "./policy.ts";

/** A policy to imitate: decides from the observation alone. */
export interface Teacher {
  /** The teacher's action for one observation. */
  act(observation: Observation): Action;
}

/** Options of {@link imitate}. */
export interface ImitationOptions {
  /** Teacher episodes to record (training seeds drawn from `seed`). */
  episodes: number;
  /** Passes over the recorded decisions. */
  epochs: number;
  /** Observations per minibatch (default 64). */
  batch?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Seed of the episode seeds and the shuffling. */
  seed: number;
}

/** What the cloning reached: decisions recorded and the final training accuracy. */
export interface ImitationResult {
  /** Observations recorded. */
  samples: number;
  /** Share of slot decisions the policy's most likely action matches, last epoch. */
  accuracy: number;
}

/** Fits `policy`'s actor to `teacher` on `task` (in place). */
export function imitate(
  policy: SlotPolicy,
  task: Task,
  teacher: Teacher,
  options: ImitationOptions,
): ImitationResult {
  const S = policy.spec.slots;
  const rng = new Rng(options.seed);
  const env = new AlertTriageEnv({ world: task.world, taskId: task.id });
  const encoder = new FeatureEncoder(task.world, S);
  const serviceIndex = new Map(task.world.services.map((s, i) => [s.name, i]));
  const position = new Int32Array(S);
  const mask = new Uint8Array(S * NUM_ACTIONS);
  const slotObs: Float32Array[] = [], globalObs: Float32Array[] = [];
  const valid: Uint8Array[] = [], actions: Int8Array[] = [];
  for (let e = 0; e < options.episodes; e++) {
    let observation = env.reset({ seed: rng.int(9_999_999) }).observation;
    for (;;) {
      const action = teacher.act(observation);
      const byId = new Map<string, number>();
      const list = "decisions" in action ? action.decisions : [action];
      for (const d of list) byId.set(d.alert_id, ACTION_TYPES.indexOf(d.action_type));
      const n = fillFromObservation(encoder.raw, observation, serviceIndex, position);
      const so = new Float32Array(S * SLOT_FEATURES), go = new Float32Array(GLOBAL_FEATURES);
      const va = new Uint8Array(S), ac = new Int8Array(S).fill(3);
      encoder.encode(so, 0, go, 0, va, 0, mask, 0);
      for (let i = 0; i < n; i++) ac[i] = byId.get(observation.alerts[position[i]].id) ?? 3;
      slotObs.push(so), globalObs.push(go), valid.push(va), actions.push(ac);
      const step = env.step(action);
      observation = step.observation;
      if (step.terminated || step.truncated) break;
    }
  }
  const m = slotObs.length;
  const allSlot = new Float32Array(m * S * SLOT_FEATURES),
    allGlobal = new Float32Array(m * GLOBAL_FEATURES);
  const allValid = new Uint8Array(m * S), allActions = new Int8Array(m * S);
  for (let k = 0; k < m; k++) {
    allSlot.set(slotObs[k], k * S * SLOT_FEATURES);
    allGlobal.set(globalObs[k], k * GLOBAL_FEATURES);
    allValid.set(valid[k], k * S);
    allActions.set(actions[k], k * S);
  }
  const adam = new Adam(policy.params.length, { lr: options.lr ?? 1e-3, eps: 1e-5 });
  const batch = options.batch ?? 64;
  const order = new Int32Array(m).map((_, i) => i);
  const stats: SlotStats = { logp: 0, entropy: 0 };
  let dz = new Float64Array(0);
  let correct = 0, total = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = m - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    correct = 0, total = 0;
    for (let b = 0; b < m; b += batch) {
      const mb = order.subarray(b, Math.min(m, b + batch));
      const rows = policy.gather(allSlot, allGlobal, allValid, mb, mb.length);
      if (rows === 0) continue;
      const logits = policy.actorForward(rows);
      if (dz.length < rows * NUM_ACTIONS) dz = new Float64Array(rows * NUM_ACTIONS * 2);
      dz.fill(0, 0, rows * NUM_ACTIONS);
      for (let r = 0; r < rows; r++) {
        const s = mb[policy.rowSample[r]], a = allActions[s * S + policy.rowSlot[r]];
        maskedSlot(logits, r * NUM_ACTIONS, 1, a, stats, dz, -1 / rows, 0);
        let best = 0;
        for (let c = 1; c < NUM_ACTIONS; c++) {
          if (logits[r * NUM_ACTIONS + c] > logits[r * NUM_ACTIONS + best]) best = c;
        }
        if (best === a) correct++;
        total++;
      }
      policy.grads.fill(0);
      policy.actorBackward(dz, rows);
      clipGradNorm(policy.grads, 0.5);
      adam.step(policy.params, policy.grads);
    }
  }
  return { samples: m, accuracy: total ? correct / total : 0 };
}
