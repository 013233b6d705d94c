/**
 * `deno task regrade FILE.jsonl [--json]`: re-grades every episode of a recording made with
 * `deno task eval --record FILE.jsonl`, from the stored truth and by deterministic replay,
 * prints one row per episode and exits with 1 if any disagree (2 for a bad command line or an
 * unreadable file).
 *
 * @example
 * ```ts
 * import { main } from "./regrade_cli.ts";
 * const code = await main(["no-such-file.jsonl"]);
 * console.log(code); // 2
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseRecordings } from "./recording.ts";
import { regradeRecording, type RegradeResult } from "./regrade.ts";

/** Usage text. */
export const USAGE = `Usage: deno task regrade FILE.jsonl [--json]
  --json   print the verdicts as JSON instead of a table`;

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(4) : "-";
}

/** The verdicts as a Markdown table with a closing count line. */
export function regradeTable(results: readonly RegradeResult[]): string {
  const rows = results.map((r, i) =>
    `| ${i + 1} | ${r.agent} | ${r.task} | ${r.seed} | ${fmt(r.recorded_score)} | ` +
    `${fmt(r.truth_score)} | ${fmt(r.replay_score)} | ${r.agree ? "yes" : `NO: ${r.mismatch}`} |`
  );
  const bad = results.filter((r) => !r.agree).length;
  return [
    "| # | agent | task | seed | recorded | from truth | replay | agree |",
    "| ---: | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ...rows,
    "",
    `${results.length} episodes re-graded: ${results.length - bad} agree, ${bad} differ`,
  ].join("\n");
}

/** Runs the CLI; returns the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let file: string;
  let asJson: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: true,
      options: { json: { type: "boolean", default: false }, help: { type: "boolean" } },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (positionals.length !== 1) throw new Error("expected exactly one recording file");
    file = positionals[0];
    asJson = values.json;
  } catch (e) {
    console.error(`${e instanceof Error ? e.message : e}\n\n${USAGE}`);
    return 2;
  }
  let results: RegradeResult[];
  try {
    results = parseRecordings(await Deno.readTextFile(file)).map(regradeRecording);
  } catch (e) {
    console.error(`regrade failed: ${e instanceof Error ? e.message : e}`);
    return 2;
  }
  console.log(asJson ? JSON.stringify(results, null, 2) : regradeTable(results));
  return results.every((r) => r.agree) ? 0 : 1;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
