/**
 * Rendering: Markdown tables, CSV cells and JSON of an evaluation result, and the progress
 * display on a terminal and off it.
 *
 * @module
 */
import assert from "node:assert/strict";
import { evaluate } from "../../src/eval/evaluate.ts";
import { ProgressReporter, type ProgressSink } from "../../src/eval/progress.ts";
import {
  episodesCsv,
  pivotMarkdown,
  resultJson,
  summaryCsv,
  summaryMarkdown,
} from "../../src/eval/report.ts";

const one = await evaluate({ agents: ["rules"], tasks: ["easy"], seeds: 1 });
const two = await evaluate({
  agents: ["rules", "always-delay"],
  tasks: ["easy", "hard"],
  seeds: 3,
});

Deno.test("pivotMarkdown() shows score ± CI and success per task, one row per agent", () => {
  const lines = pivotMarkdown(two).split("\n");
  assert.equal(
    lines[0],
    "| agent | easy score | easy success (≥ 0.7) | hard score | hard success (≥ 0.6) |",
  );
  assert.equal(lines.length, 4);
  assert.match(lines[2], /^\| rules \| \d\.\d{3} ± \d\.\d{3} \| \d+% \|/);
  assert.match(lines[3], /^\| always-delay \|/);
  assert.equal(summaryMarkdown(two).split("\n").length, 2 + 4);
});

Deno.test("an interval over one episode is empty in CSV, null in JSON, omitted in tables", () => {
  const row = summaryCsv(one).trim().split("\n")[1].split(",");
  assert.equal(row[6], ""); // score_ci_half_width
  const json = JSON.parse(resultJson(one));
  assert.equal(json.summaries[0].score.half_width, null);
  assert.doesNotMatch(pivotMarkdown(one), /±/);
  assert.equal(episodesCsv(one).trim().split("\n").length, 2);
});

class Sink implements ProgressSink {
  text = "";
  constructor(readonly tty: boolean) {}
  isTerminal(): boolean {
    return this.tty;
  }
  writeSync(bytes: Uint8Array): number {
    this.text += new TextDecoder().decode(bytes);
    return bytes.length;
  }
}

Deno.test("ProgressReporter draws a bar on a terminal and plain lines elsewhere", async () => {
  const tty = new Sink(true);
  const plain = new Sink(false);
  const bar = new ProgressReporter({ sink: tty, intervalMs: 0 });
  const lines = new ProgressReporter({ sink: plain });
  await evaluate({
    agents: ["rules"],
    tasks: ["easy", "medium"],
    seeds: 2,
    onProgress: (p) => {
      bar.update(p);
      lines.update(p);
    },
  });
  bar.finish();
  lines.finish();
  const last = tty.text.slice(tty.text.lastIndexOf("\r"));
  assert.ok(
    last.startsWith("\r\x1b[2K" + "█".repeat(30) + " 100%  4/4 episodes  rules/medium"),
    last,
  );
  assert.ok(tty.text.endsWith("\n"));
  const out = plain.text.trim().split("\n");
  assert.equal(out.length, 2);
  assert.match(
    out[0],
    /^\[2\/4\] rules\/easy: 2 episodes, score \d\.\d{3} ± \d\.\d{3}, success \d+%/,
  );
  assert.doesNotMatch(plain.text, /\r/);
});
