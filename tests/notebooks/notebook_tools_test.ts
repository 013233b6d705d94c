import assert from "node:assert/strict";
import { cellSource, extractCells, outputProblems } from "../../scripts/notebooks/notebook.ts";

const URL_NB = new URL("file:///repo/notebooks/demo.ipynb");

Deno.test("extractCells keeps code cells in order and makes relative imports absolute", () => {
  const ts = extractCells({
    cells: [
      { cell_type: "markdown", source: "# title" },
      { cell_type: "code", source: ['import { a } from "../mod.ts";\n', "a"] },
      { cell_type: "code", source: 'const m = await import("./local.ts");\nimport x from "zod";' },
    ],
  }, URL_NB);
  assert.ok(ts.includes('from "file:///repo/mod.ts"'));
  assert.ok(ts.includes('import("file:///repo/notebooks/local.ts")'));
  assert.ok(ts.includes('from "zod"'), "bare specifiers stay for the import map");
  assert.ok(ts.indexOf("// cell 1") < ts.indexOf("// cell 2"));
  assert.ok(!ts.includes("# title"));
  assert.equal(cellSource({ cell_type: "code", source: ["a", "b"] }), "ab");
});

Deno.test("outputProblems checks errors, missing outputs, tags and charts", () => {
  const svg = { output_type: "display_data", data: { "image/svg+xml": "<svg/>" } };
  const text = { output_type: "execute_result", data: { "text/plain": "1" } };
  const ok = {
    metadata: { kernelspec: { name: "deno" } },
    cells: [
      { cell_type: "code", source: "import x;", metadata: { tags: ["no-output"] }, outputs: [] },
      { cell_type: "code", source: "1", outputs: [text] },
      { cell_type: "code", source: "chart", metadata: { tags: ["plot"] }, outputs: [svg] },
      { cell_type: "code", source: "   ", outputs: [] },
    ],
  };
  assert.deepEqual(outputProblems(ok), []);
  const bad = {
    metadata: { kernelspec: { name: "python3" } },
    cells: [
      { cell_type: "code", source: "1", outputs: [] },
      { cell_type: "code", source: "x", metadata: { tags: ["no-output"] }, outputs: [text] },
      { cell_type: "code", source: "chart", metadata: { tags: ["plot"] }, outputs: [text] },
      {
        cell_type: "code",
        source: "boom",
        outputs: [{ output_type: "error", ename: "TypeError", evalue: "bad" }],
      },
      { cell_type: "code", source: "warn", outputs: [{ output_type: "stream", name: "stderr" }] },
    ],
  };
  const problems = outputProblems(bad);
  assert.equal(problems.length, 6, problems.join("\n"));
  assert.match(
    problems.join("\n"),
    /python3.*has no output.*tagged no-output.*no SVG.*TypeError.*stderr/s,
  );
});
