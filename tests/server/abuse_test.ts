/**
 * The short version of the abuse run (`scripts/server/abuse.ts --quick`): every attack of
 * issue 12 against the real server process behind its connection guard, with short deadlines
 * and small counts. The server stays healthy, its memory stays bounded, and each attack is
 * answered the documented way (full figures: BENCHMARKS.md).
 *
 * @module
 */
import { equal, match, ok } from "node:assert/strict";
import { runAbuse } from "../../scripts/server/abuse.ts";

Deno.test({
  name:
    "abuse (quick): unread WS flood, big frames, slow bodies/heads, idle keep-alives, a session flood",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { rows, alive } = await runAbuse({ quick: true, settleSeconds: 1 });
    ok(alive);
    equal(rows.length, 6);
    for (const row of rows) {
      equal(row.health[0], row.health[1], `${row.attack}: /health failed during the attack`);
      ok(row.rssPeak <= 300, `${row.attack}: peak ${row.rssPeak} MB`);
    }
    const [flood, frames, slowBody, slowHeader, idle, sessions] = rows.map((r) => r.result);
    match(flood, /server closed [1-9]\d* sockets/);
    equal(frames, 'close codes {"1009":6}');
    for (const held of [slowBody, slowHeader, idle]) match(held, /^50\/50 dropped/);
    match(sessions, /^statuses \{"200":64,"503":936\}; default session 200$/);
  },
});
