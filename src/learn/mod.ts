/**
 * The learning door (`@alert-triage/alert-triage/learn`): train a slot policy with PPO on a
 * vectorised copy of the environment, evaluate it on held-out seeds, and save or load it as a
 * policy file. The pieces are here too for a custom loop: the feature encoder, the policy and its
 * MLPs, Adam, the PPO update, the rollout buffer and the grader-aligned reward shaping.
 *
 * @example
 * ```ts
 * import { getTask } from "../../mod.ts";
 * import { DEFAULT_TRAIN, train } from "./mod.ts";
 *
 * const task = getTask("easy");
 * const result = train({ ...DEFAULT_TRAIN, task, totalSteps: 64, numEnvs: 2, numSteps: 32 });
 * console.log(result.history.length, result.policy.spec);
 * ```
 *
 * @module
 */
export { TRAIN_SEED_LIMIT, VectorEnv, type VectorEnvOptions } from "./vector_env.ts";
export { BatchArrays, FeatureBatchArrays } from "./batch_arrays.ts";
export { type AutoresetMode, WorldBatch, type WorldBatchOptions } from "./world_batch.ts";
export {
  RemoteVectorEnv,
  type RemoteVectorOptions,
  type VectorOpened,
  VectorServerError,
} from "./remote_vector_env.ts";
export {
  decodeFrame,
  decodeStepRequest,
  encodeStepRequest,
  FinalObservations,
  FrameWriter,
  type ObsBlock,
  type StepArrays,
  VECTOR_MAGIC,
  VECTOR_PROTOCOL,
  type VectorFrame,
} from "./vector_wire.ts";
export {
  DEFAULT_TRAIN,
  train,
  type TrainConfig,
  type TrainResult,
  type UpdateReport,
} from "./trainer.ts";
export { EVAL_SEED_BASE, evaluatePolicy, heldOutSeeds } from "./evaluate_policy.ts";
export {
  type EncodingConfig,
  FeatureEncoder,
  fillFromObservation,
  GLOBAL_FEATURES,
  NUM_ACTIONS,
  RawQueue,
  SLOT_FEATURES,
} from "./features.ts";
export { DEFAULT_POLICY_SPEC, type PolicySpec, SlotPolicy } from "./policy.ts";
export { type Activation, Mlp, type MlpOptions } from "./mlp.ts";
export { Adam, type AdamOptions, clipGradNorm } from "./adam.ts";
export {
  DEFAULT_PPO,
  type LossSums,
  minibatchLoss,
  type PpoConfig,
  type PpoStats,
  ppoUpdate,
} from "./ppo_update.ts";
export { RolloutBuffer } from "./rollout.ts";
export { selectSlots, type SlotStats } from "./categorical.ts";
export { POLICY_FORMAT, type PolicyFile, policyFromFile, policyToFile } from "./policy_file.ts";
export { GraderShaping, type ShapingTable, shapingTable } from "./reward_shaping.ts";
export { Rng } from "../rng.ts";
