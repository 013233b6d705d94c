/// <reference lib="dom" />
/**
 * Screenshots of the web console's three pages for the README: a server on loopback, Debian's
 * Chromium through puppeteer-core, an episode of `easy` on seed 7 played with the keyboard,
 * then watch mode on that seed and the leaderboard (with a few rule-agent episodes filed through
 * the API so it has rows to show).
 *
 * @example
 * ```sh
 * deno run -A scripts/web/screenshots.ts   # docs/web-{play,play-end,watch,leaderboard}.png
 * ```
 *
 * @module
 */
import {
  chromiumPath,
  launch,
  newPage,
  playByKeyboard,
  startServer,
} from "../../tests/web/browser.ts";
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";

const OUT = new URL("../../docs/", import.meta.url);

/** Plays the rule agent on `task` and `seeds` through the HTTP API, filed under `agent`. */
async function file(base: string, agent: string, task: string, seeds: number[]): Promise<void> {
  for (const seed of seeds) {
    const player = new RuleBasedAgent();
    const headers = { "Content-Type": "application/json", "X-Session-Id": `shot-${agent}` };
    let r = await fetch(new URL(`env/reset/${task}`, base), {
      method: "POST",
      headers,
      body: JSON.stringify({ seed, agent }),
    });
    const token = r.headers.get("X-Session-Token");
    const h: Record<string, string> = token ? { ...headers, "X-Session-Token": token } : headers;
    let body = await r.json();
    while (!body.done) {
      const action = player.act(body.observation);
      r = await fetch(new URL("env/step", base), {
        method: "POST",
        headers: h,
        body: JSON.stringify({ action }),
      });
      body = await r.json();
    }
  }
}

if (import.meta.main) {
  const chromium = chromiumPath();
  if (!chromium) throw new Error("no chromium: apt-get install -y chromium");
  const live = startServer();
  const browser = await launch(chromium);
  try {
    await file(live.base, "rules", "easy", [0, 1, 2, 3, 4, 5]);
    await file(live.base, "rules", "medium", [0, 1, 2]);
    const page = await newPage(browser);
    await page.setViewport({ width: 1200, height: 900, deviceScaleFactor: 1 });
    await page.goto(new URL("web/", live.base).href);
    await playByKeyboard(page, 7, "human", async (tick) => {
      if (tick !== 6) return;
      await page.keyboard.press("Home");
      await page.screenshot({ path: new URL("web-play.png", OUT).pathname });
    });
    await page.$eval("#end", (e) => e.scrollIntoView());
    await page.screenshot({ path: new URL("web-play-end.png", OUT).pathname });
    const href = await page.$eval("#watch-same-seed", (a) => (a as HTMLAnchorElement).href);
    await page.goto(href);
    await page.waitForSelector("body[data-watched]", { timeout: 180_000 });
    for (let i = 0; i < 6; i++) await page.keyboard.press("ArrowRight");
    await page.screenshot({ path: new URL("web-watch.png", OUT).pathname, fullPage: true });
    await page.goto(new URL("web/leaderboard", live.base).href);
    await page.waitForSelector("body[data-ready]");
    await page.screenshot({ path: new URL("web-leaderboard.png", OUT).pathname, fullPage: true });
    console.log("wrote docs/web-{play,play-end,watch,leaderboard}.png");
  } finally {
    await browser.close();
    await live.close();
  }
}
