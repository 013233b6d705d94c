/**
 * Trajectory fingerprints shared by the load script and the determinism tests: a 32-bit
 * FNV-1a hash of every reply's `data` (reset and step), and the in-process replay that must
 * produce the same hashes. The replay drives the core environment directly (`makeEnv`,
 * `parseAction`, `gradeEpisode`) and serialises with the same wire functions the server uses.
 *
 * @example
 * ```ts
 * import { replayTrajectory } from "./trajectory.ts";
 * const hashes = replayTrajectory("easy", (e) => e, 40);
 * console.assert(hashes.length > 40);
 * ```
 *
 * @module
 */
import {
  type Action,
  gradeEpisode,
  makeEnv,
  type Observation,
  parseAction,
  RuleBasedAgent,
} from "../../mod.ts";
import { openenvResult, resetTransition, stepTransition } from "../../src/server/wire.ts";

/** FNV-1a over the UTF-16 code units of a string. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Decides an action from an observation (the rule-based baseline by default). */
export type Policy = (observation: Observation) => Action;

/** A fresh rule-based policy. */
export function rulePolicy(): Policy {
  const agent = new RuleBasedAgent();
  return (o) => agent.act(o);
}

/**
 * In-process replay: plays `steps` steps of `task` (episode `e` seeded `seedOf(e)`, resetting
 * whenever an episode ends) and returns the hash of every OpenEnv result, resets included,
 * in order.
 */
export function replayTrajectory(
  task: string,
  seedOf: (episode: number) => number,
  steps: number,
  policy: Policy = rulePolicy(),
): number[] {
  const env = makeEnv(task);
  const hashes: number[] = [];
  let episode = 0;
  let observation: Observation | null = null;
  for (let n = 0; n < steps; n++) {
    if (observation === null) {
      const t = resetTransition(env.reset({ seed: seedOf(episode++) }));
      hashes.push(fnv1a(JSON.stringify(openenvResult(t))));
      observation = t.observation;
    }
    const result = env.step(parseAction(policy(observation)));
    const done = result.terminated || result.truncated;
    const t = stepTransition(result, null, done ? gradeEpisode(env) : null);
    hashes.push(fnv1a(JSON.stringify(openenvResult(t))));
    observation = done ? null : t.observation;
  }
  return hashes;
}
