/**
 * A/B of the vectorised protocol between two trees of the repository, interleaved in one run
 * (for a shared, noisy machine: compare the two columns of the same run). Each tree's server
 * runs as its own `deno serve` process; each round measures, for the old tree then the new:
 * the Python client (`scripts/server/bench_wire_client.py`, importing `alert_triage_gym` from
 * that tree's `python/`) at N = 64, and the Deno client (`RemoteVectorEnv` of this tree, raw
 * frames) at N = 256. Printed per row: env-steps/s (median of rounds), the server's CPU per
 * env-step (`/proc/<pid>/stat`, summed over rounds) and, for Python, the client's CPU per
 * env-step (`time.process_time`).
 *
 * ```sh
 * git archive <base-commit> | tar -x -C /tmp/base && ln -s $PWD/.venv /tmp/base/.venv
 * deno run --allow-all scripts/server/bench_vector_ab.ts --base /tmp/base [--rounds 5] [--seconds 2]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { spawnServer } from "./spawn.ts";
import { loadAverage, median, runPythonClient, timed, vectorDeno } from "./wire_frames.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "2" },
    python: { type: "string", default: ".venv/bin/python" },
  },
});
if (!values.base) throw new Error("--base DIR (a tree of the old commit) is required");
const ROOT = new URL("../../", import.meta.url).pathname;
const TREES = [["old", values.base.replace(/\/?$/, "/")], ["new", ROOT]] as const;
const ROUNDS = Number(values.rounds), SECONDS = Number(values.seconds);

async function serve(root: string): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const server = await spawnServer({}, { root });
  return { url: server.url, pid: server.process.pid, stop: () => server.stop() };
}

interface Sample {
  rate: number;
  serverUs: number;
  clientUs: number;
}

async function python(url: string, pid: number, root: string): Promise<Sample> {
  const r = await runPythonClient(values.python!, url, "vector:64", SECONDS, pid, root);
  return {
    rate: r.env_steps_per_s,
    // The server also served the client's warm-up frames (50): counted in its CPU.
    serverUs: (r.serverCpu / (r.env_steps + 50 * 64)) * 1e6,
    clientUs: (r.client_cpu_s / r.env_steps) * 1e6,
  };
}

async function deno(url: string, pid: number): Promise<Sample> {
  const n = 256;
  const [frame, close] = await vectorDeno(url, n);
  const w = await timed(frame, pid, SECONDS);
  await close();
  return {
    rate: w.envSteps / w.seconds,
    serverUs: (w.serverCpu / w.envSteps) * 1e6,
    clientUs: NaN,
  };
}

const started = new Date().toISOString(), loadBefore = loadAverage();
const servers = await Promise.all(TREES.map(([, root]) => serve(root)));
const results: Record<string, Sample[]> = {};
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (let t = 0; t < TREES.length; t++) {
      const [name, root] = TREES[t], s = servers[t];
      (results[`${name} python64`] ??= []).push(await python(s.url, s.pid, root));
      (results[`${name} deno256`] ??= []).push(await deno(s.url, s.pid));
    }
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
} finally {
  for (const s of servers) await s.stop();
}
const f = (x: number, d = 0) =>
  Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: d }) : "";
console.log(
  `bench_vector_ab ${started}; ${ROUNDS} interleaved rounds of ${SECONDS} s; old = ${values.base}; load average before ${loadBefore}, after ${loadAverage()}\n`,
);
console.log(
  "| row | env-steps/s (median) | env-steps/s (each round) | server CPU µs/env-step (median) | client CPU µs/env-step (median) |",
);
console.log("| --- | --: | --- | --: | --: |");
for (const [row, xs] of Object.entries(results)) {
  console.log(
    `| ${row} | ${f(median(xs.map((x) => x.rate)))} | ${
      xs.map((x) => f(x.rate / 1000, 1) + "k").join(", ")
    } | ${f(median(xs.map((x) => x.serverUs)), 2)} | ${f(median(xs.map((x) => x.clientUs)), 2)} |`,
  );
}
