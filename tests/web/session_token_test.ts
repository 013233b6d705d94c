/// <reference lib="dom" />
/**
 * The console against a server that hands out session tokens (the session-ownership contract:
 * a reset that creates a session answers `X-Session-Token`; step and state must send it back with
 * `X-Session-Id`), and the server's own error shown on the page when it rejects a tick. The token
 * is added here by a thin wrapper around the real app, so the test holds whether or not the
 * server itself issues tokens yet.
 */
import assert from "node:assert/strict";
import { createApp } from "../../src/server/app.ts";
import { chromiumPath, launch, newPage, watchPage } from "./browser.ts";

const CHROMIUM = chromiumPath();
const TOKEN = "tok-0123456789abcdef";

Deno.test({
  name: "the console sends the reset's session token on every later call, and shows rejections",
  ignore: !CHROMIUM,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const app = createApp({ baselineEpisodes: 2 });
    const seen: { path: string; token: string | null; session: string | null }[] = [];
    let expire = false;
    let issued: string | null = null; // the server's own token once it issues them, else TOKEN
    const fetch = async (req: Request): Promise<Response> => {
      const path = new URL(req.url).pathname;
      if (path.startsWith("/env/")) {
        const token = req.headers.get("x-session-token");
        const session = req.headers.get("x-session-id");
        seen.push({ path, token, session });
        if (!path.startsWith("/env/reset") && token !== issued) {
          return Response.json({ detail: "Missing or wrong X-Session-Token" }, { status: 403 });
        }
        if (expire && path === "/env/step") {
          return Response.json({ detail: "Session expired (test)" }, { status: 404 });
        }
      }
      const res = await app.fetch(req);
      if (!path.startsWith("/env/reset") || !res.ok) return res;
      const headers = new Headers(res.headers);
      issued = headers.get("x-session-token") ?? TOKEN;
      headers.set("X-Session-Token", issued);
      return new Response(res.body, { status: res.status, headers });
    };
    const http = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, fetch);
    const base = `http://127.0.0.1:${http.addr.port}/`;
    const browser = await launch(CHROMIUM!);
    try {
      const page = await newPage(browser);
      const problems = watchPage(page);
      await page.goto(new URL("web/", base).href);
      await page.waitForSelector("body[data-ready]");
      await page.click("#start");
      await page.waitForSelector("#queue-body tr[data-id]");
      for (let i = 0; i < 3; i++) {
        const tick = await page.$eval("#g-tick", (e) => e.textContent);
        await page.keyboard.press("Enter");
        await page.waitForFunction(
          (t) => document.getElementById("g-tick")?.textContent !== t,
          {},
          tick,
        );
      }
      assert.equal(await page.$eval("#error", (e) => e.textContent), "");
      const steps = seen.filter((s) => s.path === "/env/step");
      assert.equal(steps.length, 3);
      assert.ok(steps.every((s) => s.token === issued && s.session?.startsWith("web-")));
      assert.equal(seen[0].token, null, "the first reset has no token yet");

      // The server rejects a tick: its own message is shown, nothing else changes.
      expire = true;
      const tick = await page.$eval("#g-tick", (e) => e.textContent);
      await page.keyboard.press("Enter");
      await page.waitForFunction(() => document.getElementById("error")?.textContent !== "");
      assert.match(
        await page.$eval("#error", (e) => e.textContent ?? ""),
        /rejected the tick: Session expired \(test\)/,
      );
      assert.equal(await page.$eval("#g-tick", (e) => e.textContent), tick);
      assert.deepEqual(
        problems.errors.filter((e) => !e.includes("status of 404")),
        [],
      );
      assert.ok(problems.requests.every((u) => u.startsWith(base)));
    } finally {
      await browser.close();
      await http.shutdown();
      app.close();
    }
  },
});
