/**
 * Vector workers A/B: two servers of this tree (`deno serve`, least privilege as `deno task
 * start`), one with `ALERT_TRIAGE_VECTOR_WORKERS=0` and one with `=K` (default 1), the same
 * Deno client (`RemoteVectorEnv`, raw frames, `hard`) at each N, interleaved round by round
 * (for a shared, noisy machine: read the ratio of the same run). Printed per N: env-steps/s
 * (median of rounds) for both servers, their ratio, and each server's CPU per env-step (all
 * its threads, `/proc/<pid>/stat`), with the load average before and after.
 *
 * ```sh
 * deno run --allow-all scripts/server/bench_vector_workers.ts [--workers 1] [--ns 16,64,256] \
 *   [--rounds 5] [--seconds 2]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { spawnServer } from "./spawn.ts";
import {
  loadAverage,
  median,
  timed,
  vectorDeno,
  waitForVectorWorkers,
  type Window,
} from "./wire_frames.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    workers: { type: "string", default: "1" },
    ns: { type: "string", default: "16,64,256" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "2" },
  },
});
const K = Number(values.workers), ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds), NS = values.ns!.split(",").map(Number);

const started = new Date().toISOString(), loadBefore = loadAverage();
const servers = [
  await spawnServer({ ALERT_TRIAGE_VECTOR_WORKERS: "0" }),
  await spawnServer({ ALERT_TRIAGE_VECTOR_WORKERS: String(K) }),
];
const windows = new Map<string, Window[]>();
try {
  await waitForVectorWorkers(servers[1].url, K);
  const clients = await Promise.all(
    NS.flatMap((n) => servers.map(async (s, i) => ({ n, i, s, c: await vectorDeno(s.url, n) }))),
  );
  for (let round = 0; round < ROUNDS; round++) {
    for (const { n, i, s, c: [frame] } of clients) {
      const key = `${n}/${i}`;
      windows.set(key, [...windows.get(key) ?? [], await timed(frame, s.process.pid, SECONDS)]);
    }
    console.error(`round ${round + 1}/${ROUNDS} done`);
  }
  for (const { c: [, close] } of clients) await close();
} finally {
  for (const s of servers) await s.stop();
}
const rate = (ws: Window[]) => median(ws.map((w) => w.envSteps / w.seconds));
const cpuUs = (ws: Window[]) => median(ws.map((w) => (w.serverCpu / w.envSteps) * 1e6));
const f0 = (x: number) => Math.round(x).toLocaleString("en-US");
console.log(
  `bench_vector_workers ${started}; ${ROUNDS} interleaved rounds of ${SECONDS} s; ` +
    `${navigator.hardwareConcurrency} logical CPUs; load average before ${loadBefore}, after ${loadAverage()}\n`,
);
console.log(
  `| N | K = 0 env-steps/s | K = ${K} env-steps/s | K = ${K} / K = 0 | K = 0 server CPU µs/env-step | K = ${K} server CPU µs/env-step |`,
);
console.log("| --: | --: | --: | --: | --: | --: |");
for (const n of NS) {
  const [a, b] = [windows.get(`${n}/0`)!, windows.get(`${n}/1`)!];
  console.log(
    `| ${n} | ${f0(rate(a))} | ${f0(rate(b))} | ${(rate(b) / rate(a)).toFixed(2)}x | ` +
      `${cpuUs(a).toFixed(2)} | ${cpuUs(b).toFixed(2)} |`,
  );
}
