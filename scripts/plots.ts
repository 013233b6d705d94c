/**
 * `deno task plots`: renders the README's charts under `docs/`:
 * - `docs/eval_comparison.svg`: agents x tasks, mean grader score with its 95% confidence
 *   interval against each task's success threshold. From an evaluation JSON (`deno task eval`
 *   writes `eval_results/eval.json`) with `--eval FILE`, or else from a small evaluation run here
 *   (random, rules, oracle, and ppo on every task that has a trained policy in `policies/`);
 * - `docs/learning_curves.svg`: the PPO learning curves, from the training logs found in
 *   `policies/` (`*.log.json`, `*.history.json`, `*.curve.json`, or a policy file's own
 *   `training.history`); skipped with a message when there is none.
 *
 *   With `--retrain` (minutes of CPU), the curves come instead from re-running the training of
 *   each committed policy with the settings recorded in its `training` field (the trainer is
 *   deterministic, and the re-run is checked to reproduce the committed weights exactly).
 *
 * Each SVG is also converted to PNG when `rsvg-convert` (Debian: librsvg2-bin) is on PATH.
 *
 * ```sh
 * deno task plots                          # small evaluation (50 held-out seeds per task)
 * deno task plots --eval eval_results/eval.json --out docs
 * ```
 *
 * Flags: `--eval FILE`, `--seeds N` (default 50), `--agents a,b` (default random,rules,oracle),
 * `--policies DIR` (default policies), `--out DIR` (default docs), `--no-png`, `--retrain`.
 *
 * @example
 * ```ts
 * import { parsePlotArgs } from "./plots.ts";
 * console.log(parsePlotArgs(["--seeds", "20"]).seeds); // 20
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { evaluate } from "../src/eval/mod.ts";
import { getTask, TASK_IDS } from "../mod.ts";
import {
  curveFromLog,
  type CurvePoint,
  learningCurveSvg,
  scoreComparisonSvg,
  scoreRows,
  type SummaryLike,
} from "../src/notebook/mod.ts";
import { DEFAULT_TRAIN, type PolicyFile, policyToFile, train } from "../src/learn/mod.ts";

/** Parsed command line. */
export interface PlotArgs {
  /** Evaluation JSON to plot instead of running an evaluation. */
  eval?: string;
  /** Seeds per task of the evaluation run here. */
  seeds: number;
  /** Baseline agents of the evaluation run here. */
  agents: string[];
  /** Where trained policies and training logs live. */
  policies: string;
  /** Output directory. */
  out: string;
  /** Convert to PNG when a converter is available. */
  png: boolean;
  /** Re-run the committed policies' training to get their learning curves. */
  retrain: boolean;
}

/** Parses the command line. */
export function parsePlotArgs(args: readonly string[]): PlotArgs {
  const { values: v } = parseArgs({
    args: [...args],
    strict: true,
    options: {
      eval: { type: "string" },
      seeds: { type: "string", default: "50" },
      agents: { type: "string", default: "random,rules,oracle" },
      policies: { type: "string", default: "policies" },
      out: { type: "string", default: "docs" },
      "no-png": { type: "boolean", default: false },
      retrain: { type: "boolean", default: false },
    },
  });
  const seeds = Number(v.seeds);
  if (!Number.isSafeInteger(seeds) || seeds < 2) throw new RangeError("--seeds must be >= 2");
  return {
    eval: v.eval,
    seeds,
    agents: v.agents!.split(",").map((s) => s.trim()).filter(Boolean),
    policies: v.policies!.replace(/\/$/, ""),
    out: v.out!.replace(/\/$/, ""),
    png: !v["no-png"],
    retrain: v.retrain!,
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Evaluation summaries: from the JSON file, or from a small evaluation (with ppo if trained). */
export async function loadSummaries(args: PlotArgs): Promise<{
  summaries: SummaryLike[];
  source: string;
}> {
  if (args.eval) {
    const json = JSON.parse(await Deno.readTextFile(args.eval)) as { summaries?: SummaryLike[] };
    if (!Array.isArray(json.summaries)) throw new Error(`${args.eval} has no "summaries"`);
    return { summaries: json.summaries, source: args.eval };
  }
  const result = await evaluate({ agents: args.agents, seeds: args.seeds });
  const summaries: SummaryLike[] = [...result.summaries];
  const trained = [];
  for (const t of TASK_IDS) if (await exists(`${args.policies}/${t}.json`)) trained.push(t);
  if (trained.length) {
    const ppo = await evaluate({ agents: ["ppo"], tasks: trained, seeds: args.seeds });
    summaries.push(...ppo.summaries);
  }
  const who = [...args.agents, ...(trained.length ? [`ppo (${trained.join(", ")})`] : [])];
  return {
    summaries,
    source: `${args.seeds} held-out seeds per task from ${result.meta.seeds[0]}; ${who.join(", ")}`,
  };
}

/** Learning curves from the training logs in the policies directory (empty if none). */
export async function loadCurves(dir: string): Promise<{ points: CurvePoint[]; files: string[] }> {
  const points: CurvePoint[] = [];
  const files: string[] = [];
  if (!(await exists(dir))) return { points, files };
  const names = [];
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  }
  for (const task of TASK_IDS) {
    const candidates = names.filter((n) => n.startsWith(`${task}.`) || n.startsWith(`${task}_`))
      .sort((a, b) => (a === `${task}.json` ? 1 : 0) - (b === `${task}.json` ? 1 : 0));
    for (const name of candidates) {
      const curve = curveFromLog(JSON.parse(await Deno.readTextFile(`${dir}/${name}`)), task, {
        smooth: 5,
      });
      if (curve.length >= 2) {
        points.push(...curve);
        files.push(`${dir}/${name}`);
        break;
      }
    }
  }
  return { points, files };
}

/**
 * Re-runs the training of a committed policy with the settings recorded in its file and returns
 * the per-update history, and whether the re-run reproduced the committed weights exactly.
 */
export function retrainHistory(file: PolicyFile): {
  history: { globalStep: number; meanScore: number }[];
  reproduced: boolean;
} {
  const t = file.training as Record<string, number | string>;
  const task = getTask(file.task);
  const result = train({
    ...DEFAULT_TRAIN,
    task,
    totalSteps: Number(t.steps),
    seed: Number(t.seed),
    numEnvs: Number(t.envs ?? DEFAULT_TRAIN.numEnvs),
    numSteps: Number(t.rollout ?? DEFAULT_TRAIN.numSteps),
    learningRate: Number(t.learning_rate ?? DEFAULT_TRAIN.learningRate),
    entCoef: Number(t.ent_coef ?? DEFAULT_TRAIN.entCoef),
    policy: { actorHidden: file.spec.actorHidden },
    reward: (t.reward ?? DEFAULT_TRAIN.reward) as "grader" | "env",
    componentCredit: t.credit === "components",
  });
  const actor = policyToFile(result.policy, file.task, task.world).actor;
  return { history: result.history, reproduced: actor === file.actor };
}

/** Learning curves by re-running the training of every committed policy. */
async function retrainCurves(dir: string): Promise<{ points: CurvePoint[]; source: string }> {
  const points: CurvePoint[] = [];
  const reproducedTasks: string[] = [];
  const differ: string[] = [];
  for (const task of TASK_IDS) {
    const path = `${dir}/${task}.json`;
    if (!(await exists(path))) continue;
    const file = JSON.parse(await Deno.readTextFile(path)) as PolicyFile;
    const started = performance.now();
    const { history, reproduced } = retrainHistory(file);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `${task}: re-ran the training of ${path} in ${seconds} s; ` +
        (reproduced ? "weights reproduced exactly" : "WEIGHTS DIFFER from the committed policy"),
    );
    points.push(...curveFromLog(history, task, { smooth: 5 }));
    (reproduced ? reproducedTasks : differ).push(task);
  }
  const source = `re-run of the training of ${dir}/*.json with their recorded settings` +
    (differ.length
      ? ` (weights NOT reproduced for ${differ.join(", ")})`
      : " (weights reproduced exactly)");
  return { points, source };
}

/** Converts an SVG file to PNG with rsvg-convert; false when the converter is unavailable. */
export async function svgToPng(svgPath: string, pngPath: string): Promise<boolean> {
  try {
    const out = await new Deno.Command("rsvg-convert", {
      args: ["--zoom", "2", "--output", pngPath, svgPath],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function write(path: string, svg: string, png: boolean): Promise<string[]> {
  await Deno.writeTextFile(path, svg + "\n");
  const written = [path];
  if (png) {
    const pngPath = path.replace(/\.svg$/, ".png");
    if (await svgToPng(path, pngPath)) written.push(pngPath);
    else console.log("rsvg-convert not found (apt-get install librsvg2-bin): SVG only");
  }
  return written;
}

/** Runs the command; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const args = parsePlotArgs(argv);
  await Deno.mkdir(args.out, { recursive: true });
  const { summaries, source } = await loadSummaries(args);
  const svg = scoreComparisonSvg(scoreRows(summaries), { subtitle: source });
  const written = await write(`${args.out}/eval_comparison.svg`, svg, args.png);
  const { points, source: curveSource } = args.retrain
    ? await retrainCurves(args.policies)
    : await loadCurves(args.policies).then(({ points, files }) => ({
      points,
      source: `from ${files.join(", ")}`,
    }));
  if (points.length) {
    const series = [...new Set(points.map((p) => p.series))];
    const references = series.map((s) => ({
      series: s,
      value: getTask(s).successThreshold,
      label: `${s} threshold`,
    }));
    const curves = learningCurveSvg(points, {
      title: "PPO learning curves",
      subtitle: `training score, moving average of 5 updates; ${curveSource}`,
      references,
    });
    written.push(...await write(`${args.out}/learning_curves.svg`, curves, args.png));
  } else {
    console.log(`no training log with a learning curve found in ${args.policies}/: skipped`);
  }
  for (const w of written) console.log(`wrote ${w}`);
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
