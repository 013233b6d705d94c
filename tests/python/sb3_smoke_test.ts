/**
 * The Python side over the wire, for real: starts the server in process (`createApp` on a free
 * port) and runs, with `.venv/bin/python`,
 * - `wire_env_check.py`: Gymnasium's `check_env` on the adapter for every task, encoding, masks,
 *   seeding, errors, the Python task table against the TypeScript registry, and the rule
 *   baseline over the wire against its in-process scores;
 * - `sb3_smoke.py`: a short Stable-Baselines3 PPO training (`examples/train_external.py`), over
 *   `/ws` and over `/ws/vector`;
 * - `vector_env_check.py`: the vector adapter (`/ws/vector`) against the `/ws` adapter.
 *
 * Without `.venv/bin/python` (created by `.ci/setup-python`) the tests are ignored with a
 * message, except under `ALERT_TRIAGE_CI=1`, where they fail.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { createApp } from "../../src/server/app.ts";
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";
import { getTask, gradeEpisode, makeEnv, TASK_IDS } from "../../tasks/registry.ts";
import { toWireScore } from "../../tasks/task.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = `${ROOT}.venv/bin/python`;
const CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";

function hasPython(): boolean {
  try {
    return Deno.statSync(PYTHON).isFile;
  } catch {
    return false;
  }
}
const PYTHON_READY = hasPython();
if (!PYTHON_READY && !CI) {
  console.warn(`sb3_smoke_test: ${PYTHON} missing (run .ci/setup-python); Python tests ignored`);
}

/** Runs `fn` with a live server URL, then shuts the server down. */
async function withServer(fn: (url: string) => Promise<void>): Promise<void> {
  const server = createApp({ maxSessions: 64 });
  const http = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, server.fetch);
  try {
    await fn(`http://127.0.0.1:${http.addr.port}`);
  } finally {
    server.close();
    await http.shutdown();
  }
}

/** Runs a Python script from the venv; returns stdout, throws with the output on failure. */
async function runPython(args: string[], timeoutMs: number): Promise<string> {
  const child = new Deno.Command(PYTHON, {
    args,
    cwd: ROOT,
    env: {
      PYTHONHASHSEED: "0",
      PYTHONUNBUFFERED: "1",
      PYTHONDONTWRITEBYTECODE: "1",
      OMP_NUM_THREADS: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const out = await child.output();
  clearTimeout(timer);
  const dec = new TextDecoder();
  const stdout = dec.decode(out.stdout), stderr = dec.decode(out.stderr);
  assert.equal(
    out.code,
    0,
    `python ${args.join(" ")} exited ${out.code}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
  );
  return stdout;
}

/** The TypeScript side of the facts the Python adapter hard-codes, plus rule scores. */
function expectedFacts(): unknown {
  const tasks: Record<string, unknown> = {};
  const rules: Record<string, { seeds: number[]; scores: number[] }> = {};
  const agent = new RuleBasedAgent();
  for (const id of TASK_IDS) {
    const w = getTask(id).world;
    tasks[id] = {
      services: w.services.map((s) => s.name),
      k: w.k,
      horizon: w.horizon,
      max_queue: w.maxQueue,
      depends_on: Object.fromEntries(w.services.map((s) => [s.name, [...s.dependsOn]])),
    };
    const seeds = [10_000_000, 10_000_001, 10_000_002, 10_000_003];
    const scores = seeds.map((seed) => {
      const env = makeEnv(id);
      let obs = env.reset({ seed }).observation;
      for (;;) {
        const r = env.step(agent.act(obs));
        obs = r.observation;
        if (r.terminated || r.truncated) break;
      }
      return toWireScore(gradeEpisode(env).score);
    });
    rules[id] = { seeds, scores };
  }
  return { tasks, rules };
}

Deno.test({
  name: "python adapter: check_env, encoding, seeding and rule parity over the wire",
  ignore: !PYTHON_READY && !CI,
  async fn() {
    assert.ok(PYTHON_READY, `${PYTHON} missing under ALERT_TRIAGE_CI=1: run .ci/setup-python`);
    const dir = await Deno.makeTempDir({ prefix: "alert-triage-py-" });
    try {
      const facts = `${dir}/expected.json`;
      await Deno.writeTextFile(facts, JSON.stringify(expectedFacts()));
      await withServer(async (url) => {
        const out = await runPython(["tests/python/wire_env_check.py", url, facts], 120_000);
        assert.match(out, /^OK$/m);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "python adapter: Stable-Baselines3 PPO trains over the wire (smoke)",
  ignore: !PYTHON_READY && !CI,
  async fn() {
    assert.ok(PYTHON_READY, `${PYTHON} missing under ALERT_TRIAGE_CI=1: run .ci/setup-python`);
    const dir = await Deno.makeTempDir({ prefix: "alert-triage-sb3-" });
    try {
      await withServer(async (url) => {
        const t0 = performance.now();
        const out = await runPython(["tests/python/sb3_smoke.py", url, dir, "4096"], 150_000);
        const seconds = (performance.now() - t0) / 1000;
        assert.match(out, /^OK sb3 smoke/m);
        console.log(out.trim().split("\n").at(-1), `(${seconds.toFixed(1)} s with startup)`);
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "python vector adapter: byte parity with /ws, Gymnasium vector conventions, SB3 VecEnv",
  ignore: !PYTHON_READY && !CI,
  async fn() {
    assert.ok(PYTHON_READY, `${PYTHON} missing under ALERT_TRIAGE_CI=1: run .ci/setup-python`);
    await withServer(async (url) => {
      const out = await runPython(["tests/python/vector_env_check.py", url], 120_000);
      assert.match(out, /^OK$/m);
    });
  },
});

Deno.test({
  name: "python vector adapter: Stable-Baselines3 PPO trains over /ws/vector (smoke)",
  ignore: !PYTHON_READY && !CI,
  async fn() {
    assert.ok(PYTHON_READY, `${PYTHON} missing under ALERT_TRIAGE_CI=1: run .ci/setup-python`);
    const dir = await Deno.makeTempDir({ prefix: "alert-triage-sb3v-" });
    try {
      await withServer(async (url) => {
        const out = await runPython(["tests/python/sb3_smoke.py", url, dir, "4096", "8"], 150_000);
        assert.match(out, /^OK sb3 smoke \(vector x8\)/m);
        console.log(out.trim().split("\n").at(-1));
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
