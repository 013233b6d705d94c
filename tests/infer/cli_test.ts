/**
 * `deno task infer` end to end, as a subprocess with API_BASE_URL pointing at the local stub:
 * the stdout must be exactly the OpenEnv lines (one START/END per task, STEP lines numbered from
 * 1), whatever the model does; stderr carries the counters. Also remote mode against a fake
 * OpenEnv server, and the in-process runner's handling of refused actions.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { LlmStats } from "../../src/agents/llm.ts";
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";
import type { Agent } from "../../src/agents/agent.ts";
import { LocalEpisodeEnv } from "../../src/infer/episode_env.ts";
import { runEpisode } from "../../src/infer/runner.ts";
import { gradeEpisode, makeEnv, SUCCESS_THRESHOLDS, TASK_IDS } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";
import { startFakeServer } from "./fake_openenv_server.ts";
import { startStub, type StubMode } from "./stub_server.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const KEY = "sk-test-secret-0042";

const START = /^\[START\] task=(\S+) env=alert-triage model=(\S+)$/;
const STEP =
  /^\[STEP\] step=(\d+) action=(\S+) reward=(-?\d+\.\d{2}) done=(true|false) error=(null|.+)$/;
const END =
  /^\[END\] success=(true|false) steps=(\d+) score=(0\.\d{3}) rewards=((?:-?\d+\.\d{2})(?:,-?\d+\.\d{2})*)?$/;

interface Episode {
  task: string;
  model: string;
  steps: { step: number; action: unknown; reward: string; done: boolean; error: string }[];
  success: boolean;
  stepCount: number;
  score: number;
  rewards: string[];
}

/** Parses stdout strictly: every line must be START, STEP or END, in order. */
function parseStdout(stdout: string): Episode[] {
  const episodes: Episode[] = [];
  let current: Episode | null = null;
  for (const line of stdout.split("\n").filter((l) => l !== "")) {
    let m;
    if ((m = START.exec(line))) {
      assert.equal(current, null, `START inside an episode: ${line}`);
      current = {
        task: m[1],
        model: m[2],
        steps: [],
        success: false,
        stepCount: 0,
        score: 0,
        rewards: [],
      };
    } else if ((m = STEP.exec(line))) {
      assert.ok(current, `STEP outside an episode: ${line}`);
      const step = Number(m[1]);
      assert.equal(step, current.steps.length + 1);
      assert.ok(!current.steps.at(-1)?.done, "STEP after done=true");
      current.steps.push({
        step,
        action: JSON.parse(m[2]),
        reward: m[3],
        done: m[4] === "true",
        error: m[5],
      });
    } else if ((m = END.exec(line))) {
      assert.ok(current, `END outside an episode: ${line}`);
      current.success = m[1] === "true";
      current.stepCount = Number(m[2]);
      current.score = Number(m[3]);
      current.rewards = m[4] ? m[4].split(",") : [];
      assert.equal(current.stepCount, current.steps.length);
      assert.deepEqual(current.rewards, current.steps.map((s) => s.reward));
      assert.ok(current.score > 0 && current.score < 1);
      episodes.push(current);
      current = null;
    } else {
      assert.fail(`unexpected stdout line: ${line}`);
    }
  }
  assert.equal(current, null, "episode without END");
  return episodes;
}

/** Per-task counters from the `llm_stats` stderr lines. */
function parseStats(stderr: string): (LlmStats & { task: string })[] {
  return [...stderr.matchAll(/\[DEBUG\] llm_stats (\{.*\})$/gm)].map((m) => JSON.parse(m[1]));
}

async function infer(args: string[], env: Record<string, string>, viaTask = false) {
  const cmd = viaTask
    ? ["task", "infer", ...args]
    : ["run", "--allow-net", "--allow-env", "cli/infer.ts", ...args];
  const home = Deno.env.get("HOME") ?? "/root";
  const out = await new Deno.Command(Deno.execPath(), {
    args: cmd,
    cwd: ROOT,
    clearEnv: true,
    env: {
      HOME: home,
      NO_COLOR: "1",
      ...(Deno.env.get("DENO_DIR") ? { DENO_DIR: Deno.env.get("DENO_DIR")! } : {}),
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** The rule baseline's wire score on a task and seed, in-process. */
function ruleScore(task: string, seed: number): number {
  const env = makeEnv(task);
  const agent = new RuleBasedAgent();
  let { observation } = env.reset({ seed });
  for (;;) {
    const r = env.step(agent.act(observation));
    observation = r.observation;
    if (r.terminated || r.truncated) break;
  }
  return toWireScore(gradeEpisode(env).score);
}

Deno.test("deno task infer runs every task against the stub and prints exact OpenEnv lines", async () => {
  const stub = startStub("good");
  try {
    const r = await infer(["--seed", "11"], {
      API_BASE_URL: stub.url,
      MODEL_NAME: "stub-model",
      HF_TOKEN: KEY,
    }, true);
    assert.equal(r.code, 0, r.stderr);
    const episodes = parseStdout(r.stdout);
    assert.deepEqual(episodes.map((e) => e.task), [...TASK_IDS]);
    for (const e of episodes) {
      assert.equal(e.model, "stub-model");
      assert.ok(e.steps.at(-1)!.done);
      assert.ok(e.steps.every((s) => s.error === "null"));
      // The stub answers like the rule baseline, so the LLM run must score exactly like it.
      assert.equal(e.score, ruleScore(e.task, 11));
      assert.equal(e.success, e.score >= SUCCESS_THRESHOLDS[e.task]);
    }
    const stats = parseStats(r.stderr);
    assert.equal(stats.length, 3);
    for (const s of stats) {
      assert.equal(s.fallbacks, 0);
      assert.ok(s.llm_actions > 0);
    }
    assert.ok(stub.requests.every((q) => q.authorization === `Bearer ${KEY}`));
    assert.ok(!r.stdout.includes(KEY) && !r.stderr.includes(KEY), "the key was printed");
  } finally {
    await stub.close();
  }
});

const FAILURES: { mode: StubMode; reason: keyof LlmStats; extra: string[] }[] = [
  { mode: "malformed", reason: "parse_errors", extra: [] },
  { mode: "refusal", reason: "refusals", extra: [] },
  { mode: "timeout", reason: "timeouts", extra: ["--timeout", "0.15", "--retries", "0"] },
  { mode: "error500", reason: "api_errors", extra: ["--retries", "0"] },
  { mode: "rate_limit", reason: "rate_limited", extra: ["--retries", "0"] },
];

Deno.test("deno task infer completes with valid lines and counted fallbacks when the model fails", async () => {
  await Promise.all(FAILURES.map(async ({ mode, reason, extra }) => {
    const stub = startStub(mode);
    stub.rateLimits = 1_000;
    try {
      const t0 = performance.now();
      const r = await infer(["--max-steps", "3", ...extra], {
        API_BASE_URL: stub.url,
        API_KEY: KEY,
      });
      assert.equal(r.code, 0, `${mode}: ${r.stderr}`);
      assert.ok(performance.now() - t0 < 20_000, `${mode} too slow`);
      const episodes = parseStdout(r.stdout);
      assert.deepEqual(episodes.map((e) => e.task), [...TASK_IDS], mode);
      assert.ok(
        episodes.every((e) => e.stepCount === 3 && e.model === "Qwen/Qwen2.5-72B-Instruct"),
      );
      const stats = parseStats(r.stderr);
      const total = stats.reduce((n, s) => n + s.fallbacks, 0);
      const ticks = stats.reduce((n, s) => n + s.ticks - s.empty_ticks, 0);
      assert.equal(total, ticks, `${mode}: every tick fell back`);
      assert.ok(stats.reduce((n, s) => n + (s[reason] as number), 0) > 0, `${mode}: no ${reason}`);
      assert.ok(!r.stderr.includes(KEY));
    } finally {
      await stub.close();
    }
  }));
});

Deno.test("deno task infer --url plays a server over HTTP like the in-process run", async () => {
  const stub = startStub("good");
  const server = startFakeServer();
  try {
    const env = { API_BASE_URL: stub.url, API_KEY: KEY };
    const args = ["--seed", "5", "--tasks", "easy,hard"];
    const [remote, local] = await Promise.all([
      infer([...args, "--url", server.url + "/"], env),
      infer(args, env),
    ]);
    assert.equal(remote.code, 0, remote.stderr);
    assert.equal(remote.stdout, local.stdout);
    assert.deepEqual(parseStdout(remote.stdout).map((e) => e.task), ["easy", "hard"]);
    assert.equal(server.paths.filter((p) => p === "/reset").length, 2);
  } finally {
    await Promise.all([stub.close(), server.close()]);
  }
});

Deno.test("deno task infer still prints START and END per task when the server is down", async () => {
  const r = await infer(["--url", "http://127.0.0.1:9", "--time-limit", "0"], {});
  assert.equal(r.code, 1);
  const episodes = parseStdout(r.stdout);
  assert.deepEqual(episodes.map((e) => [e.task, e.success, e.stepCount, e.score]), [
    ["easy", false, 0, 0.001],
    ["medium", false, 0, 0.001],
    ["hard", false, 0, 0.001],
  ]);
  assert.match(r.stderr, /episode failed/);
});

Deno.test("deno task infer rejects bad flags with status 2 and nothing on stdout", async () => {
  for (const args of [["--tasks", "nope"], ["--seed", "-3"], ["--bogus"], ["--timeout", "x"]]) {
    const r = await infer(args, {});
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stdout, "");
  }
});

Deno.test("runEpisode plays a refused action with the rule baseline and prints the error", async () => {
  const lines: string[] = [];
  let calls = 0;
  const rogue: Agent = {
    name: "rogue",
    act: (o) => {
      calls++;
      if (calls === 2) return { decisions: [{ alert_id: "A99999", action_type: "IGNORE" }] };
      if (calls === 3) throw new Error("agent crashed");
      return new RuleBasedAgent().act(o);
    },
  };
  const summary = await runEpisode({
    env: new LocalEpisodeEnv(),
    agent: rogue,
    taskId: "medium",
    seed: 3,
    model: "rogue",
    maxSteps: 4,
    write: (l) => lines.push(l),
    log: () => {},
  });
  const episodes = parseStdout(lines.join("\n"));
  assert.equal(episodes.length, 1);
  assert.match(episodes[0].steps[1].error, /^decisions\[0\]\.alert_id: unknown alert id "A99999"$/);
  assert.equal(episodes[0].steps[2].error, "null");
  assert.equal(summary.rejected, 1);
  assert.equal(summary.steps, 4);
  assert.equal(summary.error, null);
});
