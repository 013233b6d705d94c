/**
 * The random agent: a uniformly random decision per alert, INVESTIGATE capped at the budget
 * (excess ones become DELAY), from its own seeded generator.
 *
 * @example
 * ```ts
 * import { RandomAgent } from "./random.ts";
 * const agent = new RandomAgent(1);
 * ```
 *
 * @module
 */
import { type Action, ACTION_TYPES, type Decision, type Observation } from "../models.ts";
import { Rng } from "../rng.ts";
import type { Agent } from "./agent.ts";

/** Chooses uniformly among the four decisions for every alert. */
export class RandomAgent implements Agent {
  /** Agent name. */
  readonly name: string = "random";
  #rng: Rng;

  /** Creates the agent with a seed for its own generator. */
  constructor(seed = 0) {
    this.#rng = new Rng(seed);
  }

  /** Reseeds from the episode seed, so an episode's play is reproducible. */
  reset(seed: number): void {
    this.#rng = new Rng(seed);
  }

  /** One random decision per alert. */
  act(observation: Observation): Action {
    let budget = observation.investigation_budget;
    const decisions: Decision[] = [];
    for (const alert of observation.alerts) {
      let t = ACTION_TYPES[this.#rng.int(4)];
      if (t === "INVESTIGATE" && budget-- <= 0) t = "DELAY";
      decisions.push({ alert_id: alert.id, action_type: t });
    }
    return { decisions };
  }
}
