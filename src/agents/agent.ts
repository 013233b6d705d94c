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

/**
 * What an agent may look at besides the observation. Only an agent that declares
 * {@link Agent.readsTruth} (the oracle) gets the hidden truth in `state()`; every other agent
 * gets the state with `truth: null` while the episode runs (see {@link agentContext}).
 */
export interface AgentContext {
  /** The environment's state; `truth` only for an agent that reads it. */
  state(): State;
}

/** A triage policy. */
export interface Agent {
  /** Short name used in tables and recordings (e.g. `rules`). */
  readonly name: string;
  /**
   * True only for agents that read the hidden truth (the oracle, an upper bound); the
   * harnesses hand the truth to no other agent.
   */
  readonly readsTruth?: boolean;
  /** Called at the start of each episode with its seed (agents with randomness reseed here). */
  reset?(seed: number): void;
  /** Decides what to do with the queued alerts of one tick. May be async (LLM agents). */
  act(observation: Observation, context: AgentContext): Action | Promise<Action>;
}

/**
 * The context a harness hands `agent`: the full state for an agent that declares
 * `readsTruth`, the state without its truth for every other agent.
 *
 * @example
 * ```ts
 * import { agentContext } from "./agent.ts";
 * import { RandomAgent } from "./random.ts";
 * import { makeEnv } from "../../tasks/registry.ts";
 * const env = makeEnv("easy");
 * env.reset({ seed: 1 });
 * const context = agentContext(new RandomAgent(), () => env.state());
 * console.assert(context.state().truth === null);
 * ```
 */
export function agentContext(agent: Agent, state: () => State): AgentContext {
  return agent.readsTruth ? { state } : { state: () => ({ ...state(), truth: null }) };
}
