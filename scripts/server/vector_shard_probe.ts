/**
 * How much a worker-sharded vector session could gain on this machine: N = 256 `hard` worlds
 * stepped (and their frame written) per frame on one thread, against the same work split in two
 * halves, one on this thread and one in a Worker (`vector_shard_worker.ts`; actions in a
 * `SharedArrayBuffer`, `Atomics` to start the worker and `Atomics.waitAsync` to wait for it).
 * No sockets and no frame assembly: an upper bound for what two shards of one session could do.
 * Rounds alternate the two setups; the table gives ms per frame per round (and, for two
 * threads, the CPU time of both threads per frame: about twice the wall time when the worker
 * really runs beside the main thread) and the medians, with the load average (the machine is
 * shared).
 *
 * `--allow-all`: Deno reads `/proc/loadavg` only with all permissions.
 *
 * ```sh
 * deno run --allow-all scripts/server/vector_shard_probe.ts [--rounds 7] [--frames 300]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { WorldBatch } from "../../src/learn/world_batch.ts";
import { FrameWriter } from "../../src/learn/vector_wire.ts";
import { Rng } from "../../src/rng.ts";
import { getTask } from "../../tasks/registry.ts";
import { cpuSeconds, loadAverage, median } from "./wire_frames.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string", default: "7" }, frames: { type: "string", default: "300" } },
});
const ROUNDS = Number(values.rounds), FRAMES = Number(values.frames);
const N = 256, HALF = N / 2;
const task = getTask("hard");
const rng = new Rng(1);
const single = new WorldBatch({ task, numEnvs: N, seed: 0 });
single.reset();
const S = single.slots;
const pool = Array.from({ length: 16 }, () => {
  const a = new Int8Array(N * S);
  for (let i = 0; i < a.length; i++) a[i] = rng.int(4);
  return a;
});
const singleWriter = new FrameWriter(), localWriter = new FrameWriter();
const local = new WorldBatch({ task, numEnvs: HALF, seed: 1 });
local.reset();
const sab = new SharedArrayBuffer(64 + HALF * S);
const ctl = new Int32Array(sab, 0, 2);
const shared = new Int8Array(sab, 64, HALF * S);
const worker = new Worker(new URL("./vector_shard_worker.ts", import.meta.url).href, {
  type: "module",
});
worker.postMessage({ sab, numEnvs: HALF, seed: 2 });
while (Atomics.load(ctl, 1) === 0) await new Promise((r) => setTimeout(r, 5));
let gen = 1;

function oneThread(k: number): void {
  single.step(pool[k & 15]);
  singleWriter.step(single.worlds, single, null);
}

async function twoThreads(k: number): Promise<void> {
  const a = pool[k & 15];
  shared.set(a.subarray(HALF * S));
  Atomics.store(ctl, 0, ++gen);
  Atomics.notify(ctl, 0);
  local.step(a.subarray(0, HALF * S));
  localWriter.step(local.worlds, local, null);
  for (let done = Atomics.load(ctl, 1); done !== gen; done = Atomics.load(ctl, 1)) {
    const wait = Atomics.waitAsync(ctl, 1, done);
    if (wait.async) await wait.value;
  }
}

/** This process's user + system CPU seconds (all threads). */
const cpu = () => cpuSeconds(Deno.pid);
const one: number[] = [], two: number[] = [], cpuTwo: number[] = [];
console.log(`vector_shard_probe ${new Date().toISOString()}; load average ${loadAverage()}`);
console.log(
  "| round | one thread ms/frame | two threads ms/frame | speed-up | two threads: CPU ms/frame |",
);
console.log("| --: | --: | --: | --: | --: |");
for (let k = 0; k < 30; k++) (oneThread(k), await twoThreads(k));
for (let r = 0; r < ROUNDS; r++) {
  let t = performance.now();
  for (let k = 0; k < FRAMES; k++) oneThread(k);
  one.push((performance.now() - t) / FRAMES);
  t = performance.now();
  const c = cpu();
  for (let k = 0; k < FRAMES; k++) await twoThreads(k);
  two.push((performance.now() - t) / FRAMES);
  cpuTwo.push(((cpu() - c) * 1000) / FRAMES);
  console.log(
    `| ${r + 1} | ${one[r].toFixed(3)} | ${two[r].toFixed(3)} | ${
      (one[r] / two[r]).toFixed(2)
    }x | ` +
      `${cpuTwo[r].toFixed(3)} |`,
  );
}
Atomics.store(ctl, 0, -1);
Atomics.notify(ctl, 0);
worker.terminate();
const m1 = median(one), m2 = median(two);
console.log(
  `median: one thread ${m1.toFixed(3)} ms/frame = ${Math.round((N / m1) * 1000)} env-steps/s; ` +
    `two threads ${m2.toFixed(3)} ms/frame = ${Math.round((N / m2) * 1000)} env-steps/s; ` +
    `${(m1 / m2).toFixed(2)}x; load average after ${loadAverage()}`,
);
