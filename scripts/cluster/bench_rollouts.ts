/**
 * Throughput of distributed evaluation: for each replica count, starts the cluster (`launch.ts`),
 * runs `examples/ray_rollouts.py` (R Ray actors, the rule agent, E episodes per task) through
 * HAProxy, and reports episodes/s, env-steps/s and the CPU seconds of every part: the replicas,
 * HAProxy, the ingest service (from `/proc/<pid>/stat`), the Ray actors (their own rusage), and
 * the whole machine (`/proc/stat`, other users of the machine included). Server CPU per env-step
 * (replicas' CPU over the steps) is the number the README's sizing note scales up.
 *
 * ```sh
 * deno run -A scripts/cluster/bench_rollouts.ts --replicas 1,2 --actors 4 --episodes 200 \
 *   --tasks easy [--json bench_cluster.json]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { startCluster } from "./launch.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const TICKS = 100; // USER_HZ

/** User + system CPU seconds of a process (0 once it is gone). */
export function processCpu(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine so far. */
export function machineCpu(): { busy: number; total: number } {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = v[3] + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: (total - idle) / TICKS, total: total / TICKS };
}

/** One measured run. */
export interface BenchRow {
  /** Replicas behind HAProxy. */
  replicas: number;
  /** Ray actors. */
  actors: number;
  /** Episodes played. */
  episodes: number;
  /** Env-steps played. */
  env_steps: number;
  /** Wall seconds of the episodes (Ray start excluded). */
  seconds: number;
  /** Episodes per second. */
  episodes_per_s: number;
  /** Env-steps per second. */
  env_steps_per_s: number;
  /** CPU seconds of all replicas during the run. */
  replica_cpu_s: number;
  /** CPU seconds of HAProxy. */
  haproxy_cpu_s: number;
  /** CPU seconds of the ingest service. */
  ingest_cpu_s: number;
  /** CPU seconds of the Ray actors. */
  actor_cpu_s: number;
  /** Machine busy CPU seconds over the whole command (Ray start included; all users). */
  machine_busy_s: number;
  /** Machine wall seconds of that window times cores. */
  machine_total_s: number;
  /** Replica CPU microseconds per env-step. */
  replica_us_per_step: number;
  /** HAProxy CPU microseconds per env-step. */
  haproxy_us_per_step: number;
}

async function measure(
  replicas: number,
  actors: number,
  episodes: number,
  tasks: string,
): Promise<BenchRow> {
  const cluster = await startCluster({ replicas, port: 0, kvPath: ":memory:", quiet: true });
  const out = await Deno.makeTempDir({ prefix: "bench-rollouts-" });
  try {
    const pids = cluster.replicaPids();
    const { haproxy, ingest } = cluster.servicePids;
    const cpu0 = { r: pids.map(processCpu), h: processCpu(haproxy), i: processCpu(ingest) };
    const m0 = machineCpu();
    const run = await new Deno.Command(`${ROOT}.venv/bin/python`, {
      args: [
        "examples/ray_rollouts.py",
        "--url",
        cluster.url,
        "--actors",
        String(actors),
        "--episodes",
        String(episodes),
        "--tasks",
        tasks,
        "--out",
        out,
        "--quiet",
        "--no-report",
      ],
      cwd: ROOT,
      env: { PYTHONUNBUFFERED: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const m1 = machineCpu();
    if (!run.success) throw new Error(new TextDecoder().decode(run.stderr).slice(-3000));
    const rec = JSON.parse(await Deno.readTextFile(`${out}/rollouts.json`));
    const replicaCpu = pids.reduce((s, p, i) => s + processCpu(p) - cpu0.r[i], 0);
    const haproxyCpu = processCpu(haproxy) - cpu0.h;
    const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      replicas,
      actors,
      episodes: rec.episodes,
      env_steps: rec.env_steps,
      seconds: rec.seconds,
      episodes_per_s: rec.episodes_per_s,
      env_steps_per_s: rec.env_steps_per_s,
      replica_cpu_s: round(replicaCpu),
      haproxy_cpu_s: round(haproxyCpu),
      ingest_cpu_s: round(processCpu(ingest) - cpu0.i),
      actor_cpu_s: rec.actor_cpu_seconds,
      machine_busy_s: round(m1.busy - m0.busy),
      machine_total_s: round(m1.total - m0.total),
      replica_us_per_step: round(1e6 * replicaCpu / rec.env_steps, 1),
      haproxy_us_per_step: round(1e6 * haproxyCpu / rec.env_steps, 1),
    };
  } finally {
    await Deno.remove(out, { recursive: true });
    await cluster.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      replicas: { type: "string", default: "1,2" },
      actors: { type: "string", default: "4" },
      episodes: { type: "string", default: "200" },
      tasks: { type: "string", default: "easy" },
      json: { type: "string" },
    },
  });
  const rows: BenchRow[] = [];
  for (const n of values.replicas.split(",").map(Number)) {
    const row = await measure(n, Number(values.actors), Number(values.episodes), values.tasks);
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  console.log(
    "| replicas | actors | episodes | env-steps | s | episodes/s | env-steps/s | replica CPU s | " +
      "HAProxy CPU s | actors CPU s | machine busy / total CPU s | replica µs/step |",
  );
  console.log(
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const r of rows) {
    console.log(
      `| ${r.replicas} | ${r.actors} | ${r.episodes} | ${r.env_steps} | ${r.seconds} | ` +
        `${r.episodes_per_s} | ${r.env_steps_per_s} | ${r.replica_cpu_s} | ${r.haproxy_cpu_s} | ` +
        `${r.actor_cpu_s} | ${r.machine_busy_s} / ${r.machine_total_s} | ${r.replica_us_per_step} |`,
    );
  }
  if (values.json) await Deno.writeTextFile(values.json, JSON.stringify(rows, null, 2) + "\n");
}
