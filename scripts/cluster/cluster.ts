/**
 * `deno task cluster`: the ingest service, N server replicas and HAProxy in front of them on one
 * machine (see `launch.ts` and `deploy/haproxy.cfg`), running until SIGINT/SIGTERM. A replica
 * that exits is started again after `--restart-delay` ms, and HAProxy takes it back once two
 * health checks pass.
 *
 * ```sh
 * deno task cluster                       # 2 replicas, front end http://127.0.0.1:8000
 * deno task cluster --replicas 4 --port 8000 --host 0.0.0.0 --kv ./data/cluster-ingest.kv
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { MAX_REPLICAS, startCluster } from "./launch.ts";

/** The usage text. */
export const CLUSTER_USAGE = `Usage: deno task cluster [options]
  --replicas N          server replicas, 1..${MAX_REPLICAS} (default 2)
  --port N              HAProxy front port (default 8000; 0 picks a free one)
  --host H              front interface (default 127.0.0.1; replicas always bind 127.0.0.1)
  --replica-port N      first replica port, then N+1, ... (default: free ports)
  --ingest-port N       ingest service port (default: a free port)
  --stats-port N        HAProxy stats page and /metrics (default: a free port)
  --kv PATH             the ingest service's Deno KV store (default ./data/cluster-ingest.kv)
  --restart-delay MS    restart a replica that exited after MS ms (default 2000; 0: never)
  --quiet               discard the children's output
  -h, --help            this text
The ingest token comes from ALERT_TRIAGE_INGEST_TOKEN; other ALERT_TRIAGE_* variables reach the
replicas. Needs haproxy on PATH (Debian package haproxy, installed by .ci/setup-cluster).`;

function int(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(`${name} must be a whole number, got ${value}`);
  }
  return n;
}

if (import.meta.main) {
  let values;
  try {
    ({ values } = parseArgs({
      args: Deno.args,
      options: {
        replicas: { type: "string", default: "2" },
        port: { type: "string", default: "8000" },
        host: { type: "string", default: "127.0.0.1" },
        "replica-port": { type: "string" },
        "ingest-port": { type: "string" },
        "stats-port": { type: "string" },
        kv: { type: "string", default: "./data/cluster-ingest.kv" },
        "restart-delay": { type: "string", default: "2000" },
        quiet: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : e}\n\n${CLUSTER_USAGE}`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(CLUSTER_USAGE);
    Deno.exit(0);
  }
  let options;
  try {
    const replicaEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries(Deno.env.toObject())) {
      if (k.startsWith("ALERT_TRIAGE_")) replicaEnv[k] = v;
    }
    options = {
      replicas: int(values.replicas, "--replicas"),
      port: int(values.port, "--port"),
      host: values.host,
      replicaBasePort: values["replica-port"] ? int(values["replica-port"], "--replica-port") : 0,
      ingestPort: values["ingest-port"] ? int(values["ingest-port"], "--ingest-port") : 0,
      statsPort: values["stats-port"] ? int(values["stats-port"], "--stats-port") : 0,
      kvPath: values.kv,
      quiet: values.quiet,
      replicaEnv,
    };
    int(values["restart-delay"], "--restart-delay");
  } catch (e) {
    console.error(`error: ${e instanceof Error ? e.message : e}\n\n${CLUSTER_USAGE}`);
    Deno.exit(2);
  }
  const restartDelay = Number(values["restart-delay"]);
  const cluster = await startCluster(options);
  console.log(`cluster listening on ${cluster.url}`);
  console.log(`  replicas: ${cluster.replicaUrls.join(" ")} (scrape /metrics on each)`);
  console.log(`  ingest service: ${cluster.ingestUrl} (store ${options.kvPath})`);
  console.log(`  haproxy stats: ${cluster.statsUrl}/  metrics: ${cluster.statsUrl}/metrics`);
  let stopping = false;
  const supervise = async (i: number) => {
    while (!stopping) {
      const status = await cluster.exited(i).catch(() => undefined);
      if (stopping || !restartDelay) return;
      console.log(`replica r${i + 1} exited (${status?.code ?? "?"}); restarting`);
      await new Promise((r) => setTimeout(r, restartDelay));
      if (stopping) return;
      await cluster.kill(i); // clears the handle
      await cluster.restart(i).catch((e) => console.error(`restart r${i + 1}: ${e}`));
    }
  };
  cluster.replicaUrls.forEach((_, i) => void supervise(i));
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await cluster.stop();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
