/**
 * The real OpenEnv Python client and validator against the running server. Needs
 * `.venv/bin/python` (created by `.ci/setup-python`): without it the tests are ignored, unless
 * `ALERT_TRIAGE_CI=1`, in which case they fail.
 *
 * @module
 */
import { deepEqual, equal, fail, match, ok } from "node:assert/strict";
import { withServer } from "./helpers.ts";
import { gradeEpisode, makeEnv, RuleBasedAgent, TASK_IDS } from "../../mod.ts";
import { toWireScore } from "../../tasks/task.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PYTHON = `${ROOT}.venv/bin/python`;
const OPENENV = `${ROOT}.venv/bin/openenv`;
const SCRIPT = new URL("./py/client_episodes.py", import.meta.url).pathname;

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

const CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";
const HAVE_PYTHON = exists(PYTHON) && exists(OPENENV);
if (!HAVE_PYTHON && !CI) {
  console.warn(
    `python_client_test: ${PYTHON} not found; run .ci/setup-python to enable these tests`,
  );
}

async function run(cmd: string, args: string[]): Promise<{ code: number; out: string }> {
  const result = await new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_PROXY: "127.0.0.1,localhost", no_proxy: "127.0.0.1,localhost" },
  }).output();
  const out = new TextDecoder().decode(result.stdout);
  if (result.code !== 0) {
    console.error(new TextDecoder().decode(result.stderr));
  }
  return { code: result.code, out };
}

/** The rule-based agent's episode in-process. */
function local(task: string, seed: number) {
  const env = makeEnv(task);
  const agent = new RuleBasedAgent();
  let { observation } = env.reset({ seed });
  let steps = 0, total = 0;
  for (;;) {
    const r = env.step(agent.act(observation));
    steps++;
    total += r.reward.value;
    observation = r.observation;
    if (r.terminated || r.truncated) break;
  }
  const grade = gradeEpisode(env);
  return { steps, total, score: toWireScore(grade.score), grade };
}

Deno.test({
  name:
    "openenv-core's MCPToolClient lists tools before any reset and call_tool returns the payload (WS and HTTP)",
  ignore: !HAVE_PYTHON && !CI,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (!HAVE_PYTHON) fail(`${PYTHON} is missing (ALERT_TRIAGE_CI=1): run .ci/setup-python`);
    const script = new URL("./py/mcp_tool_client.py", import.meta.url).pathname;
    await withServer(async ({ url }) => {
      const { code, out } = await run(PYTHON, [script, url]);
      equal(code, 0, "MCPToolClient script failed");
      const report = JSON.parse(out);
      for (const transport of ["ws", "http"]) {
        deepEqual(report[transport], {
          tools: ["reset", "state", "step"],
          reset_keys: ["done", "observation", "reward"],
          reset_done: false,
          step_reward_is_number: true,
          state_step_count: 1,
        }, transport);
      }
    });
  },
});

Deno.test({
  name: "the real openenv-core GenericEnvClient plays full episodes on every task",
  ignore: !HAVE_PYTHON && !CI,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (!HAVE_PYTHON) fail(`${PYTHON} is missing (ALERT_TRIAGE_CI=1): run .ci/setup-python`);
    await withServer(async ({ url }) => {
      const { code, out } = await run(PYTHON, [SCRIPT, url, "7"]);
      equal(code, 0, "client script failed");
      const report = JSON.parse(out);
      deepEqual(report.episodes.map((e: { task: string }) => e.task), [...TASK_IDS]);
      for (const e of report.episodes) {
        const expected = local(e.task, 7);
        equal(e.steps, expected.steps, e.task);
        equal(e.total_reward, expected.total, e.task);
        equal(e.task_score, expected.score, e.task);
        equal(e.success, expected.grade.success, e.task);
        deepEqual(e.breakdown, expected.grade.components);
        equal(e.state_step_count, expected.steps);
        equal(e.state_task_id, e.task);
      }
      match(report.errors.unknown_alert, /code: VALIDATION_ERROR/);
      match(report.errors.unknown_alert, /unknown alert id/);
      equal(report.errors.step_count_after_rejection, 0);
      deepEqual(report.sync, { reward_is_number: true, done: false });
    });
  },
});

Deno.test({
  name: "openenv validate --url passes against the running server",
  ignore: !HAVE_PYTHON && !CI,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (!HAVE_PYTHON) fail(`${OPENENV} is missing (ALERT_TRIAGE_CI=1): run .ci/setup-python`);
    await withServer(async ({ url }) => {
      const { code, out } = await run(OPENENV, ["validate", "--url", url]);
      const report = JSON.parse(out);
      equal(report.passed, true, out);
      equal(code, 0);
      equal(report.mode, "simulation");
      equal(report.standard_version, "0.1.0");
      equal(report.summary.passed_count, 6);
      ok(report.criteria.every((c: { passed: boolean }) => c.passed));
    });
  },
});
