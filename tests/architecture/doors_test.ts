/**
 * The doors of ARCHITECTURE.md: the `exports` of `deno.json` are the core door and one door per
 * subsystem; the core door stays small (at most 70 names); every name a door exports carries a
 * doc comment; and importing a door does nothing (no output, no permission asked for).
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONFIG = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
const DOORS = CONFIG.exports as Record<string, string>;

/** Third-party namespaces a door re-exports whole; their docs are their package's. */
const THIRD_PARTY = new Set(["Plot"]);

/** The most names the core door (`mod.ts`) may export. */
const CORE_LIMIT = 70;

interface DocSymbol {
  name: string;
  declarations: { jsDoc?: { doc?: string } }[];
}

async function docSymbols(path: string): Promise<DocSymbol[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["doc", "--json", path],
    cwd: ROOT,
    stderr: "inherit",
  }).output();
  assert.ok(out.success, `deno doc --json ${path} failed`);
  const doc = JSON.parse(new TextDecoder().decode(out.stdout));
  const node = Object.entries(doc.nodes as Record<string, { symbols: DocSymbol[] }>)
    .find(([url]) => url.endsWith(path.slice(1)))!;
  return node[1].symbols;
}

Deno.test("deno.json exports the core door and the five subsystem doors", () => {
  assert.deepEqual(DOORS, {
    ".": "./mod.ts",
    "./learn": "./src/learn/mod.ts",
    "./eval": "./src/eval/mod.ts",
    "./server": "./src/server/mod.ts",
    "./ingest": "./src/ingest/mod.ts",
    "./notebook": "./src/notebook/mod.ts",
  });
});

Deno.test(`the core door exports at most ${CORE_LIMIT} names, none of them a subsystem's`, async () => {
  const names = (await docSymbols("./mod.ts")).map((s) => s.name);
  assert.ok(names.length <= CORE_LIMIT, `mod.ts exports ${names.length} names: ${names}`);
  for (const core of ["makeEnv", "gradeEpisode", "AlertTriageEnv", "RuleBasedAgent", "Task"]) {
    assert.ok(names.includes(core), `mod.ts lacks ${core}`);
  }
  for (const inner of ["RolloutBuffer", "CreditTracker", "maskedSlot", "VectorEnv", "evaluate"]) {
    assert.ok(!names.includes(inner), `mod.ts exports ${inner}, which belongs to a subsystem`);
  }
});

Deno.test("every name a door exports has a doc comment", async () => {
  for (const path of Object.values(DOORS)) {
    const undocumented = (await docSymbols(path))
      .filter((s) => !THIRD_PARTY.has(s.name))
      .filter((s) => !s.declarations.some((d) => d.jsDoc?.doc?.trim()))
      .map((s) => s.name);
    assert.deepEqual(undocumented, [], path);
  }
});

Deno.test("importing a door has no side effects: no output, no permission needed", async () => {
  for (const [door, path] of Object.entries(DOORS)) {
    const url = new URL(path, `file://${ROOT}`).href;
    const script = `const m = await import(${JSON.stringify(url)});\n` +
      `console.log(JSON.stringify(Object.keys(m).length));`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-prompt", "--quiet", script],
      cwd: ROOT,
      stdin: "null",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout).trim();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.ok(out.success, `importing ${door} failed: ${stderr}`);
    assert.equal(stderr, "", `importing ${door} wrote to stderr`);
    assert.match(stdout, /^\d+$/, `importing ${door} printed: ${stdout}`);
    assert.ok(Number(stdout) > 0, `${door} exports no values`);
  }
});
