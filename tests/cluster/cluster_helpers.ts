/**
 * What the cluster tests share: whether HAProxy and Ray are installed, HAProxy's server states
 * (its stats CSV) and the project's Python.
 *
 * @module
 */
import { fileURLToPath } from "node:url";

/** The repository root (ends in `/`). */
export const ROOT: string = fileURLToPath(new URL("../../", import.meta.url));

/** The project's Python (`.venv`, from `.ci/setup-python` and `.ci/setup-cluster`). */
export const PYTHON = `${ROOT}.venv/bin/python`;

/** Under CI a missing tool fails the tests instead of ignoring them. */
export const CI: boolean = Deno.env.get("ALERT_TRIAGE_CI") === "1";

async function succeeds(cmd: string, args: string[]): Promise<boolean> {
  try {
    const out = await new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Whether haproxy and Ray (with RLlib) are there; warns (naming the test) when not. */
export async function clusterReady(test: string): Promise<boolean> {
  const haproxy = await succeeds("haproxy", ["-v"]);
  const ray = await succeeds(PYTHON, ["-c", "import ray, ray.rllib"]);
  if (!(haproxy && ray) && !CI) {
    console.warn(`${test}: haproxy or Ray missing (run .ci/setup-cluster); cluster tests ignored`);
  }
  return haproxy && ray;
}

/** `backend/server` → status (`UP`, `DOWN`, ...) from HAProxy's stats CSV. */
export async function serverStates(statsUrl: string): Promise<Record<string, string>> {
  const csv = await (await fetch(`${statsUrl}/;csv`)).text();
  const [head, ...rows] = csv.trim().split("\n");
  const cols = head.replace(/^# /, "").split(",");
  const [px, sv, st] = ["pxname", "svname", "status"].map((c) => cols.indexOf(c));
  const states: Record<string, string> = {};
  for (const row of rows) {
    const f = row.split(",");
    if (f[sv] === "FRONTEND" || f[sv] === "BACKEND") continue;
    states[`${f[px]}/${f[sv]}`] = f[st].split(" ")[0];
  }
  return states;
}

/** Waits until HAProxy reports `server` (e.g. `replicas/r1`) in `state`; throws after `ms`. */
export async function untilState(
  statsUrl: string,
  server: string,
  state: "UP" | "DOWN",
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  let last = "";
  while (Date.now() < deadline) {
    last = (await serverStates(statsUrl))[server] ?? "missing";
    if (last === state) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${server} still ${last} after ${ms} ms (wanted ${state})`);
}

/** Starts `.venv/bin/python ARGS` in the repository, stdout and stderr piped. */
export function spawnPython(args: string[]): Deno.ChildProcess {
  return new Deno.Command(PYTHON, {
    args,
    cwd: ROOT,
    env: { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", OMP_NUM_THREADS: "1" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}
