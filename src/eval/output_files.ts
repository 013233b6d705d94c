/**
 * Writes an evaluation's result files: the JSON result, the summary CSV, the per-episode CSV and
 * the Markdown report, each where {@link EvalOutputs} says (missing directories are created).
 *
 * @example
 * ```ts
 * import { evaluate } from "./evaluate.ts";
 * import { writeOutputs } from "./output_files.ts";
 * const result = await evaluate({ agents: ["rules"], tasks: ["easy"], seeds: 2 });
 * const dir = await Deno.makeTempDir();
 * console.log(await writeOutputs(result, { json: `${dir}/eval.json`, markdown: `${dir}/eval.md` }));
 * ```
 *
 * @module
 */
import type { EvalResult } from "./evaluate.ts";
import { episodesCsv, reportMarkdown, resultJson, summaryCsv } from "./report.ts";

/** Files to write: path by kind (a kind left out is not written). */
export interface EvalOutputs {
  /** The JSON result ({@link resultJson}). */
  json?: string;
  /** The summary CSV ({@link summaryCsv}). */
  csv?: string;
  /** One CSV row per episode ({@link episodesCsv}). */
  episodesCsv?: string;
  /** The Markdown report ({@link reportMarkdown}). */
  markdown?: string;
}

async function writeText(path: string, text: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  await Deno.writeTextFile(path, text);
}

/** Writes the result files named in `outputs`; returns the paths written. */
export async function writeOutputs(result: EvalResult, outputs: EvalOutputs): Promise<string[]> {
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
