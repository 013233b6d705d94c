import assert from "node:assert/strict";

Deno.test("a program that imports mod.ts before the server door can create the app", async () => {
  const root = new URL("../../", import.meta.url).href;
  const code = `
    import { makeEnv } from "${root}mod.ts";
    import { createApp } from "${root}src/server/mod.ts";
    const app = createApp({});
    const r = await app.fetch(new Request("http://x/openapi.json"));
    const doc = await r.json();
    console.log(typeof makeEnv, r.status, Object.keys(doc.components.schemas).includes("Action"));
    Deno.exit(0);
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(text, "function 200 true");
});
