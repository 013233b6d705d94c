/**
 * The console's committed static files (plain HTML, CSS and ES modules under `static/`),
 * imported as text so they ship inside the module graph: the server needs no file permission
 * to serve them, `deno compile` embeds them and no build step runs. {@link webAsset} names a
 * file's body and content type.
 *
 * @example
 * ```ts
 * import { webAsset } from "./assets.ts";
 * console.assert(webAsset("play.js")?.type.startsWith("text/javascript"));
 * ```
 *
 * @module
 */
import indexHtml from "./static/index.html" with { type: "text" };
import watchHtml from "./static/watch.html" with { type: "text" };
import leaderboardHtml from "./static/leaderboard.html" with { type: "text" };
import styleCss from "./static/style.css" with { type: "text" };
import figuresCss from "./static/figures.css" with { type: "text" };
import apiJs from "./static/api.js" with { type: "text" };
import chartJs from "./static/chart.js" with { type: "text" };
import formatJs from "./static/format.js" with { type: "text" };
import playJs from "./static/play.js" with { type: "text" };
import playViewJs from "./static/play_view.js" with { type: "text" };
import truthJs from "./static/truth.js" with { type: "text" };
import watchJs from "./static/watch.js" with { type: "text" };
import leaderboardJs from "./static/leaderboard.js" with { type: "text" };

/** A static file: its body and `Content-Type`. */
export interface WebAsset {
  /** The file's text. */
  body: string;
  /** Its media type. */
  type: string;
}

const HTML = "text/html; charset=utf-8";
const JS = "text/javascript; charset=utf-8";
const CSS = "text/css; charset=utf-8";

/** The pages, by name. */
export const WEB_PAGES: Readonly<Record<"play" | "watch" | "leaderboard", string>> = {
  play: indexHtml,
  watch: watchHtml,
  leaderboard: leaderboardHtml,
};

const FILES: ReadonlyMap<string, WebAsset> = new Map([
  ["style.css", { body: styleCss, type: CSS }],
  ["figures.css", { body: figuresCss, type: CSS }],
  ["api.js", { body: apiJs, type: JS }],
  ["chart.js", { body: chartJs, type: JS }],
  ["format.js", { body: formatJs, type: JS }],
  ["play.js", { body: playJs, type: JS }],
  ["play_view.js", { body: playViewJs, type: JS }],
  ["truth.js", { body: truthJs, type: JS }],
  ["watch.js", { body: watchJs, type: JS }],
  ["leaderboard.js", { body: leaderboardJs, type: JS }],
]);

/** The static file `name` (as under `/web/static/`), or undefined. */
export function webAsset(name: string): WebAsset | undefined {
  return FILES.get(name);
}

/** Every static file name. */
export function webAssetNames(): string[] {
  return [...FILES.keys()];
}

/** The page's media type. */
export const HTML_TYPE: string = HTML;
