/**
 * The LLM baseline on a list of tasks, one episode each with the same seed: in-process (graded
 * by the task graders) or against an alert-triage server over HTTP (`url`). Writes exactly the
 * OpenEnv evaluation lines (`[START]`, one `[STEP]` per step, `[END]`) with `write` and
 * everything else with `log`. `deno task infer` (`cli/infer.ts`) parses its flags into
 * {@link InferOptions} and calls {@link runInference}.
 *
 * @example
 * ```ts
 * import { runInference } from "./inference.ts";
 * import { llmConfigFromEnv } from "./llm_config.ts";
 * const { episodes } = await runInference({
 *   tasks: ["easy"],
 *   seed: 42,
 *   url: null,
 *   maxSteps: 3,
 *   llm: llmConfigFromEnv((n) => Deno.env.get(n)),
 * });
 * console.error(episodes[0].score);
 * ```
 *
 * @module
 */
import { LlmAgent, type LlmConfig } from "../agents/llm.ts";
import { getTask } from "../../tasks/registry.ts";
import { type EpisodeEnv, LocalEpisodeEnv } from "./episode_env.ts";
import { RemoteEpisodeEnv } from "./remote_env.ts";
import { type EpisodeSummary, runEpisode } from "./runner.ts";

/** What to run: the tasks, the seed, where the environment is, and the model. */
export interface InferOptions {
  /** Task ids to run, in order. */
  tasks: string[];
  /** Seed of every episode. */
  seed: number;
  /** Server URL for remote mode, or null for in-process. */
  url: string | null;
  /** Step cap per episode, or undefined. */
  maxSteps?: number;
  /** LLM configuration (environment and flags). */
  llm: LlmConfig;
}

/** Runs the LLM baseline on the tasks; returns the per-episode summaries and the agent. */
export async function runInference(
  options: InferOptions,
  write: (line: string) => void = (l) => console.log(l),
  log: (message: string) => void = (m) => console.error(`[DEBUG] ${m}`),
): Promise<{ episodes: EpisodeSummary[]; agent: LlmAgent }> {
  const agent = new LlmAgent(options.llm, (m) => log(`llm: ${m}`));
  const env: EpisodeEnv = options.url ? new RemoteEpisodeEnv(options.url) : new LocalEpisodeEnv();
  const key = options.llm.apiKey ? "set" : "not set";
  log(
    `model=${options.llm.model} endpoint=${options.llm.baseUrl} key=${key} ` +
      `env=${options.url ?? "in-process"} tasks=${options.tasks.join(",")} seed=${options.seed} ` +
      `response_format=${options.llm.responseFormat}`,
  );
  if (!options.llm.apiKey) {
    log("no API key in API_KEY, OPENAI_API_KEY or HF_TOKEN: requests go out without one");
  }
  const episodes: EpisodeSummary[] = [];
  try {
    for (const taskId of options.tasks) {
      let task;
      try {
        task = getTask(taskId);
      } catch {
        task = undefined; // a remote task this build does not know: generic prompt
      }
      agent.setTask(task);
      const before = { ...agent.stats };
      const summary = await runEpisode({
        env,
        agent,
        taskId,
        seed: options.seed,
        model: options.llm.model,
        maxSteps: options.maxSteps,
        write,
        log,
      });
      episodes.push(summary);
      const delta = Object.fromEntries(
        Object.entries(agent.stats).map(([k, v]) => [k, v - before[k as keyof typeof before]]),
      );
      log(
        `llm_stats ${
          JSON.stringify({ task: taskId, response_format: agent.responseFormat, ...delta })
        }`,
      );
    }
  } finally {
    await env.close();
  }
  log(
    `llm_stats_total ${JSON.stringify({ response_format: agent.responseFormat, ...agent.stats })}`,
  );
  log(
    "summary " +
      episodes.map((e) => `${e.task}=${e.score.toFixed(3)}${e.success ? "" : "(fail)"}`).join(
        " ",
      ),
  );
  return { episodes, agent };
}
