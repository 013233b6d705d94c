/**
 * The one small interface every agent implements: an observation in, an action out. The
 * evaluation harness, the server and the notebooks can run any agent through it.
 *
 * @example
 * ```ts
 * import type { Agent } from "./agent.ts";
 * const delayAll: Agent = { name: "delay", act: () => ({ decisions: [] }) };
 * ```
 *
 * @module
 */
import type { Action, Observation, State } from "../models.ts";

/** What an agent may look at besides the observation. Only the oracle reads the truth. */
export interface AgentContext {
  /** The environment's state, hidden truth included. */
  state(): State;
}

/** A triage policy. */
export interface Agent {
  /** Short name used in tables and recordings (e.g. `rules`). */
  readonly name: string;
  /** Called at the start of each episode with its seed (agents with randomness reseed here). */
  reset?(seed: number): void;
  /** Decides what to do with the queued alerts of one tick. May be async (LLM agents). */
  act(observation: Observation, context: AgentContext): Action | Promise<Action>;
}
