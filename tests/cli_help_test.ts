/**
 * Every command in `cli/` answers `--help` with its usage text on stdout and exit status 0, run
 * as users run it (`deno task NAME --help`, or `deno run` for the commands without a task).
 * `cli/server.ts` is a `deno serve` module without a command line; `deno task start --help`
 * covers it.
 *
 * @module
 */
import { equal, match } from "node:assert/strict";

const ROOT = new URL("../", import.meta.url).pathname;

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

const COMMANDS: Record<string, string[]> = {
  "deno task start": ["task", "start"],
  "deno task train": ["task", "train"],
  "deno task eval": ["task", "eval"],
  "deno task infer": ["task", "infer"],
  "deno task regrade": ["task", "regrade"],
  "deno task replay": ["task", "replay"],
  "deno task cluster": ["task", "cluster"],
  "cli/ingest.ts": ["run", "--unstable-kv", "--allow-env", "cli/ingest.ts"],
  "cli/server_compiled.ts": ["run", "--allow-env=ALERT_TRIAGE_*", "cli/server_compiled.ts"],
};

const cliFiles = [...Deno.readDirSync(`${ROOT}cli`)].map((e) => e.name).filter((n) =>
  n.endsWith(".ts") && !n.startsWith("_")
);

Deno.test("every command in cli/ is covered by the --help test", () => {
  const covered = new Set([
    "server.ts",
    "start.ts",
    "train.ts",
    "eval.ts",
    "infer.ts",
    "regrade.ts",
  ]);
  for (const file of ["replay.ts", "ingest.ts", "server_compiled.ts"]) covered.add(file);
  covered.add("replica.ts"); // a deno serve module like server.ts (tests/cluster/ runs it)
  equal(cliFiles.filter((f) => !covered.has(f)).join(","), "");
});

for (const [name, args] of Object.entries(COMMANDS)) {
  Deno.test(`${name} --help prints usage and exits 0`, async () => {
    const r = await run([...args, "--help"]);
    equal(r.code, 0, r.stderr);
    match(r.stdout, /^usage:/im);
  });
}

Deno.test("deno task train with an unknown flag prints the usage and exits 2", async () => {
  const r = await run(["task", "train", "--nope", "1"]);
  equal(r.code, 2);
  match(r.stderr, /unknown flag --nope/);
  match(r.stderr, /Usage: deno task train/);
});
