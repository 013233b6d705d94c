/**
 * The one-way import rule of ARCHITECTURE.md: every static `import`/`export ... from` of a
 * library or app file (`mod.ts`, `src/`, `tasks/`, `cli/`), type-only ones included, points to
 * its own part or to a lower floor. Doors (`mod.ts`, `src/<part>/mod.ts`) only re-export and
 * are imported by no library file; nothing imports `cli/`; the library never imports `scripts/`
 * or `tests/`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A part of the code base and its floor (1 is the bottom). Most specific prefix wins. */
export const FLOORS: readonly { part: string; floor: number; paths: readonly string[] }[] = [
  {
    part: "base",
    floor: 1,
    paths: [
      "src/models.ts",
      "src/rewards.ts",
      "src/rng.ts",
      "src/numbers.ts",
      "src/schemas.ts",
      "src/errors.ts",
      "src/deps.ts",
      "src/env_vars.ts",
    ],
  },
  { part: "sim", floor: 2, paths: ["src/sim/"] },
  { part: "http", floor: 2, paths: ["src/http/"] },
  { part: "env", floor: 3, paths: ["src/env.ts", "src/action_codec.ts"] },
  { part: "ingest", floor: 3, paths: ["src/ingest/"] },
  { part: "plots", floor: 3, paths: ["src/plots/"] },
  { part: "tasks", floor: 4, paths: ["tasks/"] },
  { part: "learn", floor: 5, paths: ["src/learn/"] },
  { part: "agents", floor: 6, paths: ["src/agents/"] },
  { part: "eval", floor: 7, paths: ["src/eval/"] },
  { part: "replay", floor: 7, paths: ["src/replay/"] },
  { part: "infer", floor: 7, paths: ["src/infer/"] },
  { part: "display", floor: 7, paths: ["src/display.ts"] },
  { part: "web", floor: 8, paths: ["src/web/"] },
  { part: "server", floor: 9, paths: ["src/server/"] },
  {
    part: "doors",
    floor: 10,
    paths: [
      "mod.ts",
      "src/learn/mod.ts",
      "src/eval/mod.ts",
      "src/server/mod.ts",
      "src/ingest/mod.ts",
      "src/notebook/",
    ],
  },
  { part: "apps", floor: 11, paths: ["cli/"] },
];

/**
 * Imports that run against the rule, each with its reason (also listed in ARCHITECTURE.md).
 * Keys are `<importing file> -> <imported file>`.
 */
export const ALLOWED: Readonly<Record<string, string>> = {};

/** Files a library file may import outside the floors (configuration). */
const CONFIG_FILES = new Set(["deno.json"]);

/** The part (and floor) of a repository path, or undefined outside the floors. */
export function partOf(path: string): { part: string; floor: number } | undefined {
  let best: { part: string; floor: number; length: number } | undefined;
  for (const { part, floor, paths } of FLOORS) {
    for (const p of paths) {
      const hit = p.endsWith("/") ? path.startsWith(p) : path === p;
      if (hit && (!best || p.length > best.length)) best = { part, floor, length: p.length };
    }
  }
  return best && { part: best.part, floor: best.floor };
}

/** Static import/export specifiers of a TypeScript source (comments ignored). */
export function specifiers(source: string): string[] {
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
  const out: string[] = [];
  const re = /(?:^|;|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^;]*?\s+from\s+)?["']([^"']+)["']/g;
  for (const m of code.matchAll(re)) out.push(m[1]);
  return out;
}

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync(ROOT + dir)) {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory) out.push(...tsFiles(path));
    else if (e.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** Every rule violation, as `file -> specifier: reason`. */
export function violations(): string[] {
  const files = ["mod.ts", ...tsFiles("src"), ...tsFiles("tasks"), ...tsFiles("cli")];
  const found: string[] = [];
  for (const file of files) {
    const from = partOf(file);
    if (!from) {
      found.push(`${file}: in no floor (add its folder to FLOORS)`);
      continue;
    }
    for (const spec of specifiers(Deno.readTextFileSync(ROOT + file))) {
      if (!spec.startsWith(".")) continue;
      const target = new URL(spec, `file:///r/${file}`).pathname.slice(3);
      const key = `${file} -> ${target}`;
      const say = (why: string) => {
        if (!(key in ALLOWED)) found.push(`${file} -> ${spec}: ${why}`);
      };
      if (CONFIG_FILES.has(target)) continue;
      if (target.startsWith("scripts/") || target.startsWith("tests/")) {
        say("the library never imports scripts/ or tests/");
        continue;
      }
      const to = partOf(target);
      if (!to) {
        say(`${target} is in no floor`);
        continue;
      }
      if (to.part === "apps" && from.part !== "apps") say("nothing outside cli/ imports cli/");
      else if (to.part === "doors" && from.part !== "apps" && from.part !== "doors") {
        say("library files import the module they need, never a door");
      } else if (to.part !== from.part && to.floor >= from.floor) {
        say(`${from.part} (floor ${from.floor}) may not import ${to.part} (floor ${to.floor})`);
      }
    }
  }
  return found;
}

Deno.test("imports run down the floors only (file -> specifier for each that does not)", () => {
  assert.deepEqual(violations(), []);
});

Deno.test("the import parser sees static, type-only and re-export specifiers", () => {
  const src = [
    'import { a } from "./a.ts";',
    'import type { B } from "../b.ts";',
    "export {",
    "  c,",
    '} from "./c.ts";',
    'export * from "./d.ts";',
    'import "./e.ts";',
    '// import { x } from "./commented.ts";',
  ].join("\n");
  const doc = '/**\n * import { y } from "./doc_example.ts";\n */\n';
  assert.deepEqual(specifiers(doc + src), [
    "./a.ts",
    "../b.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
  ]);
});

Deno.test("the rule catches an upward import, a door import and a cli import", () => {
  assert.equal(partOf("src/sim/world.ts")?.floor, 2);
  assert.equal(partOf("src/learn/mod.ts")?.part, "doors");
  assert.equal(partOf("src/learn/trainer.ts")?.part, "learn");
  assert.ok(partOf("src/env.ts")!.floor < partOf("tasks/registry.ts")!.floor);
  assert.ok(partOf("cli/server.ts")!.floor > partOf("src/server/app.ts")!.floor);
});
