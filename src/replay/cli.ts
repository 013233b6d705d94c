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
 * import { runReplayCli } from "./cli.ts";
 * const lines: string[] = [];
 * const code = await runReplayCli(["--help"], (l) => lines.push(l));
 * console.assert(code === 0 && lines[0].startsWith("usage"));
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import { parseArgs } from "node:util";
import { ingestConfigFromEnv } from "../ingest/config.ts";
import { IngestStore } from "../ingest/store.ts";
import { exportJsonl, importIntoStore } from "../ingest/stream_io.ts";
import { TASK_IDS } from "../../tasks/registry.ts";
import {
  parseAlertSource,
  replayEnvFromJsonl,
  replayEnvFromStore,
  type ReplayEnvOptions,
} from "./episode.ts";
import { type GradedEpisode, makeReplayAgent, playGradedEpisode, REPLAY_AGENTS } from "./run.ts";

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

/** A command-line problem (exit status 2, with the usage). */
class UsageError extends AlertTriageError {
  constructor(message: string) {
    super(message, "USAGE", "invalid_input");
    this.name = "UsageError";
  }
}

function int(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be an integer >= 0`);
  return n;
}

/**
 * A graded episode as a short human-readable report.
 *
 * @example
 * ```ts
 * import { formatReport } from "./cli.ts";
 * console.log(formatReport({ task: "easy", agent: "rules", seed: 0, score: 0.5, wire_score: 0.5,
 *   success: false, success_threshold: 0.6, components: { recall: 0.5 }, return: 1, steps: 20,
 *   terminated: false, alerts_by_kind: { noise: 3 }, reward_components: {} as never }, "x"));
 * ```
 */
export function formatReport(g: GradedEpisode, from: string): string {
  const rows = (o: Record<string, number>) =>
    Object.entries(o).map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join("\n");
  return [
    `replay ${from}: task=${g.task} agent=${g.agent} seed=${g.seed}`,
    `score ${g.score.toFixed(4)} (wire ${g.wire_score})  success=${g.success ? "yes" : "no"} ` +
    `(threshold ${g.success_threshold})  steps=${g.steps}${g.terminated ? " (terminated)" : ""}`,
    "grade breakdown:",
    rows(g.components),
    `reward ${g.return}, by component:`,
    rows(g.reward_components),
    "alerts by hidden kind:",
    rows(g.alerts_by_kind),
  ].join("\n");
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
 * import { runReplayCli } from "./cli.ts";
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
      return 0;
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
        return 0;
      });
    }
    if (positionals[0] === "import") {
      if (!positionals[1]) throw new UsageError("import needs a FILE.jsonl");
      const text = await Deno.readTextFile(positionals[1]);
      const n = await withStore(values.kv, (store) => importIntoStore(store, text));
      print(`imported ${n} events from ${positionals[1]}`);
      return 0;
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
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    printError(`error: ${message}`);
    if (e instanceof UsageError || (e as Error)?.name === "TypeError") printError(USAGE);
    return 2;
  }
}

if (import.meta.main) Deno.exit(await runReplayCli(Deno.args));
