import assert from "node:assert/strict";
import { loadCurves, parsePlotArgs } from "../../scripts/plots.ts";
import { curveFromLog, findHistory } from "../../src/plots/training_log.ts";

Deno.test("parsePlotArgs reads the flags with their defaults", () => {
  const d = parsePlotArgs([]);
  assert.deepEqual(d, {
    eval: undefined,
    seeds: 50,
    agents: ["random", "rules", "oracle"],
    policies: "policies",
    out: "docs",
    png: true,
    retrain: false,
  });
  const a = parsePlotArgs(["--eval", "e.json", "--out", "x/", "--no-png", "--agents", "rules"]);
  assert.equal(a.out, "x");
  assert.equal(a.png, false);
  assert.deepEqual(a.agents, ["rules"]);
  assert.throws(() => parsePlotArgs(["--seeds", "1"]), RangeError);
});

Deno.test("training logs of several shapes give learning curves", () => {
  const reports = [1, 2, 3].map((u) => ({ globalStep: u * 512, meanScore: u / 10, meanReturn: u }));
  assert.equal(findHistory(reports)?.length, 3);
  assert.equal(findHistory({ history: reports })?.length, 3);
  assert.equal(findHistory({ training: { history: reports } })?.length, 3);
  assert.equal(findHistory({ nothing: 1 }), undefined);
  const curve = curveFromLog({ updates: [...reports, { globalStep: 2048, meanScore: NaN }] }, "e");
  assert.deepEqual(curve.map((p) => p.step), [512, 1024, 1536]);
  assert.deepEqual(curveFromLog(reports, "e", { metric: "return" }).map((p) => p.value), [1, 2, 3]);
  const smooth = curveFromLog(reports, "e", { smooth: 2 }).map((p) => Math.round(p.value * 100));
  assert.deepEqual(smooth, [10, 15, 25]);
});

Deno.test("loadCurves finds the logs in a policies directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "plots-" });
  try {
    const history = [1, 2, 3].map((u) => ({ step: u * 100, score: u / 10 }));
    await Deno.writeTextFile(`${dir}/easy.json`, JSON.stringify({ training: {} }));
    await Deno.writeTextFile(`${dir}/easy.log.json`, JSON.stringify({ history }));
    await Deno.writeTextFile(`${dir}/hard.json`, JSON.stringify({ training: { history } }));
    const { points, files } = await loadCurves(dir);
    assert.deepEqual(files, [`${dir}/easy.log.json`, `${dir}/hard.json`]);
    assert.deepEqual([...new Set(points.map((p) => p.series))], ["easy", "hard"]);
    assert.deepEqual(await loadCurves(`${dir}/missing`), { points: [], files: [] });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
