/**
 * The saved form of a trained policy: a small JSON file with the network shape, the encoding
 * the policy was trained with (the task's services and their dependencies, K, horizon, queue
 * capacity, so an agent can encode observations without the task registry), the actor's
 * parameters as base64 little-endian float32, and free-form training metadata. The critic is
 * not saved: acting needs only the actor.
 *
 * @example
 * ```ts
 * import { policyFromFile, policyToFile } from "./policy_file.ts";
 * import { SlotPolicy } from "./policy.ts";
 * import { easy } from "../../tasks/easy.ts";
 * import { Rng } from "../rng.ts";
 * const policy = new SlotPolicy();
 * policy.init(new Rng(0));
 * const file = policyToFile(policy, "easy", easy.world, { seed: 0 });
 * const { policy: copy, encoding } = policyFromFile(JSON.parse(JSON.stringify(file)));
 * console.log(copy.actorSize, encoding.k);
 * ```
 *
 * @module
 */
import type { EncodingConfig } from "./features.ts";
import { type PolicySpec, SlotPolicy } from "./policy.ts";

/** Format tag of policy files. */
export const POLICY_FORMAT = "alert-triage-ppo-policy";

/** A policy file's JSON. */
export interface PolicyFile {
  /** Always {@link POLICY_FORMAT}. */
  format: typeof POLICY_FORMAT;
  /** Format version (1). */
  version: 1;
  /** Task the policy was trained on. */
  task: string;
  /** Network shape. */
  spec: PolicySpec;
  /** The encoding the policy expects. */
  encoding: {
    services: { name: string; dependsOn: string[] }[];
    k: number;
    horizon: number;
    maxQueue: number;
  };
  /** Actor parameters: base64 of little-endian float32. */
  actor: string;
  /** How the policy was trained (seed, steps, wall time, scores, ...). */
  training: Record<string, unknown>;
}

/** Serialises the actor of `policy` with the encoding of `world`. */
export function policyToFile(
  policy: SlotPolicy,
  task: string,
  world: EncodingConfig,
  training: Record<string, unknown> = {},
): PolicyFile {
  const n = policy.actorSize;
  const bytes = new Uint8Array(n * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) view.setFloat32(i * 4, policy.params[i], true);
  return {
    format: POLICY_FORMAT,
    version: 1,
    task,
    spec: structuredClone(policy.spec),
    encoding: {
      services: world.services.map((s) => ({ name: s.name, dependsOn: [...s.dependsOn] })),
      k: world.k,
      horizon: world.horizon,
      maxQueue: world.maxQueue,
    },
    actor: toBase64(bytes),
    training,
  };
}

/** Rebuilds the policy (actor only; the critic stays zero) and its encoding from a file. */
export function policyFromFile(file: PolicyFile): { policy: SlotPolicy; encoding: EncodingConfig } {
  if (file?.format !== POLICY_FORMAT || file.version !== 1) {
    throw new Error(`not an alert-triage PPO policy file (format ${JSON.stringify(file?.format)})`);
  }
  const policy = new SlotPolicy(file.spec);
  const bytes = fromBase64(file.actor);
  if (bytes.length !== policy.actorSize * 4) {
    throw new Error(
      `policy file holds ${bytes.length / 4} actor parameters, the spec needs ${policy.actorSize}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < policy.actorSize; i++) policy.params[i] = view.getFloat32(i * 4, true);
  return { policy, encoding: file.encoding };
}

/** Rounds the actor's parameters to float32 in place (what saving and loading does). */
export function roundActorToFloat32(policy: SlotPolicy): void {
  for (let i = 0; i < policy.actorSize; i++) policy.params[i] = Math.fround(policy.params[i]);
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
