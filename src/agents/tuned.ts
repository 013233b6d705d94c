/**
 * The two tuned reference baselines, loaded from the parameters that
 * `scripts/tasks/tune_baselines.ts` fitted on training seeds (`policies/baselines.json`):
 * `rules-tuned` (the seed's rule with its thresholds searched) and `linear` (a linear score over
 * observation features with fitted thresholds). Both read observations only.
 *
 * @example
 * ```ts
 * import { loadTunedBaseline } from "./tuned.ts";
 * const agent = await loadTunedBaseline("rules-tuned", "medium");
 * console.log(agent.name); // rules-tuned
 * ```
 *
 * @module
 */
import type { ServiceSpec } from "../sim/services.ts";
import { SERVICE_CATALOG } from "../sim/services.ts";
import type { Agent } from "./agent.ts";
import { LinearAgent, type LinearParams } from "./linear.ts";
import { RuleBasedAgent, type RuleThresholds } from "./rule_based.ts";
import { readUrlText } from "./read_url.ts";

/** Name of a tuned baseline. */
export type TunedBaselineName = "rules-tuned" | "linear";

/** Names of the tuned baselines. */
export const TUNED_BASELINES: readonly TunedBaselineName[] = ["rules-tuned", "linear"];

/** Where the fitted parameters live by default. */
export const BASELINES_URL: URL = new URL("../../policies/baselines.json", import.meta.url);

let cache: Promise<Record<string, Record<string, unknown>>> | undefined;

async function readParams(url: URL): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(await readUrlText(url));
}

/**
 * The tuned baseline `name` for a task. `services` is the task's estate (the public dependency
 * graph the linear rule reads; default: the full catalogue).
 */
export async function loadTunedBaseline(
  name: TunedBaselineName,
  taskId: string,
  services: readonly ServiceSpec[] = SERVICE_CATALOG,
  url: URL = BASELINES_URL,
): Promise<Agent> {
  const all = await (url === BASELINES_URL ? (cache ??= readParams(url)) : readParams(url));
  const params = all[name]?.[taskId];
  if (!params) {
    throw new Error(
      `No ${name} parameters for task ${JSON.stringify(taskId)} in ${url.href}; fit them with ` +
        "`deno run -A scripts/tasks/tune_baselines.ts`",
    );
  }
  if (name === "linear") return new LinearAgent(params as unknown as LinearParams, services);
  const t = params as unknown as RuleThresholds;
  const { escalateSeverity, escalateConfidence, ignoreBelow, investigateAbove } = t;
  return new RuleBasedAgent(
    { escalateSeverity, escalateConfidence, ignoreBelow, investigateAbove },
    "rules-tuned",
  );
}
