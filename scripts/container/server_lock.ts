/**
 * The server's own `deno.json` and `deno.lock`, cut from the project's: the container image caches
 * only the npm packages the server imports (not openai, d3/plot, linkedom or fast-check, which
 * tools, notebooks and tests use), yet still from the committed lockfile under `--frozen`.
 *
 * Deno caches every package of the config's import map and lockfile, whatever the entry point
 * imports, so the image gets a config whose import map keeps only {@link SERVER_PACKAGES} and a
 * lockfile keeping only what they reach (same versions, same integrity hashes). The Dockerfile runs
 * it in the dependency layer (`deno.json`, `deno.lock` and this file only, so a source edit reuses
 * the layer), then `deno install --frozen` fails the build if the cut is not exactly what deno
 * would lock, and the sources are cached with `--cached-only`, which fails if the server imports
 * a package missing here. `tests/container/server_lock_test.ts` checks the list against the
 * server's import graph.
 *
 * ```sh
 * deno run --allow-read=. --allow-write=. scripts/container/server_lock.ts   # in /app of the image
 * ```
 *
 * @example
 * ```ts
 * import { serverConfig, SERVER_PACKAGES } from "./server_lock.ts";
 * const config = { imports: { hono: "npm:hono@4.13.19", openai: "npm:openai@7.55.0" } };
 * console.assert(Object.keys(serverConfig(config, ["hono"]).imports).join() === "hono");
 * console.assert(SERVER_PACKAGES.includes("hono"));
 * ```
 *
 * @module
 */

/** The npm packages the server imports (import-map keys of deno.json). */
export const SERVER_PACKAGES: readonly string[] = [
  "@hono/zod-openapi",
  "@scalar/hono-api-reference",
  "hono",
  "pure-rand",
  "zod",
];

/** The parts of deno.json this script reads. */
export interface DenoConfig {
  /** The import map. */
  imports: Record<string, string>;
  [key: string]: unknown;
}

/** A deno.lock of version 5 (npm packages only). */
export interface DenoLock {
  /** "5". */
  version: string;
  /** Specifier (`npm:name@range`) to resolved version (`1.2.3_peer@4.5.6`). */
  specifiers: Record<string, string>;
  /** Resolved package id (`name@version_peers`) to its integrity and dependencies. */
  npm: Record<string, { dependencies?: string[]; optionalPeers?: string[]; [k: string]: unknown }>;
  /** The config's dependencies. */
  workspace?: { dependencies?: string[]; [k: string]: unknown };
  [key: string]: unknown;
}

/** deno.json with its import map cut down to `packages` (throws if one is missing). */
export function serverConfig(config: DenoConfig, packages: readonly string[]): DenoConfig {
  const imports: Record<string, string> = {};
  for (const name of packages) {
    const target = config.imports[name];
    if (target === undefined) throw new Error(`deno.json imports has no "${name}"`);
    imports[name] = target;
  }
  return { ...config, imports };
}

/** The package id a dependency entry names (`name` when unique, else `name@version`). */
function resolveDependency(lock: DenoLock, entry: string): string {
  if (entry in lock.npm) return entry;
  const ids = Object.keys(lock.npm).filter((id) => id.startsWith(`${entry}@`));
  if (ids.length !== 1) {
    throw new Error(`deno.lock: dependency "${entry}" matches ${ids.length} packages`);
  }
  return ids[0];
}

/**
 * deno.lock cut down to the npm specifiers of `config` (already cut by {@link serverConfig}) and
 * every package they reach; versions and integrity hashes are copied, never resolved anew.
 */
export function serverLock(lock: DenoLock, config: DenoConfig): DenoLock {
  if (lock.version !== "5") throw new Error(`deno.lock version ${lock.version}, expected 5`);
  const roots = [...new Set(Object.values(config.imports))].sort();
  const specifiers: Record<string, string> = {};
  const queue: string[] = [];
  for (const specifier of roots) {
    const resolved = lock.specifiers[specifier];
    if (resolved === undefined) throw new Error(`deno.lock has no specifier ${specifier}`);
    specifiers[specifier] = resolved;
    const name = specifier.replace(/^npm:/, "").replace(/@[^@/]+$/, "");
    queue.push(`${name}@${resolved}`);
  }
  const npm: DenoLock["npm"] = {};
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (id in npm) continue;
    const entry = lock.npm[id];
    if (entry === undefined) throw new Error(`deno.lock has no package ${id}`);
    npm[id] = entry;
    for (const dep of [...(entry.dependencies ?? []), ...(entry.optionalPeers ?? [])]) {
      queue.push(resolveDependency(lock, dep));
    }
  }
  const sortedNpm = Object.fromEntries(Object.keys(npm).sort().map((id) => [id, npm[id]]));
  const dependencies = (lock.workspace?.dependencies ?? []).filter((d) => roots.includes(d));
  return {
    version: lock.version,
    specifiers,
    npm: sortedNpm,
    workspace: { ...lock.workspace, dependencies },
  };
}

if (import.meta.main) {
  const config: DenoConfig = JSON.parse(await Deno.readTextFile("deno.json"));
  const lock: DenoLock = JSON.parse(await Deno.readTextFile("deno.lock"));
  const cutConfig = serverConfig(config, SERVER_PACKAGES);
  const cutLock = serverLock(lock, cutConfig);
  await Deno.writeTextFile("deno.json", JSON.stringify(cutConfig, null, 2) + "\n");
  await Deno.writeTextFile("deno.lock", JSON.stringify(cutLock, null, 2) + "\n");
  console.log(
    `server config: ${Object.keys(cutConfig.imports).length} of ${
      Object.keys(config.imports).length
    } imports, ${Object.keys(cutLock.npm).length} of ${Object.keys(lock.npm).length} npm packages`,
  );
}
