/**
 * Measures the LLM baseline against a model server: runs `deno task infer` (every task, full
 * episodes) for each seed and `--response-format` mode, reads the `[END]` lines and the
 * `[DEBUG] llm_stats` counters, plays the rule baseline on the same tasks and seeds, and prints a
 * Markdown table (score per task, replies parsed / schema-valid, fallbacks, tokens and seconds
 * per step, i.e. per model request: one per step with queued alerts, rejected formats not
 * counted) plus the raw numbers as JSON (`--json FILE`).
 *
 * ```
 * deno task llm:serve &   # the local model, http://127.0.0.1:8080/v1, model smollm2-135m
 * deno run --allow-run --allow-env --allow-read --allow-write scripts/llm/measure.ts \
 *   --seeds 1,2,3 --modes json_schema,plain [--url http://127.0.0.1:8080/v1] [--json out.json]
 * deno task llm:measure --from out.json --seeds 1,2 --modes json_schema,plain   # table only
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";
import { LocalEpisodeEnv } from "../../src/infer/episode_env.ts";
import { runEpisode } from "../../src/infer/runner.ts";
import { TASK_IDS } from "../../tasks/registry.ts";

/** One `deno task infer` episode as measured. */
interface Run {
  mode: string;
  seed: number;
  task: string;
  score: number;
  success: boolean;
  steps: number;
  stats: Record<string, number | string>;
  wallSeconds: number;
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080/v1" },
    model: { type: "string", default: "smollm2-135m" },
    seeds: { type: "string", default: "1,2,3" },
    tasks: { type: "string", default: TASK_IDS.join(",") },
    modes: { type: "string", default: "json_schema,plain" },
    json: { type: "string" },
    from: { type: "string" },
    "max-tokens": { type: "string", default: "256" },
  },
});
const seeds = values.seeds.split(",").map(Number);
const tasks = values.tasks.split(",");
const modes = values.modes.split(",");

/** The command line of one run, as the README shows it. */
function command(mode: string, seed: number): string[] {
  return ["task", "infer", "--tasks", tasks.join(","), "--seed", String(seed)].concat(
    ["--response-format", mode, "--timeout", "120", "--time-limit", "3600"],
  );
}

/** The model's environment variables of every run. */
function environment(): Record<string, string> {
  return {
    API_BASE_URL: values.url,
    MODEL_NAME: values.model,
    LLM_MAX_TOKENS: values["max-tokens"],
  };
}

async function inferRuns(mode: string, seed: number): Promise<Run[]> {
  const started = performance.now();
  const out = await new Deno.Command(Deno.execPath(), {
    args: command(mode, seed),
    env: { ...environment(), NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const wallSeconds = (performance.now() - started) / 1000;
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  if (out.code !== 0) throw new Error(`deno task infer failed (${out.code}):\n${stderr}`);
  const ends = [...stdout.matchAll(/^\[END\] success=(\w+) steps=(\d+) score=([\d.]+)/gm)];
  const stats = [...stderr.matchAll(/^\[DEBUG\] llm_stats (\{.*\})$/gm)].map((m) =>
    JSON.parse(m[1])
  );
  if (ends.length !== tasks.length || stats.length !== tasks.length) {
    throw new Error(`expected ${tasks.length} [END] and llm_stats lines:\n${stdout}\n${stderr}`);
  }
  return tasks.map((task, i) => ({
    mode,
    seed,
    task,
    success: ends[i][1] === "true",
    steps: Number(ends[i][2]),
    score: Number(ends[i][3]),
    stats: stats[i],
    wallSeconds: wallSeconds / tasks.length,
  }));
}

async function ruleRuns(): Promise<Run[]> {
  const runs: Run[] = [];
  for (const seed of seeds) {
    for (const task of tasks) {
      const s = await runEpisode({
        env: new LocalEpisodeEnv(),
        agent: new RuleBasedAgent(),
        taskId: task,
        seed,
        model: "rules",
        write: () => {},
      });
      runs.push({
        mode: "rules",
        seed,
        task,
        score: Number(s.score.toFixed(3)),
        success: s.success,
        steps: s.steps,
        stats: {},
        wallSeconds: 0,
      });
    }
  }
  return runs;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const mean = (xs: number[]) => sum(xs) / xs.length;

function row(task: string, mode: string, runs: Run[]): string | null {
  const rs = runs.filter((r) => r.task === task && r.mode === mode);
  if (!rs.length) return null;
  const scores = rs.map((r) => r.score.toFixed(3)).join(" / ");
  const head = `| ${task} | ${mode} | ${mean(rs.map((r) => r.score)).toFixed(3)} | ${scores} | ` +
    `${rs.filter((r) => r.success).length}/${rs.length}`;
  if (mode === "rules") return `${head} | – | – | – | – | – |`;
  const n = (k: string) => sum(rs.map((r) => Number(r.stats[k] ?? 0)));
  const requests = n("requests") - n("format_rejections");
  const format = [...new Set(rs.map((r) => String(r.stats.response_format)))].join(",");
  return `${head} | ${format} | ${n("replies")} / ${n("parsed_replies")} / ` +
    `${n("schema_valid_replies")} | ${n("fallbacks")} (${n("parse_errors")} parse, ` +
    `${n("invalid_replies")} invalid, ${n("timeouts") + n("api_errors")} api) | ` +
    `${((n("prompt_tokens") + n("completion_tokens")) / requests).toFixed(0)} ` +
    `(${(n("completion_tokens") / requests).toFixed(0)} out) | ` +
    `${(n("request_ms") / 1000 / requests).toFixed(2)} |`;
}

// Seed by seed, every mode on a seed before the next seed: a run cut short keeps paired results.
const runs: Run[] = values.from
  ? JSON.parse(await Deno.readTextFile(values.from))
  : await ruleRuns();
for (const seed of values.from ? [] : seeds) {
  for (const mode of modes) {
    const env = Object.entries(environment()).map(([k, v]) => `${k}=${v}`).join(" ");
    console.error(`${env} deno ${command(mode, seed).join(" ")}`);
    runs.push(...await inferRuns(mode, seed));
    if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(runs, null, 1) + "\n");
  }
}
console.log(
  `| task | agent / --response-format | mean score | per seed (${seeds.join(", ")}) | success | ` +
    "mode that ran | replies / parsed / schema-valid | fallbacks | tokens / step (out) | " +
    "s / step |",
);
console.log("| --- | --- | ---: | --- | ---: | --- | --- | --- | ---: | ---: |");
for (const task of tasks) {
  for (const mode of ["rules", ...modes]) {
    const line = row(task, mode, runs);
    if (line) console.log(line);
  }
}
