/**
 * A/B of two server trees on the lock-step rows of `deno task bench:wire`, interleaved in one
 * run: HTTP `POST /step` and `/ws` against the server of `--before` (a checkout of an earlier
 * commit) and of `--after` (default: this tree), each under `deno serve` with the same flags,
 * the bare `Deno.serve` ceilings (the after server's replies recorded and replayed; one fixed
 * reply) and the openenv-core echo reference. Per row: env-steps/s (median of the rounds), the
 * server's and this client's CPU per step (`/proc/<pid>/stat`, summed over the rounds); then the
 * ratios the targets compare, before and after. On a shared machine compare within one run.
 *
 * ```sh
 * git worktree add /tmp/before <commit>   # or: git archive <commit> | tar -x -C /tmp/before
 * deno run --allow-all scripts/server/bench_ab.ts --before /tmp/before [--after .] \
 *   [--rounds 6] [--seconds 2] [--python .venv/bin/python]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { spawnServer } from "./spawn.ts";
import { spawnReference } from "./bench_ws.ts";
import {
  BARE,
  BARE_FIXED,
  bareHttp,
  bareServer,
  cpuSeconds,
  type Frame,
  loadAverage,
  median,
  oursHttp,
  oursWs,
  recordEpisodes,
  refWs,
  timed,
} from "./wire_frames.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    before: { type: "string" },
    after: { type: "string", default: new URL("../../", import.meta.url).pathname },
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "2" },
    python: { type: "string", default: ".venv/bin/python" },
  },
});
if (!values.before) throw new Error("--before DIR (a tree of the earlier commit) is required");

const trees = { before: values.before, after: values.after };
const sessions = { ALERT_TRIAGE_MAX_SESSIONS: "64" };
const before = await spawnServer(sessions, { root: trees.before });
const after = await spawnServer(sessions, { root: trees.after });
const ref = await spawnReference(values.python);
const file = await Deno.makeTempFile({ suffix: ".json" });
const fixedFile = await Deno.makeTempFile({ suffix: ".json" });
const episodes = await recordEpisodes(after.url);
await Deno.writeTextFile(file, JSON.stringify(episodes));
await Deno.writeTextFile(
  fixedFile,
  JSON.stringify([{ reset: episodes[0].reset, steps: [episodes[0].steps[0]] }]),
);
const bare = bareServer(file), bareFixed = bareServer(fixedFile);
const closers: (() => Promise<void>)[] = [];
const rows = new Map<string, { steps: number; seconds: number; cpu: number; client: number }>();
const rates = new Map<string, number[]>();
try {
  const cases: [string, Frame, number][] = [
    ["HTTP before", oursHttp(before.url), before.process.pid],
    ["HTTP after", oursHttp(after.url), after.process.pid],
    [`HTTP ${BARE}`, oursHttp(await bare.url), bare.process.pid],
    [`HTTP ${BARE_FIXED}`, bareHttp(await bareFixed.url), bareFixed.process.pid],
  ];
  for (const [name, server] of [["before", before], ["after", after]] as const) {
    const [frame, close] = await oursWs(server.url);
    cases.push([`WS ${name}`, frame, server.process.pid]);
    closers.push(close);
  }
  const [echo, closeEcho] = await refWs(ref.url);
  cases.push(["WS openenv-core echo", echo, ref.pid]);
  closers.push(closeEcho);
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const [name, frame, pid] of cases) {
      const client0 = cpuSeconds(Deno.pid);
      const w = await timed(frame, pid, Number(values.seconds));
      const r = rows.get(name) ?? { steps: 0, seconds: 0, cpu: 0, client: 0 };
      r.steps += w.envSteps;
      r.seconds += w.seconds;
      r.cpu += w.serverCpu;
      r.client += cpuSeconds(Deno.pid) - client0;
      rows.set(name, r);
      rates.set(name, [...rates.get(name) ?? [], w.envSteps / w.seconds]);
    }
    console.error(`round ${round + 1}/${values.rounds} done`);
  }
} finally {
  for (const close of closers) await close().catch(() => {});
  for (const p of [before.process, after.process, bare.process, bareFixed.process]) {
    p.kill("SIGKILL");
    await p.status;
  }
  await ref.stop();
  await Deno.remove(file);
  await Deno.remove(fixedFile);
}

const rate = (name: string) => median(rates.get(name)!);
const load = loadAverage();
console.log(
  `bench_ab ${new Date().toISOString()}; before ${trees.before}, after ${trees.after}; ` +
    `${values.rounds} interleaved rounds of ${values.seconds} s; load average after ${load}`,
);
console.log("");
console.log("| row | steps/s (median) | server CPU µs/step | client CPU µs/step |");
console.log("| --- | --: | --: | --: |");
for (const [name, r] of rows) {
  console.log(
    `| ${name} | ${Math.round(rate(name)).toLocaleString("en-US")} | ` +
      `${(r.cpu / r.steps * 1e6).toFixed(1)} | ${(r.client / r.steps * 1e6).toFixed(1)} |`,
  );
}
const pct = (a: string, b: string) => `${(100 * rate(a) / rate(b)).toFixed(0)}%`;
const times = (a: string, b: string) => `${(rate(a) / rate(b)).toFixed(1)}x`;
console.log("");
for (const side of ["before", "after"]) {
  console.log(
    `${side}: HTTP ${pct(`HTTP ${side}`, `HTTP ${BARE}`)} of the bare ceiling ` +
      `(${pct(`HTTP ${side}`, `HTTP ${BARE_FIXED}`)} of the one-fixed-reply ceiling); ` +
      `WS ${times(`WS ${side}`, "WS openenv-core echo")} the echo server`,
  );
}
