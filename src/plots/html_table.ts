/**
 * HTML and plain-text tables with inline styles (so they survive a code host's notebook
 * renderer, which drops `<style>` blocks), badges and bars: the building blocks of the rich
 * displays in `src/display.ts`.
 *
 * @example
 * ```ts
 * import { htmlTable, textTable } from "./html_table.ts";
 * htmlTable([{ agent: "rules", score: 0.71234 }]); // score shown as 0.712
 * console.log(textTable([{ a: 1, b: "x" }], ["a", "b"]));
 * ```
 *
 * @module
 */
import { escapeHtml } from "./mime.ts";

/** Inline style of a table. */
export const TABLE = "border-collapse:collapse;font:12px system-ui,sans-serif;margin:4px 0";
/** Inline style of a table cell. */
export const CELL = "padding:2px 8px;border-bottom:1px solid #ddd;text-align:left";
/** Inline style of a header cell. */
export const HEAD: string = CELL + ";background:#f3f4f6;font-weight:600";
/** Inline style of a heading line. */
export const BOX = "font:13px system-ui,sans-serif;margin:4px 0";

/**
 * A coloured label.
 *
 * @example
 * ```ts
 * import { badge } from "./html_table.ts";
 * badge("IGNORE", "#6b7280");
 * ```
 */
export function badge(text: string, colour: string): string {
  return `<span style="background:${colour};color:#fff;border-radius:3px;padding:0 5px;` +
    `font-size:11px">${escapeHtml(text)}</span>`;
}

/**
 * A horizontal bar for a value in [0, 1], followed by the value.
 *
 * @example
 * ```ts
 * import { bar } from "./html_table.ts";
 * bar(0.42, "#dc2626");
 * ```
 */
export function bar(value: number, colour = "#2563eb", width = 60): string {
  const w = Math.round(Math.max(0, Math.min(1, value)) * width);
  return `<span style="display:inline-block;width:${width}px;height:8px;background:#e5e7eb;` +
    `vertical-align:middle"><span style="display:block;width:${w}px;height:8px;` +
    `background:${colour}"></span></span> ${value.toFixed(2)}`;
}

/** A cell value as text: integers as is, other numbers with `digits` decimals. */
export function fmt(v: unknown, digits: number): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(digits);
  return v === null || v === undefined ? "" : String(v);
}

/** Options of {@link htmlTable}. */
export interface TableOptions {
  /** Column order (default: the keys of the first row). */
  columns?: readonly string[];
  /** Decimals for non-integer numbers (default 3). */
  digits?: number;
  /** Columns holding raw HTML, not escaped. */
  html?: readonly string[];
}

/**
 * An HTML table of rows (inline styles only).
 *
 * @example
 * ```ts
 * import { htmlTable } from "./html_table.ts";
 * htmlTable([{ agent: "rules", score: 0.71234 }]); // score shown as 0.712
 * ```
 */
export function htmlTable(
  rows: readonly Record<string, unknown>[],
  opts: TableOptions = {},
): string {
  const cols = opts.columns ?? Object.keys(rows[0] ?? {});
  const digits = opts.digits ?? 3;
  const raw = new Set(opts.html ?? []);
  const head = cols.map((c) => `<th style="${HEAD}">${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) =>
    "<tr>" + cols.map((c) => {
      const v = raw.has(c) ? String(r[c] ?? "") : escapeHtml(fmt(r[c], digits));
      return `<td style="${CELL}">${v}</td>`;
    }).join("") + "</tr>"
  ).join("");
  return `<table style="${TABLE}"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/**
 * A plain-text table with aligned columns (the `text/plain` fallback).
 *
 * @example
 * ```ts
 * import { textTable } from "./html_table.ts";
 * console.assert(textTable([{ a: 1 }], ["a"]) === "a\n1");
 * ```
 */
export function textTable(
  rows: readonly Record<string, unknown>[],
  cols: readonly string[],
  digits = 3,
): string {
  const cells = rows.map((r) => cols.map((c) => fmt(r[c], digits)));
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
  return [line([...cols]), ...cells.map(line)].join("\n");
}
