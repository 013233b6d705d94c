/**
 * `deno task replay`: grades an agent on a recorded alert stream, and exports/imports streams.
 *
 * ```sh
 * deno task replay FILE.jsonl --task hard --agent rules [--seed 0] [--source replay|mixed]
 *                             [--tick-ms 60000] [--json]
 * deno task replay --kv ./data/ingest.kv --task hard --agent oracle [--since ISO] [--limit 1000]
 * deno task replay export [--kv PATH] [--since ISO] [--until ISO] [--out FILE.jsonl]
 * deno task replay import FILE.jsonl [--kv PATH]
 * ```
 * The stream's lines are exported records, normalised alerts or raw vendor bodies (see
 * `src/ingest/stream_io.ts`). Without `--kv` the store is `ALERT_TRIAGE_KV_PATH` (default
 * `./data/ingest.kv`). Exit status: 0 done, 2 bad usage or input.
 *
 * @example
 * ```ts
 * import { runReplayCli } from "./replay.ts";
 * const lines: string[] = [];
 * const code = await runReplayCli(["--help"], (l) => lines.push(l));
 * console.assert(code === 0 && lines[0].startsWith("usage"));
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ingestConfigFromEnv } from "../src/ingest/ingest_config.ts";
import { IngestStore } from "../src/ingest/store.ts";
import { exportJsonl, importIntoStore } from "../src/ingest/stream_io.ts";
import { TASK_IDS } from "../tasks/registry.ts";
import {
  parseAlertSource,
  replayEnvFromJsonl,
  replayEnvFromStore,
  type ReplayEnvOptions,
} from "../src/replay/replay_env.ts";
import {
  formatReport,
  makeReplayAgent,
  playGradedEpisode,
  REPLAY_AGENTS,
} from "../src/replay/run.ts";
import { errorMessage, EXIT_OK, EXIT_USAGE, UsageError } from "./_usage.ts";

const USAGE = `usage: deno task replay FILE.jsonl --task ${TASK_IDS.join("|")} --agent ${
  REPLAY_AGENTS.join("|")
} [--seed S] [--source replay|mixed] [--tick-ms MS] [--json]
       deno task replay --kv PATH --task T --agent A [--since ISO] [--until ISO] [--limit N]
       deno task replay export [--kv PATH] [--since ISO] [--until ISO] [--out FILE.jsonl]
       deno task replay import FILE.jsonl [--kv PATH]`;

const OPTIONS = {
  task: { type: "string" },
  agent: { type: "string" },
  seed: { type: "string" },
  source: { type: "string" },
  "tick-ms": { type: "string" },
  kv: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  limit: { type: "string" },
  out: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function int(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer >= 0`);
  return n;
}

async function withStore<T>(path: string | undefined, fn: (s: IngestStore) => Promise<T>) {
  const config = ingestConfigFromEnv();
  const store = await IngestStore.open(path ?? config.kvPath, { maxBacklog: config.maxBacklog });
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/**
 * Runs the CLI on `args`, writing results with `print` and errors with `printError`; returns
 * the exit status.
 *
 * @example
 * ```ts
 * import { runReplayCli } from "./replay.ts";
 * console.assert(await runReplayCli(["--agent", "nope"], () => {}) === 2);
 * ```
 */
export async function runReplayCli(
  args: string[],
  print: (line: string) => void = console.log,
  printError: (line: string) => void = print === console.log ? console.error : print,
): Promise<number> {
  try {
    const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true });
    if (values.help) {
      print(USAGE);
      return EXIT_OK;
    }
    const range = { since: values.since, until: values.until };
    const ms = (t: string | undefined) => t === undefined ? undefined : Date.parse(t);
    if (positionals[0] === "export") {
      return await withStore(values.kv, async (store) => {
        const lines: string[] = [];
        for await (
          const l of exportJsonl(store, { since: ms(range.since), until: ms(range.until) })
        ) {
          lines.push(l);
        }
        if (values.out) await Deno.writeTextFile(values.out, lines.join(""));
        else lines.forEach((l) => print(l.trimEnd()));
        if (values.out) print(`exported ${lines.length} alerts to ${values.out}`);
        return EXIT_OK;
      });
    }
    if (positionals[0] === "import") {
      if (!positionals[1]) throw new UsageError("import needs a FILE.jsonl");
      const text = await Deno.readTextFile(positionals[1]);
      const n = await withStore(values.kv, (store) => importIntoStore(store, text));
      print(`imported ${n} events from ${positionals[1]}`);
      return EXIT_OK;
    }
    if (!values.task || !TASK_IDS.includes(values.task)) {
      throw new UsageError(`--task must be one of ${TASK_IDS.join("|")}`);
    }
    const seed = int(values.seed, "seed", 0);
    const agent = makeReplayAgent(values.agent ?? "", seed);
    const source = parseAlertSource(values.source ?? "replay");
    const options: ReplayEnvOptions = {
      tickMs: values["tick-ms"] === undefined ? undefined : int(values["tick-ms"], "tick-ms", 0),
    };
    const file = positionals[0];
    if (!file && values.kv === undefined) throw new UsageError("give FILE.jsonl or --kv PATH");
    const env = file
      ? replayEnvFromJsonl(await Deno.readTextFile(file), values.task, source, options)
      : await withStore(values.kv, (store) =>
        replayEnvFromStore(store, values.task!, source, {
          ...options,
          ...range,
          limit: int(values.limit, "limit", 1000),
        }));
    const graded = await playGradedEpisode(env, agent, seed);
    print(
      values.json ? JSON.stringify({ ...graded, source, from: file ?? values.kv }) : formatReport(
        graded,
        `${file ?? values.kv} (${source})`,
      ),
    );
    return EXIT_OK;
  } catch (e) {
    printError(`error: ${errorMessage(e)}`);
    if (e instanceof UsageError || (e as Error)?.name === "TypeError") printError(USAGE);
    return EXIT_USAGE;
  }
}

if (import.meta.main) Deno.exit(await runReplayCli(Deno.args));
