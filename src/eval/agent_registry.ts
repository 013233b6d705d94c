/**
 * Agents by name, for the evaluation harness, the server and the notebooks:
 * `random`, `rules`, `oracle`, the four constant probes (`always-investigate`, `always-ignore`,
 * `always-escalate`, `always-delay`) and `ppo` (a trained policy per task, loaded on demand from
 * `policies/<task>.json` through `loadPpoAgent` of `src/agents/ppo.ts`).
 *
 * @example
 * ```ts
 * import { createAgent } from "./agent_registry.ts";
 * const agent = await createAgent("rules", "hard");
 * console.log(agent.name); // rules
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { Agent } from "../agents/agent.ts";
import { ConstantAgent } from "../agents/constant.ts";
import { OracleAgent } from "../agents/oracle.ts";
import { RandomAgent } from "../agents/random.ts";
import { RuleBasedAgent } from "../agents/rule_based.ts";
import { loadTunedBaseline, TUNED_BASELINES } from "../agents/tuned.ts";
import { PROBE_NAMES, ProbeAgent, type ProbeName } from "../agents/probes.ts";
import { getTask } from "../../tasks/registry.ts";

/** Every agent name the registry knows. */
export const AGENT_NAMES: readonly string[] = [
  "random",
  "rules",
  ...TUNED_BASELINES,
  "oracle",
  "always-investigate",
  "always-ignore",
  "always-escalate",
  "always-delay",
  ...PROBE_NAMES,
  "ppo",
];

/** The reference agents that need nothing trained (the default set of `deno task eval`). */
export const BASELINE_AGENTS: readonly string[] = AGENT_NAMES.filter((n) => n !== "ppo");

/** Thrown for an agent name the registry does not know. */
export class UnknownAgentError extends AlertTriageError {
  /** The name asked for. */
  readonly agentName: string;
  /** Creates the error naming the known agents. */
  constructor(name: string) {
    super(
      `unknown agent ${JSON.stringify(name)}; known agents: ${AGENT_NAMES.join(", ")}`,
      "UNKNOWN_AGENT",
      "not_found",
    );
    this.name = "UnknownAgentError";
    this.agentName = name;
  }
}

/** Thrown when a known agent cannot be built (e.g. no trained PPO policy for the task). */
export class AgentUnavailableError extends AlertTriageError {
  /** The agent name. */
  readonly agentName: string;
  /** Creates the error with the reason. */
  constructor(name: string, reason: string, options?: { cause?: unknown }) {
    super(
      `Agent ${JSON.stringify(name)} is unavailable: ${reason}`,
      "AGENT_UNAVAILABLE",
      "unavailable",
      options,
    );
    this.name = "AgentUnavailableError";
    this.agentName = name;
  }
}

/** The policy file `loadPpoAgent(taskId)` reads, relative to this module. */
export function ppoPolicyUrl(taskId: string): URL {
  return new URL(`../../policies/${taskId}.json`, import.meta.url);
}

/** Whether a local policy file is missing (false when it exists or cannot be checked). */
async function policyMissing(url: URL): Promise<boolean> {
  if (url.protocol !== "file:" || typeof Deno === "undefined") return false;
  try {
    await Deno.stat(url);
    return false;
  } catch (e) {
    return e instanceof Deno.errors.NotFound;
  }
}

async function loadPpo(taskId: string): Promise<Agent> {
  const url = ppoPolicyUrl(taskId);
  if (await policyMissing(url)) {
    throw new AgentUnavailableError(
      "ppo",
      `no trained policy for task ${JSON.stringify(taskId)}: ${url.pathname} does not exist ` +
        `(train it with \`deno task train --task ${taskId}\`, or leave ppo out of --agents)`,
    );
  }
  let mod: { loadPpoAgent?: unknown };
  try {
    mod = await import("../agents/ppo.ts");
  } catch (e) {
    throw new AgentUnavailableError(
      "ppo",
      `src/agents/ppo.ts could not be loaded: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  if (typeof mod.loadPpoAgent !== "function") {
    throw new AgentUnavailableError("ppo", "src/agents/ppo.ts does not export loadPpoAgent()");
  }
  const load = mod.loadPpoAgent as (taskId: string) => Promise<Agent>;
  try {
    return await load(taskId);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new AgentUnavailableError("ppo", `loading the policy for ${taskId} failed: ${why}`, {
      cause: e,
    });
  }
}

/**
 * A fresh agent by name, for one task (only `ppo` depends on the task: one policy per task).
 * Throws {@link UnknownAgentError} for an unknown name, {@link AgentUnavailableError} when the
 * PPO module or the task's policy file is missing, and `UnknownTaskError` for an unknown task.
 *
 * @example
 * ```ts
 * import { createAgent } from "./agent_registry.ts";
 * const probe = await createAgent("always-ignore", "easy");
 * console.log(probe.name); // always-ignore
 * ```
 */
export async function createAgent(name: string, taskId: string): Promise<Agent> {
  getTask(taskId);
  if ((PROBE_NAMES as readonly string[]).includes(name)) return new ProbeAgent(name as ProbeName);
  switch (name) {
    case "random":
      return new RandomAgent();
    case "rules":
      return new RuleBasedAgent();
    case "oracle":
      return new OracleAgent();
    case "rules-tuned":
    case "linear":
      try {
        return await loadTunedBaseline(name, taskId, getTask(taskId).world.services);
      } catch (e) {
        throw new AgentUnavailableError(name, (e as Error).message, { cause: e });
      }
    case "always-investigate":
      return new ConstantAgent("INVESTIGATE");
    case "always-ignore":
      return new ConstantAgent("IGNORE");
    case "always-escalate":
      return new ConstantAgent("ESCALATE");
    case "always-delay":
      return new ConstantAgent("DELAY");
    case "ppo":
      return await loadPpo(taskId);
    default:
      throw new UnknownAgentError(name);
  }
}
