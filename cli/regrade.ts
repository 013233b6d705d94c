/**
 * `deno task regrade FILE.jsonl [--json]`: re-grades every episode of a recording made with
 * `deno task eval --record FILE.jsonl`, from the stored truth and by deterministic replay,
 * prints one row per episode and exits with 1 if any disagree (2 for a bad command line or an
 * unreadable file).
 *
 * @example
 * ```ts
 * import { main } from "./regrade.ts";
 * const code = await main(["no-such-file.jsonl"]);
 * console.log(code); // 2
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseRecordings } from "../src/eval/recording.ts";
import { regradeRecording, type RegradeResult, regradeTable } from "../src/eval/regrade.ts";
import { errorMessage, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from "./_usage.ts";

/** Usage text. */
export const USAGE = `Usage: deno task regrade FILE.jsonl [--json]
  --json   print the verdicts as JSON instead of a table`;

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
      return EXIT_OK;
    }
    if (positionals.length !== 1) throw new UsageError("expected exactly one recording file");
    file = positionals[0];
    asJson = values.json;
  } catch (e) {
    console.error(`${errorMessage(e)}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  let results: RegradeResult[];
  try {
    results = parseRecordings(await Deno.readTextFile(file)).map(regradeRecording);
  } catch (e) {
    console.error(`regrade failed: ${errorMessage(e)}`);
    return EXIT_USAGE;
  }
  console.log(asJson ? JSON.stringify(results, null, 2) : regradeTable(results));
  return results.every((r) => r.agree) ? EXIT_OK : EXIT_FAILURE;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
