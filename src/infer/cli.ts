/**
 * `deno task infer`: the LLM baseline on every task in one run, printing exactly the OpenEnv
 * evaluation lines on stdout (`[START]`, one `[STEP]` per step, `[END]`) and everything else on
 * stderr (prefixed `[DEBUG]`).
 *
 * ```
 * deno task infer [--tasks easy,medium,hard] [--seed 42] [--url http://127.0.0.1:8000]
 *                 [--max-steps N] [--model NAME] [--timeout S] [--retries N] [--time-limit S]
 * ```
 *
 * Without `--url` the environment runs in-process and episodes are graded by the task graders;
 * with it, the server is driven over HTTP (`POST /reset`, `POST /step`) and the score is the
 * `task_score` of the final observation. The model endpoint comes from `API_BASE_URL`,
 * `MODEL_NAME` and `API_KEY` / `OPENAI_API_KEY` / `HF_TOKEN` (see `src/agents/llm.ts`).
 * Exit status: 0 when every episode ran, 1 when one failed with an exception, 2 for bad flags.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * const status = await main(["--tasks", "easy", "--max-steps", "3", "--time-limit", "60"]);
 * console.error("exit status", status);
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { parseArgs } from "node:util";
import { LlmAgent, type LlmConfig } from "../agents/llm.ts";
import { llmConfigFromEnv } from "./llm_config.ts";
import { getTask, TASK_IDS } from "../../tasks/registry.ts";
import { type EpisodeEnv, LocalEpisodeEnv } from "./episode_env.ts";
import { RemoteEpisodeEnv } from "./remote_env.ts";
import { type EpisodeSummary, runEpisode } from "./runner.ts";

const USAGE = `Usage: deno task infer [options]
  --tasks LIST       comma-separated task ids (default: ${TASK_IDS.join(",")})
  --seed N           episode seed, the same for every task (default 42)
  --url URL          play against an alert-triage server (default: in-process)
  --max-steps N      stop each episode after N steps (graded as it stands)
  --model NAME       model name (default: $MODEL_NAME or Qwen/Qwen2.5-72B-Instruct)
  --timeout S        timeout of one LLM request, seconds (default: $LLM_TIMEOUT_S or 30)
  --retries N        retries per LLM request (default: $LLM_MAX_RETRIES or 2)
  --time-limit S     time budget of all LLM requests, seconds (default: $LLM_TIME_LIMIT_S or 1080)
Environment: API_BASE_URL, MODEL_NAME, API_KEY | OPENAI_API_KEY | HF_TOKEN (never printed).`;

/** Parsed command line. */
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

/** A command-line problem (exit status 2). */
export class UsageError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "USAGE", "invalid_input");
    this.name = "UsageError";
  }
}

function number(flag: string, raw: string | undefined, min: number, integer: boolean) {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || (integer && !Number.isSafeInteger(v))) {
    throw new UsageError(`--${flag} must be ${integer ? "an integer" : "a number"} >= ${min}`);
  }
  return v;
}

/** Parses the flags over the environment's configuration; throws {@link UsageError}. */
export function parseInferArgs(
  args: string[],
  getEnv: (name: string) => string | undefined = (n) => Deno.env.get(n),
): InferOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        tasks: { type: "string" },
        seed: { type: "string" },
        url: { type: "string" },
        "max-steps": { type: "string" },
        model: { type: "string" },
        timeout: { type: "string" },
        retries: { type: "string" },
        "time-limit": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  if (values.help) return "help";
  const url = values.url?.trim() || null;
  const tasks = (values.tasks ?? TASK_IDS.join(",")).split(",").map((t) => t.trim()).filter(
    Boolean,
  );
  if (!tasks.length) throw new UsageError("--tasks is empty");
  if (!url) {
    for (const t of tasks) {
      if (!TASK_IDS.includes(t)) {
        throw new UsageError(`unknown task ${JSON.stringify(t)}; known: ${TASK_IDS.join(", ")}`);
      }
    }
  }
  let llm: LlmConfig;
  try {
    llm = llmConfigFromEnv(getEnv);
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const timeout = number("timeout", values.timeout, 0.001, false);
  const retries = number("retries", values.retries, 0, true);
  const timeLimit = number("time-limit", values["time-limit"], 0, false);
  if (values.model?.trim()) llm.model = values.model.trim();
  if (timeout !== undefined) llm.timeoutMs = Math.round(timeout * 1000);
  if (retries !== undefined) llm.maxRetries = retries;
  if (timeLimit !== undefined) llm.timeLimitMs = Math.round(timeLimit * 1000);
  return {
    tasks,
    seed: number("seed", values.seed, 0, true) ?? 42,
    url,
    maxSteps: number("max-steps", values["max-steps"], 1, true),
    llm,
  };
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
      `env=${options.url ?? "in-process"} tasks=${options.tasks.join(",")} seed=${options.seed}`,
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
      log(`llm_stats ${JSON.stringify({ task: taskId, ...delta })}`);
    }
  } finally {
    await env.close();
  }
  log(`llm_stats_total ${JSON.stringify(agent.stats)}`);
  log(
    "summary " +
      episodes.map((e) => `${e.task}=${e.score.toFixed(3)}${e.success ? "" : "(fail)"}`).join(
        " ",
      ),
  );
  return { episodes, agent };
}

/** The command: parses `args`, runs, returns the exit status. */
export async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseInferArgs(args);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }
  const { episodes } = await runInference(options);
  return episodes.some((e) => e.error !== null) ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
