/**
 * Reading the Deno notebooks without Jupyter: their code cells concatenated into one TypeScript
 * module (to `deno check` them), and the static checks of their committed outputs (the same
 * rules the executor applies after running them: see `execute.py`).
 *
 * Cell tags: `no-output` (the cell must produce nothing), `plot` (it must produce an SVG chart),
 * `allow-stderr` (it may write to stderr). Any other code cell must produce some output.
 *
 * CLI: `deno run --allow-read --allow-write scripts/notebooks/notebook.ts NOTEBOOK [OUT.ts]`
 * writes (or prints) the extracted module.
 *
 * @example
 * ```ts
 * import { extractCells } from "./notebook.ts";
 * const nb = { cells: [{ cell_type: "code", source: ['import { makeEnv } from "../mod.ts";'] }] };
 * const ts = extractCells(nb, new URL("file:///repo/notebooks/a.ipynb"));
 * console.assert(ts.includes('"file:///repo/mod.ts"'));
 * ```
 *
 * @module
 */

/** One output of a code cell (nbformat 4). */
export interface CellOutput {
  /** `stream`, `execute_result`, `display_data` or `error`. */
  output_type: string;
  /** Stream name (`stdout`, `stderr`). */
  name?: string;
  /** MIME bundle of a result or display. */
  data?: Record<string, unknown>;
  /** Exception name of an error. */
  ename?: string;
  /** Exception message of an error. */
  evalue?: string;
}

/** One cell (nbformat 4). */
export interface Cell {
  /** `code`, `markdown` or `raw`. */
  cell_type: string;
  /** Source, as one string or as lines. */
  source: string | string[];
  /** Cell metadata (tags). */
  metadata?: { tags?: string[] };
  /** Outputs of a code cell. */
  outputs?: CellOutput[];
}

/** A notebook (nbformat 4), as far as these checks read it. */
export interface Notebook {
  /** The cells. */
  cells: Cell[];
  /** Notebook metadata. */
  metadata?: { kernelspec?: { name?: string; language?: string } };
}

/** A cell's source as one string. */
export function cellSource(cell: Cell): string {
  return Array.isArray(cell.source) ? cell.source.join("") : cell.source;
}

/** A cell's tags. */
export function cellTags(cell: Cell): string[] {
  return cell.metadata?.tags ?? [];
}

const RELATIVE = /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']*)\2/g;

/**
 * The code cells of a notebook as one TypeScript module, in order, each preceded by a
 * `// cell N` comment. Relative import specifiers are made absolute against the notebook's URL
 * so the module can be checked from anywhere.
 */
export function extractCells(nb: Notebook, notebookUrl: URL): string {
  const parts = [`// Code cells of ${notebookUrl.pathname.split("/").pop()}, for type-checking.`];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const src = cellSource(cell).replace(
      RELATIVE,
      (_m, head: string, q: string, spec: string) => `${head}${q}${new URL(spec, notebookUrl)}${q}`,
    );
    parts.push(`// cell ${i}\n${src}`);
  });
  parts.push("export {};");
  return parts.join("\n\n") + "\n";
}

/** Reads a notebook file. */
export async function readNotebook(path: string | URL): Promise<Notebook> {
  return JSON.parse(await Deno.readTextFile(path)) as Notebook;
}

function hasSvg(o: CellOutput): boolean {
  const html = o.data?.["text/html"];
  const text = Array.isArray(html) ? html.join("") : String(html ?? "");
  return o.data?.["image/svg+xml"] !== undefined || text.includes("<svg");
}

/**
 * Problems with a notebook's committed outputs: errors, stray stderr, code cells with no output
 * that should have one (or with output when tagged `no-output`), `plot` cells without an SVG,
 * and a kernelspec other than `deno`. Empty when the notebook is fine.
 *
 * @example
 * ```ts
 * import { outputProblems } from "./notebook.ts";
 * const nb = { cells: [{ cell_type: "code", source: "1 + 1", outputs: [] }] };
 * console.assert(outputProblems(nb).length === 1); // no output where one is expected
 * ```
 */
export function outputProblems(nb: Notebook): string[] {
  const problems: string[] = [];
  const spec = nb.metadata?.kernelspec?.name;
  if (spec !== undefined && spec !== "deno") problems.push(`kernelspec is ${spec}, not deno`);
  nb.cells.forEach((cell, i) => {
    const src = cellSource(cell).trim();
    if (cell.cell_type !== "code" || !src) return;
    const where = `cell ${i} (${JSON.stringify(src.split("\n")[0].slice(0, 60))})`;
    const tags = cellTags(cell);
    const outs = cell.outputs ?? [];
    for (const o of outs) {
      if (o.output_type === "error") problems.push(`${where}: ${o.ename}: ${o.evalue}`);
      if (o.output_type === "stream" && o.name === "stderr" && !tags.includes("allow-stderr")) {
        problems.push(`${where}: wrote to stderr`);
      }
    }
    if (tags.includes("no-output")) {
      if (outs.length) problems.push(`${where}: tagged no-output but has ${outs.length} output(s)`);
    } else if (!outs.length) {
      problems.push(`${where}: has no output`);
    }
    if (tags.includes("plot") && !outs.some(hasSvg)) problems.push(`${where}: no SVG chart`);
  });
  return problems;
}

if (import.meta.main) {
  const [input, output] = Deno.args;
  if (!input) {
    console.error("usage: notebook.ts NOTEBOOK.ipynb [OUT.ts]");
    Deno.exit(2);
  }
  const url = new URL(input, `file://${Deno.cwd()}/`);
  const ts = extractCells(await readNotebook(url), url);
  if (output) await Deno.writeTextFile(output, ts);
  else console.log(ts);
}
