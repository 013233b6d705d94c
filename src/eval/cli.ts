/**
 * `deno task eval`: runs agents x tasks x seeds, prints the tables, writes JSON and CSV, and
 * optionally records every episode as JSONL.
 *
 * ```
 * deno task eval [--agents a,b] [--tasks t,u] [--seeds N] [--seed-start S]
 *                [--out DIR] [--json FILE] [--csv FILE] [--record FILE.jsonl] [--quiet]
 * ```
 *
 * Defaults: the seven reference agents (random, rules, oracle, the four `always-*` probes),
 * every task, 100 seeds per task from 10,000,000 (held out from training), output to
 * `eval_results/` (`eval.json`, `eval.csv`, `eval_episodes.csv`, `eval.md`). Given `--json`
 * or `--csv` without `--out`, only those files are written. `--agents ppo` needs the trained
 * policies `policies/<task>.json`.
 *
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * const code = await main(["--agents", "rules", "--tasks", "easy", "--seeds", "5", "--quiet"]);
 * console.log(code); // 0
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { parseArgs } from "node:util";
import { BASELINE_AGENTS } from "./agent_registry.ts";
import { DEFAULT_SEEDS, EVAL_SEED_START, type EvalResult, evaluate } from "./evaluate.ts";
import { ProgressReporter } from "./progress.ts";
import { serializeRecording } from "./recording.ts";
import { episodesCsv, reportMarkdown, resultJson, summaryCsv } from "./report.ts";

/** Output directory when no output flag is given. */
export const DEFAULT_OUT_DIR = "eval_results";

/** Usage text. */
export const USAGE: string = `Usage: deno task eval [options]
  --agents a,b        agents (default ${BASELINE_AGENTS.join(",")}; also: ppo)
  --tasks t,u         tasks (default easy,medium,hard)
  --seeds N           seeds per task (default ${DEFAULT_SEEDS})
  --seed-start S      first seed (default ${EVAL_SEED_START}, held out from training)
  --out DIR           write eval.json, eval.csv, eval_episodes.csv, eval.md (default ${DEFAULT_OUT_DIR})
  --json FILE         write the JSON here
  --csv FILE          write the summary CSV here
  --record FILE       record every episode as JSONL (re-grade with: deno task regrade FILE)
  --quiet             no progress display
  --help              this text`;

/** Parsed command line. */
export interface CliOptions {
  /** Agent names. */
  agents: string[];
  /** Task ids. */
  tasks?: string[];
  /** Seeds per task. */
  seeds: number;
  /** First seed. */
  seedStart: number;
  /** Files to write: path by kind. */
  outputs: { json?: string; csv?: string; episodesCsv?: string; markdown?: string };
  /** JSONL recording path. */
  record?: string;
  /** No progress display. */
  quiet: boolean;
}

/** Thrown for a bad command line; the CLI prints it with the usage and exits with 2. */
export class UsageError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "USAGE", "invalid_input");
    this.name = "UsageError";
  }
}

function list(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw new UsageError(`empty list: ${JSON.stringify(value)}`);
  return items;
}

function integer(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** Parses the command line (throws {@link UsageError}). Returns null for `--help`. */
export function parseCli(args: readonly string[]): CliOptions | null {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        agents: { type: "string" },
        tasks: { type: "string" },
        seeds: { type: "string" },
        "seed-start": { type: "string" },
        out: { type: "string" },
        json: { type: "string" },
        csv: { type: "string" },
        record: { type: "string" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const v = parsed.values;
  if (v.help) return null;
  const outputs: CliOptions["outputs"] = {};
  const dir = v.out ?? (v.json === undefined && v.csv === undefined ? DEFAULT_OUT_DIR : undefined);
  if (dir !== undefined) {
    outputs.json = `${dir}/eval.json`;
    outputs.csv = `${dir}/eval.csv`;
    outputs.episodesCsv = `${dir}/eval_episodes.csv`;
    outputs.markdown = `${dir}/eval.md`;
  }
  if (v.json !== undefined) outputs.json = v.json;
  if (v.csv !== undefined) outputs.csv = v.csv;
  return {
    agents: list(v.agents) ?? [...BASELINE_AGENTS],
    tasks: list(v.tasks),
    seeds: integer("seeds", v.seeds, DEFAULT_SEEDS, 1),
    seedStart: integer("seed-start", v["seed-start"], EVAL_SEED_START, 0),
    outputs,
    record: v.record,
    quiet: v.quiet,
  };
}

async function writeText(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** Writes the result files named in `outputs`; returns the paths written. */
export async function writeOutputs(
  result: EvalResult,
  outputs: CliOptions["outputs"],
): Promise<string[]> {
  const written: string[] = [];
  const jobs: [string | undefined, () => string][] = [
    [outputs.json, () => resultJson(result)],
    [outputs.csv, () => summaryCsv(result)],
    [outputs.episodesCsv, () => episodesCsv(result)],
    [outputs.markdown, () => reportMarkdown(result)],
  ];
  for (const [path, render] of jobs) {
    if (path === undefined) continue;
    await writeText(path, render());
    written.push(path);
  }
  return written;
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad command line). */
export async function main(args: readonly string[]): Promise<number> {
  let options: CliOptions | null;
  try {
    options = parseCli(args);
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    console.log(USAGE);
    return 0;
  }
  const progress = options.quiet ? null : new ProgressReporter();
  const encoder = new TextEncoder();
  let recordFile: Deno.FsFile | null = null;
  let writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  try {
    if (options.record !== undefined) {
      const slash = options.record.lastIndexOf("/");
      if (slash > 0) await Deno.mkdir(options.record.slice(0, slash), { recursive: true });
      recordFile = await Deno.open(options.record, { write: true, create: true, truncate: true });
      writer = recordFile.writable.getWriter();
    }
    const w = writer;
    const result = await evaluate({
      agents: options.agents,
      tasks: options.tasks,
      seeds: options.seeds,
      seedStart: options.seedStart,
      onProgress: progress ? (p) => progress.update(p) : undefined,
      onRecording: w ? (rec) => w.write(encoder.encode(serializeRecording(rec) + "\n")) : undefined,
    });
    progress?.finish();
    console.log(reportMarkdown(result));
    const written = await writeOutputs(result, options.outputs);
    if (options.record !== undefined) written.push(options.record);
    console.error(
      `${result.episodes.length} episodes in ${result.meta.seconds.toFixed(1)} s` +
        (written.length ? `; wrote ${written.join(", ")}` : ""),
    );
    return 0;
  } catch (e) {
    progress?.finish();
    console.error(`eval failed: ${e instanceof Error ? e.message : e}`);
    return 1;
  } finally {
    if (writer) await writer.close().catch(() => {});
    else recordFile?.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
