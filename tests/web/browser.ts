/// <reference lib="dom" />
/**
 * Helpers of the browser tests (and of `scripts/web/screenshots.ts`): a real server on loopback,
 * Debian's Chromium driven by puppeteer-core (never a downloaded browser), a keyboard-only
 * episode on the play page, and axe-core injected from the npm module (not a CDN).
 *
 * @module
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import axe from "axe-core";
import { createApp, type ServerApp } from "../../src/server/app.ts";

/** Where Chromium is: `$CHROMIUM_PATH`, else the first of the Debian paths that exists. */
export function chromiumPath(): string | null {
  const candidates = [
    Deno.env.get("CHROMIUM_PATH"),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
  ].filter((p): p is string => !!p);
  for (const p of candidates) {
    try {
      if (Deno.statSync(p).isFile) return p;
    } catch {
      // not there
    }
  }
  return null;
}

/** A server on loopback with its base URL. */
export interface LiveServer {
  /** The application (its metrics hold the score store). */
  server: ServerApp;
  /** `http://127.0.0.1:PORT/`. */
  base: string;
  /** Stops the listener and the app. */
  close(): Promise<void>;
}

/** Starts the server on a free loopback port. */
export function startServer(): LiveServer {
  const server = createApp({ baselineEpisodes: 4 });
  const http = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, server.fetch);
  return {
    server,
    base: `http://127.0.0.1:${http.addr.port}/`,
    close: async () => {
      await http.shutdown();
      server.close();
    },
  };
}

/** Page timeouts: generous, for a loaded shared machine (an idle one needs a few seconds). */
export const PAGE_TIMEOUT_MS = 120_000;

/** A new page with {@link PAGE_TIMEOUT_MS} as its default timeout. */
export async function newPage(browser: Browser): Promise<Page> {
  const page = await browser.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  return page;
}

/** Launches headless Chromium. */
export async function launch(executablePath: string): Promise<Browser> {
  return await puppeteer.launch({
    protocolTimeout: PAGE_TIMEOUT_MS * 2,
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

/** What a page reported that a test must see empty: console errors, page errors, failures. */
export interface PageProblems {
  /** Console messages of type error, uncaught exceptions and failed requests. */
  errors: string[];
  /** Every request URL, in order. */
  requests: string[];
}

/** Records a page's console errors, uncaught exceptions, failed requests and request URLs. */
export function watchPage(page: Page): PageProblems {
  const problems: PageProblems = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") problems.errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.errors.push(`pageerror: ${String(e)}`));
  page.on("requestfailed", (r) => problems.errors.push(`failed: ${r.url()}`));
  page.on("request", (r) => problems.requests.push(r.url()));
  return problems;
}

/** Serious or critical axe violations of the page (axe-core injected from the npm module). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate((axe as unknown as { source: string }).source);
  const result = await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const r = await (globalThis as any).axe.run(document, {
      resultTypes: ["violations"],
    });
    // deno-lint-ignore no-explicit-any
    return r.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      // deno-lint-ignore no-explicit-any
      nodes: v.nodes.slice(0, 3).map((n: any) => n.target.join(" ")),
    }));
  });
  return result
    .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
    .map((v: { id: string; impact: string; nodes: string[] }) =>
      `${v.impact} ${v.id}: ${v.nodes.join(", ")}`
    );
}

/** Text of an element. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return await page.$eval(selector, (e) => e.textContent ?? "");
}

/** Presses Tab until the element with `id` has the focus (at most `max` times). */
export async function tabTo(page: Page, id: string, max = 15): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const active = await page.evaluate(() => document.activeElement?.id ?? "");
    if (active === id) return;
  }
  throw new Error(`Tab never reached #${id}`);
}

/** What {@link playByKeyboard} saw. */
export interface KeyboardEpisode {
  /** Ticks played. */
  ticks: number;
  /** The grade the page shows. */
  pageScore: number;
  /** The `task_score` of the server's last step response. */
  responseScore: number | null;
  /** The session the page played. */
  session: string;
  /** The message the page showed when asked for one investigation too many. */
  budgetMessage: string;
}

/**
 * Plays a whole episode on the play page with the keyboard only: Tab to the seed and name
 * fields and the start button, then per tick `I` on the first K alerts, `G` on the rest and
 * Enter. Once, it asks for one investigation more than the budget and keeps the message.
 * `beforeSubmit(tick)` runs after a tick's keys, before its Enter.
 */
export async function playByKeyboard(
  page: Page,
  seed: number,
  name: string,
  beforeSubmit?: (tick: number) => Promise<void>,
): Promise<KeyboardEpisode> {
  let responseScore: number | null = null;
  page.on("response", async (r) => {
    if (!r.url().endsWith("/env/step") || !r.ok()) return;
    try {
      const body = await r.json();
      if (body.done) responseScore = body.info.task_score;
    } catch {
      // body gone (navigation)
    }
  });
  await page.waitForSelector("body[data-ready]");
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(page, "seed");
  await page.keyboard.type(String(seed));
  await tabTo(page, "name");
  await page.keyboard.down("Control");
  await page.keyboard.press("a");
  await page.keyboard.up("Control");
  await page.keyboard.type(name);
  await tabTo(page, "start");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#game:not([hidden])");
  let budgetMessage = "";
  let ticks = 0;
  for (;;) {
    const state = await page.$eval("#game", (e) => (e as HTMLElement).dataset.state);
    if (state === "over") break;
    const rows = await page.$$eval("#queue-body tr[data-id]", (r) => r.length);
    const budget = Number((await textOf(page, "#g-budget")).split(" of ")[1]);
    for (let i = 0; i < rows; i++) {
      if (i === budget && !budgetMessage) {
        await page.keyboard.press("i"); // one too many: the page refuses and says why
        budgetMessage = await textOf(page, "#error");
      }
      await page.keyboard.press(i < budget ? "i" : "g");
    }
    await beforeSubmit?.(ticks);
    await page.keyboard.press("Enter");
    ticks++;
    await page.waitForFunction(
      () => document.getElementById("game")?.dataset.state !== "waiting",
    );
  }
  const pageScore = Number(
    await page.$eval("#grade-score", (e) => e.getAttribute("data-score") ?? "NaN"),
  );
  const session = await page.$eval("#end", (e) => (e as HTMLElement).dataset.session ?? "");
  return { ticks, pageScore, responseScore, session, budgetMessage };
}
