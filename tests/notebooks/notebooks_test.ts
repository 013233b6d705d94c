/**
 * The notebooks, for real:
 * - every notebook executes headless on the project-local Deno kernel through
 *   `scripts/notebooks/execute.py` (no cell error, every expected output present, each notebook
 *   within its 2-minute budget);
 * - the code cells of every notebook type-check (`deno check` of the extracted module);
 * - the committed notebooks carry their outputs (so they read well on a code host).
 *
 * Executing needs `.venv/bin/python` with nbclient (created by `.ci/setup-python`): without it
 * the execution test is ignored with a message, except under `ALERT_TRIAGE_CI=1`, where it fails.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { extractCells, outputProblems, readNotebook } from "../../scripts/notebooks/notebook.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = `${ROOT}.venv/bin/python`;
const CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";
const NOTEBOOKS = [...Deno.readDirSync(`${ROOT}notebooks`)]
  .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
  .map((e) => e.name)
  .sort();

function jupyterReady(): boolean {
  try {
    if (!Deno.statSync(PYTHON).isFile) return false;
    const probe = new Deno.Command(PYTHON, {
      args: ["-c", "import nbclient, nbformat, jupyter_client"],
      stdout: "null",
      stderr: "null",
    }).outputSync();
    return probe.success;
  } catch {
    return false;
  }
}
const READY = jupyterReady();
if (!READY && !CI) {
  console.warn(
    `notebooks_test: ${PYTHON} with nbclient missing (run .ci/setup-python); ` +
      "notebook execution ignored",
  );
}

Deno.test("the notebooks directory holds the notebooks", () => {
  for (
    const name of ["first_episode.ipynb", "reward_analysis.ipynb", "baselines_and_learning.ipynb"]
  ) {
    assert.ok(NOTEBOOKS.includes(name), `notebooks/${name} is missing`);
  }
});

Deno.test({
  name: "every notebook executes headless with every expected output, within 2 minutes each",
  ignore: !READY && !CI,
  async fn() {
    assert.ok(READY, `${PYTHON} with nbclient is required under ALERT_TRIAGE_CI=1`);
    const out = await new Deno.Command(PYTHON, {
      args: [`${ROOT}scripts/notebooks/execute.py`, "--max-seconds", "120"],
      cwd: ROOT,
      env: { PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    const err = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `notebook execution failed:\n${text}\n${err.slice(-3000)}`);
    for (const name of NOTEBOOKS) assert.match(text, new RegExp(`ok \\S*${name} in`));
  },
});

for (const name of NOTEBOOKS) {
  Deno.test(`${name}: code cells type-check`, async () => {
    const url = new URL(`../../notebooks/${name}`, import.meta.url);
    const dir = await Deno.makeTempDir({ prefix: "nb-check-" });
    try {
      const file = `${dir}/${name.replace(/\.ipynb$/, "")}.ts`;
      await Deno.writeTextFile(file, extractCells(await readNotebook(url), url));
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["check", "--quiet", "--config", `${ROOT}deno.json`, file],
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(out.stderr);
      assert.ok(out.success, `type errors in the cells of ${name}:\n${err}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  Deno.test(`${name}: the committed notebook carries its outputs`, async () => {
    const nb = await readNotebook(new URL(`../../notebooks/${name}`, import.meta.url));
    assert.deepEqual(outputProblems(nb), []);
    assert.equal(nb.metadata?.kernelspec?.name, "deno");
    assert.ok(nb.cells.some((c) => c.cell_type === "markdown"), "no prose");
  });
}
