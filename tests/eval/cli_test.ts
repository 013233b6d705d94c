/**
 * The CLIs as a user runs them: `deno task eval` writes JSON and CSV with the documented
 * columns and a JSONL recording that `deno task regrade` accepts; bad input is refused.
 *
 * @module
 */
import assert from "node:assert/strict";
import { EPISODE_COLUMNS, SUMMARY_COLUMNS } from "../../src/eval/report.ts";
import { parseCli } from "../../cli/eval.ts";
import { REWARD_COMPONENTS } from "../../src/models.ts";

const ROOT = new URL("../../", import.meta.url);

async function deno(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", ...args],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
}

Deno.test("the summary CSV has the documented columns", () => {
  assert.deepEqual(SUMMARY_COLUMNS.slice(0, 16), [
    "agent",
    "task",
    "episodes",
    "score_mean",
    "score_ci_low",
    "score_ci_high",
    "score_ci_half_width",
    "score_sd",
    "success_threshold",
    "success_rate",
    "success_ci_low",
    "success_ci_high",
    "return_mean",
    "return_ci_half_width",
    "steps_mean",
    "terminated_rate",
  ]);
  assert.deepEqual(SUMMARY_COLUMNS.slice(16), REWARD_COMPONENTS.map((c) => `reward_${c}`));
});

Deno.test("eval CLI writes JSON, CSV and a recording that regrade accepts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eval_cli_" });
  try {
    const run = await deno(
      "cli/eval.ts",
      "--agents",
      "rules,random",
      "--tasks",
      "easy,hard",
      "--seeds",
      "3",
      "--seed-start",
      "77",
      "--out",
      `${dir}/out`,
      "--record",
      `${dir}/episodes.jsonl`,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /\| rules \| easy \| 3 \|/);
    // Not a terminal: plain progress lines, one per (agent, task).
    assert.equal(run.stderr.split("\n").filter((l) => /^\[\d+\/12\]/.test(l)).length, 4);

    const csv = (await Deno.readTextFile(`${dir}/out/eval.csv`)).trim().split("\n");
    assert.equal(csv[0], SUMMARY_COLUMNS.join(","));
    assert.equal(csv.length, 1 + 4);
    assert.ok(csv[1].startsWith("rules,easy,3,"));
    assert.ok(csv.slice(1).every((l) => l.split(",").length === SUMMARY_COLUMNS.length));

    const episodes = (await Deno.readTextFile(`${dir}/out/eval_episodes.csv`)).trim().split("\n");
    assert.equal(episodes[0], EPISODE_COLUMNS.join(","));
    assert.equal(episodes.length, 1 + 12);
    assert.ok(episodes[1].startsWith("rules,easy,77,"));

    const json = JSON.parse(await Deno.readTextFile(`${dir}/out/eval.json`));
    assert.deepEqual(json.meta.seeds, [77, 78, 79]);
    assert.equal(json.summaries.length, 4);
    assert.equal(json.episodes.length, 12);
    assert.equal(typeof json.summaries[0].score.half_width, "number");
    assert.match(await Deno.readTextFile(`${dir}/out/eval.md`), /\| agent \| easy score \|/);

    const jsonl = (await Deno.readTextFile(`${dir}/episodes.jsonl`)).trim().split("\n");
    assert.equal(jsonl.length, 12);
    const regrade = await deno("cli/regrade.ts", `${dir}/episodes.jsonl`);
    assert.equal(regrade.code, 0, regrade.stderr + regrade.stdout);
    assert.match(regrade.stdout, /12 episodes re-graded: 12 agree, 0 differ/);

    // A tampered recording makes regrade fail.
    const first = JSON.parse(jsonl[0]);
    first.grade.score = 0.123;
    await Deno.writeTextFile(`${dir}/bad.jsonl`, JSON.stringify(first) + "\n");
    const bad = await deno("cli/regrade.ts", `${dir}/bad.jsonl`);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /1 differ/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval CLI writes only --json / --csv when given without --out", async () => {
  const dir = await Deno.makeTempDir({ prefix: "eval_cli_" });
  try {
    const run = await deno(
      "cli/eval.ts",
      "--agents=oracle",
      "--tasks=medium",
      "--seeds=2",
      "--quiet",
      `--json=${dir}/r.json`,
      `--csv=${dir}/r.csv`,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["r.csv", "r.json"]);
    assert.equal(run.stderr.split("\n").filter((l) => l.startsWith("[")).length, 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("eval CLI refuses bad flags, unknown agents and missing recordings", async () => {
  assert.throws(() => parseCli(["--seeds", "0"]), /--seeds must be an integer >= 1/);
  assert.throws(() => parseCli(["--frobnicate"]), /frobnicate/);
  assert.equal(parseCli(["--help"]), null);
  const defaults = parseCli([])!;
  assert.equal(defaults.seeds, 100);
  assert.equal(defaults.seedStart, 10_000_000);
  assert.equal(defaults.outputs.json, "eval_results/eval.json");

  const unknown = await deno("cli/eval.ts", "--agents", "nobody", "--json", "/dev/null");
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown agent "nobody"/);
  const missing = await deno("cli/regrade.ts", "/nonexistent/episodes.jsonl");
  assert.equal(missing.code, 2);
});
