/**
 * The server's cut of deno.json and deno.lock (scripts/container/server_lock.ts), which the
 * container image caches: its package list is exactly what the server's import graph reaches,
 * the cut lockfile copies versions and integrity hashes unchanged and is closed under
 * dependencies, and deno accepts it under `--frozen` (run on the cache of this machine, so no
 * download).
 *
 * @module
 */
import { deepEqual, equal, ok, throws } from "node:assert/strict";
import {
  type DenoConfig,
  type DenoLock,
  SERVER_PACKAGES,
  serverConfig,
  serverLock,
} from "../../scripts/container/server_lock.ts";

const root = new URL("../../", import.meta.url);
const config: DenoConfig = JSON.parse(Deno.readTextFileSync(new URL("deno.json", root)));
const lock: DenoLock = JSON.parse(Deno.readTextFileSync(new URL("deno.lock", root)));

/** Package names (`@scope/name`) of the npm modules an entry point's graph imports. */
async function npmPackagesOf(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: root.pathname,
    env: { NO_COLOR: "1" },
    stderr: "null",
  }).output();
  equal(out.code, 0);
  const info = JSON.parse(new TextDecoder().decode(out.stdout));
  const names = info.modules.filter((m: { kind: string }) => m.kind === "npm")
    .map((m: { npmPackage: string }) => m.npmPackage.replace(/^(@?[^@]+)@.*$/, "$1"));
  return [...new Set<string>(names)].sort();
}

Deno.test("SERVER_PACKAGES is exactly what the server's entry points import from npm", async () => {
  const entries = ["cli/server.ts", "cli/server_compiled.ts", "cli/start.ts"];
  const imported = [...new Set((await Promise.all(entries.map(npmPackagesOf))).flat())].sort();
  deepEqual([...SERVER_PACKAGES].sort(), imported);
});

Deno.test("the cut lockfile keeps versions and hashes, and is closed under dependencies", () => {
  const cut = serverLock(lock, serverConfig(config, SERVER_PACKAGES));
  deepEqual(Object.keys(serverConfig(config, SERVER_PACKAGES).imports), [...SERVER_PACKAGES]);
  ok(Object.keys(cut.npm).length < Object.keys(lock.npm).length);
  for (const [id, entry] of Object.entries(cut.npm)) deepEqual(entry, lock.npm[id], id);
  for (const [specifier, version] of Object.entries(cut.specifiers)) {
    equal(lock.specifiers[specifier], version);
  }
  const ids = Object.keys(cut.npm);
  for (const entry of Object.values(cut.npm)) {
    for (const dep of entry.dependencies ?? []) {
      ok(dep in cut.npm || ids.filter((id) => id.startsWith(`${dep}@`)).length === 1, dep);
    }
  }
  // tools-only packages stay out
  for (const name of ["openai", "@observablehq/plot", "linkedom", "fast-check", "d3"]) {
    ok(!ids.some((id) => id.startsWith(`${name}@`)), name);
  }
  throws(() => serverConfig(config, ["left-pad"]), /no "left-pad"/);
});

Deno.test({
  name: "deno install --frozen accepts the cut config and lockfile as they are",
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "server-lock-" });
    try {
      const cutConfig = serverConfig(config, SERVER_PACKAGES);
      await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(cutConfig, null, 2) + "\n");
      const cutLock = JSON.stringify(serverLock(lock, cutConfig), null, 2) + "\n";
      await Deno.writeTextFile(`${dir}/deno.lock`, cutLock);
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["install", "--frozen"],
        cwd: dir,
        env: { NO_COLOR: "1" },
      }).output();
      equal(out.code, 0, new TextDecoder().decode(out.stderr));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
