/**
 * Starts a local cluster: one ingest service (`cli/ingest.ts`, the only owner of the Deno KV
 * store), N server replicas (`cli/replica.ts`, reading the store over HTTP) on loopback ports,
 * and HAProxy (Debian package `haproxy`) on the front port with `deploy/haproxy.cfg`. What
 * `deno task cluster` runs (`cluster.ts`) and what the cluster tests drive: a replica can be
 * killed and restarted while the rest keeps serving.
 *
 * @example
 * ```ts
 * import { startCluster } from "./launch.ts";
 * const cluster = await startCluster({ replicas: 2, port: 0, kvPath: ":memory:", quiet: true });
 * console.log(cluster.url, cluster.replicaUrls);
 * await cluster.kill(0);      // SIGKILL replica r1
 * await cluster.restart(0);   // same port; HAProxy takes it back after 2 health checks
 * await cluster.stop();
 * ```
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url);
const path = (rel: string) => new URL(rel, ROOT).pathname;

/** The committed HAProxy configuration. */
export const HAPROXY_CONFIG: string = path("deploy/haproxy.cfg");

/** Most replicas `deploy/haproxy.cfg` names. */
export const MAX_REPLICAS = 8;

/** Options of {@link startCluster}. */
export interface ClusterOptions {
  /** Server replicas, 1..{@link MAX_REPLICAS} (default 2). */
  replicas?: number;
  /** Front (HAProxy) port; 0 picks a free one (default 8000). */
  port?: number;
  /** Interface of the front end (default 127.0.0.1); the rest always binds 127.0.0.1. */
  host?: string;
  /** First replica port (then +1 each); 0 picks free ones (default: free ones). */
  replicaBasePort?: number;
  /** Ingest service port; 0 picks a free one (default 0). */
  ingestPort?: number;
  /** HAProxy stats and metrics port; 0 picks a free one (default 0). */
  statsPort?: number;
  /** The Deno KV store the ingest service owns (default `./data/cluster-ingest.kv`). */
  kvPath?: string;
  /** Bearer token of `/ingest/*` (default `$ALERT_TRIAGE_INGEST_TOKEN`, else none). */
  token?: string;
  /** Children's output discarded (default false: inherited). */
  quiet?: boolean;
  /** Extra `ALERT_TRIAGE_*` variables for the replicas (server options). */
  replicaEnv?: Record<string, string>;
  /** HAProxy executable (default `haproxy`). */
  haproxy?: string;
}

/** A running cluster. */
export interface Cluster {
  /** The front end (HAProxy), e.g. `http://127.0.0.1:8000`. */
  url: string;
  /** HAProxy's stats page (its Prometheus metrics at `/metrics`). */
  statsUrl: string;
  /** The ingest service. */
  ingestUrl: string;
  /** Each replica, r1 first. */
  replicaUrls: string[];
  /** Pid of each replica (0 while stopped). */
  replicaPids(): number[];
  /** Pids of HAProxy and of the ingest service. */
  servicePids: { haproxy: number; ingest: number };
  /** Kills replica `i` (0-based; default SIGKILL) and waits for it to exit. */
  kill(i: number, signal?: Deno.Signal): Promise<void>;
  /** Starts replica `i` again on its port and waits for its `/health`. */
  restart(i: number): Promise<void>;
  /** Resolves when replica `i` exits on its own (for a supervisor). */
  exited(i: number): Promise<Deno.CommandStatus>;
  /** Stops HAProxy, the replicas and the ingest service. */
  stop(): Promise<void>;
}

/** A free loopback port (bound, then released). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Polls `url` until it answers `ok` (any status when `anyStatus`), or throws after `ms`. */
export async function waitFor(url: string, ms = 30_000, anyStatus = false): Promise<void> {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.ok || anyStatus) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${ms} ms (${last})`);
}

function kvDir(kvPath: string): string | undefined {
  if (kvPath === ":memory:" || /^https?:\/\//.test(kvPath)) return undefined;
  const abs = kvPath.startsWith("/") ? kvPath : `${Deno.cwd()}/${kvPath}`;
  return abs.replace(/[^/]*$/, "") || "/";
}

/** Starts the ingest service, the replicas and HAProxy (see the module doc). */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const n = options.replicas ?? 2;
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) {
    throw new RangeError(`replicas must be 1..${MAX_REPLICAS}, got ${n}`);
  }
  const io = options.quiet ? "null" : "inherit";
  const kvPath = options.kvPath ?? "./data/cluster-ingest.kv";
  const token = options.token ?? Deno.env.get("ALERT_TRIAGE_INGEST_TOKEN") ?? undefined;
  const ingestPort = options.ingestPort || freePort();
  const statsPort = options.statsPort || freePort();
  const port = options.port === 0 ? freePort() : options.port ?? 8000;
  const host = options.host ?? "127.0.0.1";
  const replicaPorts = Array.from(
    { length: n },
    (_, i) => options.replicaBasePort ? options.replicaBasePort + i : freePort(),
  );
  const ingestUrl = `http://127.0.0.1:${ingestPort}`;
  const tokenEnv: Record<string, string> = token ? { ALERT_TRIAGE_INGEST_TOKEN: token } : {};
  const children: Deno.ChildProcess[] = [];

  const dir = kvDir(kvPath);
  if (dir) await Deno.mkdir(dir, { recursive: true });
  const ingest = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--unstable-kv",
      "--allow-net=127.0.0.1",
      "--allow-env=ALERT_TRIAGE_*",
      ...(dir ? [`--allow-read=${dir}`, `--allow-write=${dir}`] : []),
      path("cli/ingest.ts"),
      "--port",
      String(ingestPort),
      "--quiet",
    ],
    env: { ...tokenEnv, ALERT_TRIAGE_KV_PATH: kvPath },
    stdout: io,
    stderr: io,
  }).spawn();
  children.push(ingest);

  const replicas: (Deno.ChildProcess | undefined)[] = [];
  const spawnReplica = (i: number) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "serve",
        "--port",
        String(replicaPorts[i]),
        "--host",
        "127.0.0.1",
        "--allow-net=127.0.0.1",
        "--allow-env=ALERT_TRIAGE_*",
        path("cli/replica.ts"),
      ],
      env: { ...options.replicaEnv, ...tokenEnv, ALERT_TRIAGE_INGEST_URL: ingestUrl },
      stdout: io,
      stderr: io,
    }).spawn();
    replicas[i] = child;
    return child;
  };
  const replicaUrls = replicaPorts.map((p) => `http://127.0.0.1:${p}`);
  let haproxy: Deno.ChildProcess | undefined;

  const stop = async () => {
    for (const c of [haproxy, ...replicas, ...children]) {
      if (!c) continue;
      try {
        c.kill("SIGTERM");
      } catch { /* already gone */ }
    }
    await Promise.allSettled([haproxy, ...replicas, ...children].map((c) => c?.status));
  };

  try {
    for (let i = 0; i < n; i++) spawnReplica(i);
    await waitFor(`${ingestUrl}/ingest/stats`, 30_000, true);
    await Promise.all(replicaUrls.map((u) => waitFor(`${u}/health`)));
    const env: Record<string, string> = {
      CLUSTER_BIND: `${host}:${port}`,
      CLUSTER_STATS: `127.0.0.1:${statsPort}`,
      INGEST_ADDR: `127.0.0.1:${ingestPort}`,
    };
    replicaPorts.forEach((p, i) => env[`REPLICA_${i + 1}`] = `127.0.0.1:${p}`);
    haproxy = new Deno.Command(options.haproxy ?? "haproxy", {
      args: ["-db", "-f", HAPROXY_CONFIG],
      env,
      stdout: io,
      stderr: io,
    }).spawn();
    const front = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
    await waitFor(`${front}/health`);
    return {
      url: front,
      statsUrl: `http://127.0.0.1:${statsPort}`,
      ingestUrl,
      replicaUrls,
      replicaPids: () => replicas.map((c) => c?.pid ?? 0),
      servicePids: { haproxy: haproxy.pid, ingest: ingest.pid },
      async kill(i, signal = "SIGKILL") {
        const child = replicas[i];
        if (!child) return;
        try {
          child.kill(signal);
        } catch { /* already gone */ }
        await child.status;
        replicas[i] = undefined;
      },
      async restart(i) {
        if (replicas[i]) throw new Error(`replica r${i + 1} is running`);
        spawnReplica(i);
        await waitFor(`${replicaUrls[i]}/health`);
      },
      exited: (i) => replicas[i]?.status ?? Promise.reject(new Error(`r${i + 1} not running`)),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
