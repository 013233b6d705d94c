// Small helpers shared by the pages: building DOM nodes (text only, never HTML strings, so
// names and server messages cannot inject markup), number formats and the decision keys.

/** Creates an element: `h("td", { class: "x" }, "text", child)`. */
export function h(tag, attrs = {}, ...children) {
  const node = tag === "svg" || SVG_TAGS.has(tag)
    ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") node.addEventListener(k.slice(2), v);
    else if (k === "style") node.style.cssText = v; // CSSOM: allowed by the page's CSP
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const SVG_TAGS = new Set([
  "g",
  "line",
  "polyline",
  "circle",
  "rect",
  "text",
  "title",
  "path",
  "desc",
]);

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  for (const c of children.flat()) {
    if (c !== null && c !== undefined && c !== false) {
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }
  return node;
}

/** `x` with `digits` decimals (a dash for null/NaN). */
export function num(x, digits = 3) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : Number(x).toFixed(digits);
}

/** A signed number (`+0.25`, `−0.10`). */
export function signed(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  const s = Math.abs(x).toFixed(digits);
  return x > 0 ? `+${s}` : x < 0 ? `−${s}` : s;
}

/** A share as a percentage. */
export function pct(x) {
  return x === null || x === undefined || Number.isNaN(x) ? "–" : `${(x * 100).toFixed(0)}%`;
}

/** The decisions, their keys and short labels. */
export const ACTIONS = [
  { type: "INVESTIGATE", key: "i", short: "I", label: "Investigate" },
  { type: "IGNORE", key: "g", short: "G", label: "Ignore" },
  { type: "ESCALATE", key: "e", short: "E", label: "Escalate" },
  { type: "DELAY", key: "d", short: "D", label: "Delay" },
];

/** The short label of a decision (`I`, `G`, `E`, `D`), or a dash. */
export function shortAction(type) {
  return ACTIONS.find((a) => a.type === type)?.short ?? "–";
}

/** Human-readable name of a reward component or grader quantity (`critical_missed`). */
export function label(key) {
  return key.replaceAll("_", " ");
}

/** The query parameters of the page. */
export function query() {
  return new URLSearchParams(location.search);
}

/** The storage key of the person's last finished episode (kept in this tab only). */
export const LAST_EPISODE_KEY = "alert-triage:last-episode";
/** The storage key of the episode being played in this tab: {task, seed}. */
export const PLAYING_KEY = "alert-triage:playing";

/** Reads a JSON value of the tab's session storage (null if absent or unreadable). */
export function loadJson(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? "null");
  } catch {
    return null;
  }
}

/** Stores a JSON value in the tab's session storage (ignores a full or disabled storage). */
export function saveJson(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // storage unavailable: watch mode then offers no comparison
  }
}
