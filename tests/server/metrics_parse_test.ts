/**
 * `/metrics` parses with Prometheus's own Python parser (`prometheus_client`, pinned in
 * requirements-dev.txt) whatever the agents are called: quotes, backslashes, line breaks,
 * carriage returns, control and Unicode line-separator characters. Needs `.venv/bin/python`
 * (`.ci/setup-python`); ignored without it unless `ALERT_TRIAGE_CI=1`.
 *
 * @module
 */
import { deepEqual, equal, ok } from "node:assert/strict";
import { get, post, withServer } from "./helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PYTHON = `${ROOT}.venv/bin/python`;
const SCRIPT = new URL("./py/parse_metrics.py", import.meta.url).pathname;
const CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";
let havePython = false;
try {
  havePython = Deno.statSync(PYTHON).isFile;
} catch { /* no venv */ }

const HOSTILE = [
  'q"uote',
  "back\\slash",
  "line\nfeed",
  "carriage\rreturn",
  "nul\u0000tab\t",
  "ls\u2028ps\u2029",
  "\\n literal",
  "é😀",
];

async function parse(text: string): Promise<{ agents: string[]; samples: number }> {
  const child = new Deno.Command(PYTHON, {
    args: [SCRIPT],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  const err = new TextDecoder().decode(out.stderr);
  equal(out.code, 0, err);
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

Deno.test({
  name: "/metrics parses with prometheus_client's parser whatever the agent names",
  ignore: !havePython && !CI,
  async fn() {
    await withServer(async ({ url }) => {
      for (const [i, agent] of HOSTILE.entries()) {
        const headers = { "X-Session-Id": `m${i}` };
        let res = await post(url + "/reset", { seed: i, task_id: "easy", agent }, headers);
        equal(res.status, 200);
        while (!res.body.done) {
          res = await post(url + "/step", { action: { decisions: [] } }, headers);
        }
      }
      const metrics = await get(url + "/metrics");
      const parsed = await parse(metrics.body);
      ok(parsed.samples > 20);
      // every agent is there, with characters the format cannot carry raw replaced by U+FFFD
      const expected = HOSTILE.map((a) =>
        // deno-lint-ignore no-control-regex
        a.replace(/[\u0000-\u0009\u000b-\u001f\u2028\u2029]/g, "\ufffd")
      );
      deepEqual(parsed.agents, [...expected, "rules"].sort());
    });
  },
});
