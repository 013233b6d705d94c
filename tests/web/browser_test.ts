/// <reference lib="dom" />
/**
 * The console in a real browser (Debian's Chromium through puppeteer-core): a person's episode
 * played with the keyboard only, whose grade on the page must equal the server's `task_score`
 * for that session; watch mode and the leaderboard rendering without console errors; axe-core
 * finding no serious or critical violation on the three pages; and a narrow screen where the
 * queue scrolls inside its box and nothing overlaps. Without Chromium the tests are skipped
 * locally and fail in CI (`ALERT_TRIAGE_CI=1`; `.ci/setup-browser` installs it).
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import {
  axeViolations,
  chromiumPath,
  launch,
  newPage,
  playByKeyboard,
  startServer,
  textOf,
  watchPage,
} from "./browser.ts";

const CHROMIUM = chromiumPath();
const IN_CI = Deno.env.get("ALERT_TRIAGE_CI") === "1";
const options = { sanitizeOps: false, sanitizeResources: false };

if (!CHROMIUM && IN_CI) {
  Deno.test("Chromium is installed for the browser tests (.ci/setup-browser)", () => {
    assert.fail("no chromium found: run .ci/setup-browser (apt-get install -y chromium)");
  });
}

/** Pairs of the matched elements whose boxes overlap (by more than a pixel). */
async function overlaps(page: Page, selector: string): Promise<string[]> {
  return await page.$$eval(selector, (els) => {
    const boxes = els.map((e) => ({ e, r: e.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && r.height > 0);
    const out: string[] = [];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].r, b = boxes[j].r;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) out.push(`${boxes[i].e.textContent} / ${boxes[j].e.textContent}`);
      }
    }
    return out;
  });
}

Deno.test({
  name: "a keyboard-only episode, watch mode, the leaderboard and accessibility in Chromium",
  ignore: !CHROMIUM,
  ...options,
  fn: async (t) => {
    const live = startServer();
    const browser = await launch(CHROMIUM!);
    try {
      const page = await newPage(browser);
      await page.setViewport({ width: 1280, height: 900 });
      const problems = watchPage(page);
      const seed = 11;
      const name = "keyboard-tester";

      await t.step(
        "plays a full episode by keyboard; the page's grade is the server's",
        async () => {
          await page.goto(new URL("web", live.base).href); // redirected to web/
          assert.equal(page.url(), new URL("web/", live.base).href);
          const ep = await playByKeyboard(page, seed, name);
          assert.equal(ep.ticks, 30, "easy lasts 30 ticks");
          const stats = live.server.metrics.scores.get("easy")?.get(name);
          assert.ok(stats, "the episode was filed under the chosen name");
          assert.equal(stats.episodes, 1);
          assert.equal(ep.pageScore, stats.latest, "page grade = server task_score");
          assert.equal(ep.pageScore, ep.responseScore);
          assert.ok(ep.session.startsWith("web-"), ep.session);
          assert.match(ep.budgetMessage, /No investigation budget left/);
          const truthRows = await page.$$eval("#truth-alerts tbody tr", (r) => r.length);
          assert.ok(truthRows > 0, "the truth is revealed at the end");
          assert.equal(await page.evaluate(() => document.activeElement?.id), "end-h");
          // The truth was asked for once, after the last step; watch mode never during play.
          const state = problems.requests.filter((u) => u.includes("/env/state"));
          assert.equal(state.length, 1);
          assert.ok(!problems.requests.some((u) => u.includes("/web/api/watch")));
          assert.ok(problems.requests.every((u) => u.startsWith(live.base)), "no CDN");
          assert.deepEqual(problems.errors, []);
        },
      );

      await t.step("no serious accessibility violation on the finished play page", async () => {
        assert.deepEqual(await axeViolations(page), []);
      });

      await t.step("watch mode replays the same seed beside the person's decisions", async () => {
        const href = await page.$eval("#watch-same-seed", (a) => (a as HTMLAnchorElement).href);
        await page.goto(href);
        await page.waitForSelector("body[data-watched]", { timeout: 180_000 });
        const players = await page.$$eval("#summary tbody th", (c) => c.map((x) => x.textContent));
        assert.deepEqual(players, [
          `you (${name})`,
          "rules",
          "rules-tuned",
          "linear",
          "ppo",
          "oracle",
        ]);
        assert.equal(await textOf(page, "#notice"), "");
        await page.keyboard.press("ArrowRight");
        assert.match(await textOf(page, "#tick-label"), /^Tick 1 of 29$/);
        const diffs = await page.$$eval("#ticks td.diff", (c) => c.length);
        assert.ok(diffs > 0, "the oracle decides differently from the keyboard player somewhere");
        assert.deepEqual(await axeViolations(page), []);
        assert.deepEqual(problems.errors, []);
      });

      await t.step("the leaderboard lists the person with the threshold line", async () => {
        await page.goto(new URL("web/leaderboard", live.base).href);
        await page.waitForSelector("body[data-ready]");
        const rows = await page.$$eval(
          'table[data-task="easy"] tbody tr th',
          (c) => c.map((x) => x.textContent),
        );
        assert.deepEqual(rows, [name]);
        assert.equal(await page.$$eval("svg .threshold", (l) => l.length), 1);
        assert.deepEqual(await axeViolations(page), []);
        assert.deepEqual(problems.errors, []);
      });

      await t.step("a narrow screen: the queue scrolls in its box, nothing overlaps", async () => {
        await page.setViewport({ width: 360, height: 740 });
        await page.goto(new URL("web/", live.base).href);
        await page.waitForSelector("body[data-ready]");
        await page.click("#start");
        await page.waitForSelector("#queue-body tr[data-id]");
        const widths = await page.evaluate(() => ({
          page: document.documentElement.scrollWidth,
          view: document.documentElement.clientWidth,
          wrap: document.getElementById("queue-wrap")!.clientWidth,
          table: document.getElementById("queue")!.scrollWidth,
        }));
        assert.ok(widths.page <= widths.view, `page ${widths.page} > viewport ${widths.view}`);
        assert.ok(widths.table > widths.wrap, "the queue is wider than the screen and scrolls");
        // Sorting by severity (a header button) orders the rows, highest first.
        await page.click("#queue-head th:nth-child(4) button");
        const sev = await page.$$eval(
          "#queue-body tr[data-id] td:nth-child(4)",
          (c) => c.map((x) => Number(x.textContent)),
        );
        assert.deepEqual(sev, [...sev].sort((a, b) => b - a));
        assert.equal(
          await page.$eval("#queue-head th:nth-child(4)", (th) => th.getAttribute("aria-sort")),
          "descending",
        );
        assert.deepEqual(await overlaps(page, ".gauge"), []);
        assert.deepEqual(await overlaps(page, "#setup label, #setup button"), []);
        assert.deepEqual(await overlaps(page, ".top h1, .top nav a"), []);
        assert.deepEqual(await axeViolations(page), []);
        assert.deepEqual(problems.errors, []);
      });
    } finally {
      await browser.close();
      await live.close();
    }
  },
});
