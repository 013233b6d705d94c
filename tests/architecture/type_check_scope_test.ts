/**
 * `deno task check:types` checks the browser code (`tests/web/`, `scripts/web/`, which load the
 * DOM lib for puppeteer) in a program of its own, so that the DOM's types (a narrower
 * `WebSocket.readyState`, `self` as a `Window`) never leak into the type check of the server,
 * the library and the other tests. The task selects the rest with `tests/[!w]*` and
 * `scripts/[!w]*`: this test fails when an entry other than `web` starts with a `w` (it would be
 * skipped by both programs) or when the task stops splitting the two.
 *
 * @module
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

Deno.test("check:types covers every entry of tests/ and scripts/, the browser code apart", () => {
  const task: string = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))).tasks[
    "check:types"
  ];
  assert.match(
    task,
    /deno check .*tests\/\[!w\]\* scripts\/\[!w\]\* && deno check tests\/web\/ scripts\/web\/$/,
  );
  for (const dir of ["tests", "scripts"]) {
    for (const entry of Deno.readDirSync(new URL(`${dir}/`, ROOT))) {
      if (entry.name.startsWith("w")) assert.equal(entry.name, "web", `${dir}/${entry.name}`);
    }
  }
  // the DOM lib is loaded only under web/
  for (const dir of ["src", "cli", "tasks", "bench", "tests", "scripts"]) {
    const stack = [new URL(`${dir}/`, ROOT)];
    while (stack.length) {
      const at = stack.pop()!;
      for (const entry of Deno.readDirSync(at)) {
        const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), at);
        if (entry.isDirectory && entry.name !== "web" && entry.name !== "fixtures") stack.push(url);
        else if (entry.isFile && entry.name.endsWith(".ts")) {
          const text = Deno.readTextFileSync(url);
          assert.doesNotMatch(text, /^\/\/\/ <reference lib="dom"/m, url.pathname);
        }
      }
    }
  }
});
