/**
 * Turns episode rows collected elsewhere (one `EpisodeSummary` JSON object per line, as
 * `examples/ray_rollouts.py` writes them) into the files `deno task eval` writes: `eval.json`,
 * `eval.csv`, `eval_episodes.csv` and `eval.md`, summarised by the same code (`summarize`,
 * `writeOutputs`), so a distributed evaluation reads exactly like a local one.
 *
 * ```sh
 * deno run --allow-read --allow-write scripts/cluster/eval_report.ts \
 *   --episodes out/episodes.jsonl --out out/ [--seconds 12.5]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import type { EpisodeSummary } from "../../src/eval/episode.ts";
import { CI_LEVEL, type EvalResult, summarize } from "../../src/eval/evaluate.ts";
import { writeOutputs } from "../../src/eval/output_files.ts";
import { pivotMarkdown } from "../../src/eval/report.ts";

/**
 * The {@link EvalResult} of `rows`: agents and tasks in first-seen order, one summary per
 * (agent, task), episodes sorted by agent, task and seed.
 */
export function resultFromEpisodes(rows: readonly EpisodeSummary[], seconds: number): EvalResult {
  const agents = [...new Set(rows.map((r) => r.agent))];
  const tasks = [...new Set(rows.map((r) => r.task))];
  const episodes = [...rows].sort((a, b) =>
    agents.indexOf(a.agent) - agents.indexOf(b.agent) ||
    tasks.indexOf(a.task) - tasks.indexOf(b.task) || a.seed - b.seed
  );
  const summaries = [];
  for (const agent of agents) {
    for (const task of tasks) {
      const cell = episodes.filter((r) => r.agent === agent && r.task === task);
      if (cell.length) summaries.push(summarize(agent, task, cell));
    }
  }
  return {
    meta: {
      agents,
      tasks,
      seeds: [...new Set(episodes.map((r) => r.seed))].sort((a, b) => a - b),
      ci_level: CI_LEVEL,
      ci_method: "Student t for mean score and return, Wilson score for success rate",
      seconds,
    },
    summaries,
    episodes,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      episodes: { type: "string" },
      out: { type: "string" },
      seconds: { type: "string", default: "0" },
    },
  });
  if (!values.episodes || !values.out) {
    console.error("Usage: eval_report.ts --episodes FILE.jsonl --out DIR [--seconds S]");
    Deno.exit(2);
  }
  const rows = (await Deno.readTextFile(values.episodes)).split("\n")
    .filter((l) => l.trim()).map((l) => JSON.parse(l) as EpisodeSummary);
  const result = resultFromEpisodes(rows, Number(values.seconds));
  const dir = values.out.replace(/\/+$/, "");
  await writeOutputs(result, {
    json: `${dir}/eval.json`,
    csv: `${dir}/eval.csv`,
    episodesCsv: `${dir}/eval_episodes.csv`,
    markdown: `${dir}/eval.md`,
  });
  console.log(pivotMarkdown(result));
}
