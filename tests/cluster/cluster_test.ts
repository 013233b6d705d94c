/**
 * The cluster end to end, on real engines: the ingest service, 2 replicas and HAProxy
 * (`scripts/cluster/launch.ts`, `deploy/haproxy.cfg`), then Ray (`examples/ray_rollouts.py`)
 * through the balancer while a replica is killed and restarted.
 *
 * Needs `haproxy` on PATH and Ray in `.venv` (both from `.ci/setup-cluster`); without them the
 * tests are ignored with a message, except under `ALERT_TRIAGE_CI=1`, where they fail.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type Cluster, startCluster } from "../../scripts/cluster/launch.ts";
import { evaluate } from "../../src/eval/evaluate.ts";
import { CI, clusterReady, serverStates, spawnPython, untilState } from "./cluster_helpers.ts";

const TOKEN = "cluster-test-token";
const READY = await clusterReady("cluster_test");

const json = { "Content-Type": "application/json" };
const auth = { Authorization: `Bearer ${TOKEN}` };

/** Each named session's secret (`X-Session-Token`, answered by the reset that created it). */
const tokens = new Map<string, string>();

function sessionHeaders(sid: string): Record<string, string> {
  const token = tokens.get(sid);
  return { "X-Session-Id": sid, ...(token ? { "X-Session-Token": token } : {}) };
}

async function reset(cluster: Cluster, sid: string, body: Record<string, unknown> = {}) {
  const res = await fetch(`${cluster.url}/reset`, {
    method: "POST",
    headers: { ...json, ...sessionHeaders(sid) },
    body: JSON.stringify({ task_id: "easy", seed: 1, ...body }),
  });
  const payload = await res.json();
  const token = res.headers.get("X-Session-Token");
  if (token) tokens.set(sid, token); // a new session (also one re-created on a survivor)
  return { status: res.status, by: res.headers.get("X-Served-By"), payload };
}

async function step(cluster: Cluster, sid: string) {
  const res = await fetch(`${cluster.url}/step`, {
    method: "POST",
    headers: { ...json, ...sessionHeaders(sid) },
    body: JSON.stringify({ action: { decisions: [] } }),
  });
  const payload = await res.json();
  return { status: res.status, by: res.headers.get("X-Served-By"), payload };
}

/** Session ids until `want` replicas have at least one (consistent hashing spreads them). */
async function sessionsOnEach(cluster: Cluster, prefix: string, want: string[]) {
  const placed = new Map<string, string>();
  for (let i = 0; i < 64 && !want.every((r) => [...placed.values()].includes(r)); i++) {
    const r = await reset(cluster, `${prefix}-${i}`);
    assert.equal(r.status, 200, JSON.stringify(r.payload));
    placed.set(`${prefix}-${i}`, r.by!);
  }
  for (const r of want) assert.ok([...placed.values()].includes(r), `no session landed on ${r}`);
  return placed;
}

Deno.test({
  name: "cluster: 2 replicas + HAProxy + one ingest service + Ray, a replica killed mid-run",
  ignore: !READY && !CI,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    assert.ok(READY, "haproxy or Ray missing under ALERT_TRIAGE_CI=1: run .ci/setup-cluster");
    const cluster = await startCluster({
      replicas: 2,
      port: 0,
      kvPath: ":memory:",
      token: TOKEN,
      quiet: true,
    });
    try {
      await t.step(
        "an alert posted through the balancer is replayable from every replica",
        async () => {
          const res = await fetch(`${cluster.url}/ingest/alerts`, {
            method: "POST",
            headers: { ...json, ...auth },
            body: JSON.stringify({
              title: "Disk full on db-1",
              severity: "critical",
              service: "db-primary",
            }),
          });
          assert.equal(res.status, 202, await res.text());
          for (const replica of cluster.replicaUrls) {
            const r = await fetch(`${replica}/reset`, {
              method: "POST",
              headers: { ...json, ...auth }, // replay reads ingested alerts: the ingest token
              body: JSON.stringify({ task_id: "easy", seed: 3, source: "replay" }),
            });
            const body = await r.json();
            assert.equal(r.status, 200, JSON.stringify(body));
            const alerts = body.observation.alerts as { service: string; alert_type: string }[];
            assert.deepEqual(
              alerts.map((a) => [a.service, a.alert_type]),
              [["db-primary", "DISK"]],
              `replica ${replica}`,
            );
          }
          // The feed is the service's, with its token; a replica does not take writes itself.
          assert.equal((await fetch(`${cluster.url}/ingest/replay`)).status, 401);
          const direct = await fetch(`${cluster.replicaUrls[0]}/ingest/alerts`, {
            method: "POST",
            headers: { ...json, ...auth },
            body: JSON.stringify({ title: "x", severity: "critical" }),
          });
          assert.equal(direct.status, 503);
          await direct.body?.cancel();
        },
      );

      await t.step("HTTP sessions stay on the replica that created them", async () => {
        const placed = await sessionsOnEach(cluster, "stick", ["r1", "r2"]);
        for (const [sid, by] of placed) {
          const s = await step(cluster, sid);
          assert.equal(s.status, 200, JSON.stringify(s.payload));
          assert.equal(s.by, by, `session ${sid}`);
        }
      });

      await t.step(
        "a dead replica's sessions get a clear error; HAProxy takes it back",
        async () => {
          const placed = await sessionsOnEach(cluster, "fail", ["r1", "r2"]);
          await cluster.kill(0);
          for (const [sid, by] of placed) {
            const s = await step(cluster, sid);
            if (by === "r2") {
              assert.equal(s.status, 200);
              continue;
            }
            assert.equal(s.status, 404, JSON.stringify(s.payload));
            assert.equal(s.by, "r2");
            assert.match(s.payload.detail, /Unknown or expired session .*POST \/reset/);
            assert.equal((await reset(cluster, sid)).by, "r2"); // reset again: on a survivor
          }
          await untilState(cluster.statsUrl, "replicas/r1", "DOWN");
          for (let i = 0; i < 6; i++) assert.equal((await reset(cluster, `new-${i}`)).by, "r2");
          await cluster.restart(0);
          await untilState(cluster.statsUrl, "replicas/r1", "UP");
          await sessionsOnEach(cluster, "back", ["r1"]);
          for (const [sid, by] of placed) {
            if (by === "r1") assert.equal((await step(cluster, sid)).by, "r2"); // still pinned
          }
          assert.deepEqual(await serverStates(cluster.statsUrl), {
            "replicas/r1": "UP",
            "replicas/r2": "UP",
            "ws_replicas/r1": "UP",
            "ws_replicas/r2": "UP",
            "ingest/ingest": "UP",
          });
        },
      );

      await t.step(
        "Ray: 2 actors evaluate through the balancer while r1 is killed and restarted; every episode completes, retried elsewhere, with the local evaluation's results",
        async () => {
          const out = await Deno.makeTempDir({ prefix: "ray-rollouts-" });
          const episodes = 150;
          const child = spawnPython([
            "examples/ray_rollouts.py",
            "--url",
            cluster.url,
            "--actors",
            "2",
            "--tasks",
            "hard",
            "--episodes",
            String(episodes),
            "--out",
            out,
          ]);
          const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
          let log = "";
          let killed = false;
          const lines = child.stdout.pipeThrough(new TextDecoderStream());
          const errText = new Response(child.stderr).text();
          for await (const chunk of lines) {
            log += chunk;
            if (!killed && /episode 20\//.test(log)) {
              killed = true;
              await cluster.kill(0);
              setTimeout(() => void cluster.restart(0).catch(() => {}), 1500);
            }
          }
          const status = await child.status;
          clearTimeout(timer);
          assert.equal(status.code, 0, `${log}\n--- stderr\n${(await errText).slice(-3000)}`);
          assert.ok(killed, `the run ended before the kill:\n${log}`);
          const record = JSON.parse(await Deno.readTextFile(`${out}/rollouts.json`));
          assert.equal(record.episodes, episodes);
          const failures = record.failed_attempts as { served_by: string; retried_on: string }[];
          assert.ok(failures.length >= 1, `no attempt failed:\n${log}`);
          for (const f of failures) {
            assert.equal(f.served_by, "r1", JSON.stringify(f));
            assert.equal(f.retried_on, "r2", JSON.stringify(f));
          }
          const rows = (await Deno.readTextFile(`${out}/episodes.jsonl`)).trim().split("\n")
            .map((l) => JSON.parse(l) as { seed: number; score: number; return: number });
          rows.sort((a, b) => a.seed - b.seed);
          const local = await evaluate({ agents: ["rules"], tasks: ["hard"], seeds: episodes });
          assert.deepEqual(
            rows.map((r) => [r.seed, r.score]),
            local.episodes.map((e) => [e.seed, e.score]),
          );
          const csv = await Deno.readTextFile(`${out}/eval.csv`);
          assert.match(csv, /^agent,task,episodes,score_mean/);
          await Deno.remove(out, { recursive: true });
          await untilState(cluster.statsUrl, "replicas/r1", "UP");
        },
      );

      await t.step(
        "RLlib PPO smoke: 2 env runners train 3 iterations over the balancer, then evaluate next to the rules",
        async () => {
          const dir = await Deno.makeTempDir({ prefix: "rllib-smoke-" });
          const child = spawnPython([
            "examples/rllib_train.py",
            "--url",
            cluster.url,
            "--smoke",
            "--summary-json",
            `${dir}/summary.json`,
            "--curve-csv",
            `${dir}/curve.csv`,
          ]);
          const timer = setTimeout(() => child.kill("SIGKILL"), 400_000);
          const out = await child.output();
          clearTimeout(timer);
          const dec = new TextDecoder();
          assert.equal(
            out.code,
            0,
            `${dec.decode(out.stdout)}\n--- stderr\n${dec.decode(out.stderr).slice(-4000)}`,
          );
          const summary = JSON.parse(await Deno.readTextFile(`${dir}/summary.json`));
          assert.equal(summary.env_runners, 2);
          assert.equal(summary.curve.length, 3);
          assert.ok(summary.timesteps >= 600, JSON.stringify(summary));
          for (const k of ["rllib_ppo_score", "rules_score"]) {
            assert.ok(summary[k] > 0 && summary[k] < 1, `${k} ${summary[k]}`);
          }
          const curve = (await Deno.readTextFile(`${dir}/curve.csv`)).trim().split("\n");
          assert.equal(curve.length, 4);
          assert.match(curve[0], /^iteration,env_steps,episodes,return_mean,task_score_mean/);
          await Deno.remove(dir, { recursive: true });
        },
      );

      await t.step("no acknowledged alert is lost while a replica dies", async () => {
        const post = (i: number) =>
          fetch(`${cluster.url}/ingest/alerts`, {
            method: "POST",
            headers: { ...json, ...auth },
            body: JSON.stringify({
              title: `CPU saturation ${i}`,
              severity: "warning",
              service: "api-gateway",
            }),
          });
        const sent = Array.from({ length: 60 }, (_, i) => i);
        const killing = (async () => {
          await new Promise((r) => setTimeout(r, 20));
          await cluster.kill(1);
        })();
        const answers = await Promise.all(sent.map(async (i) => {
          const res = await post(i);
          await res.body?.cancel();
          return [i, res.status] as const;
        }));
        await killing;
        const acked = answers.filter(([, s]) => s === 202).map(([i]) => `CPU saturation ${i}`);
        assert.equal(acked.length, sent.length, JSON.stringify(answers));
        const feed = await fetch(`${cluster.url}/ingest/replay?limit=1000`, { headers: auth });
        const keys = new Set(
          (await feed.text()).trim().split("\n").map((l) => JSON.parse(l).title as string),
        );
        for (const k of acked) assert.ok(keys.has(k), `acknowledged ${k} missing`);
        await cluster.restart(1);
      });
    } finally {
      await cluster.stop();
    }
  },
});
