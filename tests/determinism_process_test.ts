import assert from "node:assert/strict";
import { makeEnv } from "../tasks/registry.ts";
import { mixedDecisions, playEpisode } from "./helpers.ts";

async function runScript(code: string): Promise<string> {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/script.ts`;
  await Deno.writeTextFile(file, code);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", "--quiet", file],
    cwd: dir,
    env: { NO_COLOR: "1" },
  }).output();
  await Deno.remove(dir, { recursive: true });
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return new TextDecoder().decode(out.stdout).trim();
}

Deno.test("a script in another folder imports mod.ts by file URL with --no-config", async () => {
  const mod = new URL("../mod.ts", import.meta.url).href;
  const out = await runScript(`
import { gradeEpisode, makeEnv, RuleBasedAgent, JSON_SCHEMAS } from "${mod}";
const env = makeEnv("easy");
const agent = new RuleBasedAgent();
let { observation } = env.reset({ seed: 42 });
for (;;) {
  const r = env.step(agent.act(observation));
  observation = r.observation;
  if (r.terminated || r.truncated) break;
}
console.log(JSON.stringify({ score: gradeEpisode(env).score, hasSchema: "anyOf" in JSON_SCHEMAS.action }));
`);
  const parsed = JSON.parse(out);
  assert.equal(parsed.hasSchema, true);
  assert.ok(parsed.score > 0 && parsed.score <= 1);
});

Deno.test("two separate processes produce byte-identical trajectories", async () => {
  const helpers = new URL("./helpers.ts", import.meta.url).href;
  const registry = new URL("../tasks/registry.ts", import.meta.url).href;
  const code = `
import { makeEnv } from "${registry}";
import { mixedDecisions, playEpisode } from "${helpers}";
const out = [];
for (const task of ["easy", "medium", "hard"]) out.push(...playEpisode(makeEnv(task), 2024, mixedDecisions));
const bytes = new TextEncoder().encode(out.join("\\n"));
const digest = await crypto.subtle.digest("SHA-256", bytes);
console.log([...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join(""));
`;
  const local: string[] = [];
  for (const task of ["easy", "medium", "hard"]) {
    local.push(...playEpisode(makeEnv(task), 2024, mixedDecisions));
  }
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(local.join("\n")),
  );
  const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const [a, b] = await Promise.all([runScript(code), runScript(code)]);
  assert.equal(a, hex);
  assert.equal(b, hex);
});
