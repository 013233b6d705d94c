/**
 * The trained PPO policy as an {@link Agent}: encodes the observation exactly as the vector
 * environment does (`src/learn/features.ts`), runs the shared per-slot actor, and picks the
 * masked argmax of every alert, visiting alerts in descending INVESTIGATE probability and
 * masking INVESTIGATE once the budget is used (deterministic; the same rule the trainer
 * samples with). Alerts on services the policy does not know, or beyond its slots, are delayed.
 *
 * Policies are trained with `deno task train` and committed as `policies/<task>.json`.
 *
 * @example
 * ```ts
 * import { loadPpoAgent } from "./ppo.ts";
 * import { makeEnv } from "../../tasks/registry.ts";
 * const agent = await loadPpoAgent("easy");
 * const env = makeEnv("easy");
 * const { observation } = env.reset({ seed: 10_000_000 });
 * env.step(await agent.act(observation, env));
 * ```
 *
 * @module
 */
import { type Action, ACTION_TYPES, type Decision, type Observation } from "../models.ts";
import { selectSlots } from "../learn/categorical.ts";
import {
  type EncodingConfig,
  FeatureEncoder,
  fillFromObservation,
  GLOBAL_FEATURES,
  NUM_ACTIONS,
  SLOT_FEATURES,
} from "../learn/features.ts";
import type { SlotPolicy } from "../learn/policy.ts";
import { type PolicyFile, policyFromFile } from "../learn/policy_file.ts";
import type { Agent } from "./agent.ts";
import { readUrlText } from "./read_url.ts";

/** Plays a trained {@link SlotPolicy} deterministically. */
export class PpoAgent implements Agent {
  /** Agent name. */
  readonly name: string = "ppo";
  /** The policy (only its actor is used). */
  readonly policy: SlotPolicy;
  readonly #encoder: FeatureEncoder;
  readonly #serviceIndex: ReadonlyMap<string, number>;
  readonly #slotObs: Float32Array;
  readonly #globalObs: Float32Array;
  readonly #valid: Uint8Array;
  readonly #mask: Uint8Array;
  readonly #actions: Int8Array;
  readonly #allowed: Uint8Array;
  readonly #order: Int32Array;
  readonly #position: Int32Array;

  /** Wraps a policy and the encoding it was trained with. */
  constructor(policy: SlotPolicy, encoding: EncodingConfig) {
    this.policy = policy;
    const S = policy.spec.slots;
    this.#encoder = new FeatureEncoder(encoding, S);
    this.#serviceIndex = new Map(encoding.services.map((s, i) => [s.name, i]));
    this.#slotObs = new Float32Array(S * SLOT_FEATURES);
    this.#globalObs = new Float32Array(GLOBAL_FEATURES);
    this.#valid = new Uint8Array(S);
    this.#mask = new Uint8Array(S * NUM_ACTIONS);
    this.#actions = new Int8Array(S);
    this.#allowed = new Uint8Array(S);
    this.#order = new Int32Array(S);
    this.#position = new Int32Array(S);
  }

  /** Builds the agent from a parsed policy file. */
  static fromFile(file: PolicyFile): PpoAgent {
    const { policy, encoding } = policyFromFile(file);
    return new PpoAgent(policy, encoding);
  }

  /** One decision per encodable alert: the policy's masked argmax. */
  act(observation: Observation): Action {
    const n = fillFromObservation(
      this.#encoder.raw,
      observation,
      this.#serviceIndex,
      this.#position,
    );
    this.#encoder.encode(this.#slotObs, 0, this.#globalObs, 0, this.#valid, 0, this.#mask, 0);
    const rows = this.policy.gather(this.#slotObs, this.#globalObs, this.#valid, null, 1);
    const logits = this.policy.actorForward(rows);
    selectSlots(
      logits,
      0,
      rows,
      observation.investigation_budget,
      null,
      this.#actions,
      0,
      this.#allowed,
      0,
      this.#order,
    );
    const decisions: Decision[] = [];
    for (let i = 0; i < n; i++) {
      decisions.push({
        alert_id: observation.alerts[this.#position[i]].id,
        action_type: ACTION_TYPES[this.#actions[i]],
      });
    }
    return { decisions };
  }
}

/**
 * Loads `<taskId>.json` from `dir` (a directory URL or path; by default the repository's
 * `policies/`) and returns the agent. Throws if there is no policy for the task.
 */
export async function loadPpoAgent(
  taskId: string,
  dir: URL | string = new URL("../../policies/", import.meta.url),
): Promise<Agent> {
  const base = typeof dir === "string"
    ? new URL(dir.endsWith("/") ? dir : `${dir}/`, `file://${Deno.cwd()}/`)
    : dir;
  const url = new URL(`${encodeURIComponent(taskId)}.json`, base);
  let text: string;
  try {
    text = await readUrlText(url);
  } catch (err) {
    throw new Error(
      `No PPO policy for task ${JSON.stringify(taskId)} at ${url.href} (${
        (err as Error).message
      }); train one with \`deno task train --task ${taskId}\``,
    );
  }
  const agent = PpoAgent.fromFile(JSON.parse(text) as PolicyFile);
  return agent;
}
