/**
 * `deno task infer`: the LLM baseline on every task in one run, printing exactly the OpenEnv
 * evaluation lines on stdout (`[START]`, one `[STEP]` per step, `[END]`) and everything else on
 * stderr (prefixed `[DEBUG]`).
 *
 * ```
 * deno task infer [--tasks easy,medium,hard] [--seed 42] [--url http://127.0.0.1:8000]
 *                 [--max-steps N] [--model NAME] [--timeout S] [--retries N] [--time-limit S]
 *                 [--response-format json_schema|json_object_schema|json_object|plain]
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
 * import { main } from "./infer.ts";
 * const status = await main(["--tasks", "easy", "--max-steps", "3", "--time-limit", "60"]);
 * console.error("exit status", status);
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { LlmConfig } from "../src/agents/llm.ts";
import { type InferOptions, runInference } from "../src/infer/inference.ts";
import { llmConfigFromEnv, parseResponseFormat } from "../src/infer/llm_config.ts";
import { TASK_IDS } from "../tasks/registry.ts";
import { errorMessage, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./_usage.ts";

const USAGE = `Usage: deno task infer [options]
  --tasks LIST       comma-separated task ids (default: ${TASK_IDS.join(",")})
  --seed N           episode seed, the same for every task (default 42)
  --url URL          play against an alert-triage server (default: in-process)
  --max-steps N      stop each episode after N steps (graded as it stands)
  --model NAME       model name (default: $MODEL_NAME or Qwen/Qwen2.5-72B-Instruct)
  --timeout S        timeout of one LLM request, seconds (default: $LLM_TIMEOUT_S or 30)
  --retries N        retries per LLM request (default: $LLM_MAX_RETRIES or 2)
  --time-limit S     time budget of all LLM requests, seconds (default: $LLM_TIME_LIMIT_S or 1080)
  --response-format M  structured output: json_schema (default, or $LLM_RESPONSE_FORMAT),
                     json_object_schema, json_object or plain; a mode the endpoint rejects
                     steps down to the next one
Environment: API_BASE_URL, MODEL_NAME, API_KEY | OPENAI_API_KEY | HF_TOKEN (never printed).`;

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
        "response-format": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(errorMessage(e));
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
    throw new UsageError(errorMessage(e));
  }
  const timeout = number("timeout", values.timeout, 0.001, false);
  const retries = number("retries", values.retries, 0, true);
  const timeLimit = number("time-limit", values["time-limit"], 0, false);
  if (values.model?.trim()) llm.model = values.model.trim();
  if (timeout !== undefined) llm.timeoutMs = Math.round(timeout * 1000);
  if (retries !== undefined) llm.maxRetries = retries;
  if (timeLimit !== undefined) llm.timeLimitMs = Math.round(timeLimit * 1000);
  if (values["response-format"] !== undefined) {
    try {
      llm.responseFormat = parseResponseFormat("--response-format", values["response-format"]);
    } catch (e) {
      throw new UsageError(errorMessage(e));
    }
  }
  return {
    tasks,
    seed: number("seed", values.seed, 0, true) ?? 42,
    url,
    maxSteps: number("max-steps", values["max-steps"], 1, true),
    llm,
  };
}

/** The command: parses `args`, runs, returns the exit status. */
export async function main(args: string[]): Promise<number> {
  let options;
  try {
    options = parseInferArgs(args);
  } catch (e) {
    console.error(`${errorMessage(e)}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (options === "help") {
    console.log(USAGE);
    return EXIT_OK;
  }
  const { episodes } = await runInference(options);
  return episodes.some((e) => e.error !== null) ? EXIT_FAILURE : EXIT_OK;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
