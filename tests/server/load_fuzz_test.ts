import { deepEqual, equal, ok } from "node:assert/strict";
import fc from "fast-check";
import { withServer } from "./helpers.ts";
import { runLoad } from "../../scripts/server/load.ts";
import { runFuzz } from "../../scripts/server/fuzz.ts";
import { actionArb } from "../../scripts/server/fuzz_arbitraries.ts";
import { checkAction, isPlainAction } from "../../src/server/fast_action.ts";
import { ActionSchema, parseAction } from "../../src/schemas.ts";
import { InvalidActionError } from "../../src/errors.ts";

Deno.test({
  name:
    "load: 24 concurrent WebSocket sessions x 150 steps, 0 errors, every trajectory equal to its replay",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withServer(async ({ url }) => {
      const report = await runLoad({ url, sessions: 24, steps: 150 });
      deepEqual(report.errors, []);
      deepEqual(report.mismatches, []);
      equal(report.steps, 24 * 150);
      ok(report.p99Ms >= report.p50Ms && report.p50Ms > 0);
    }, { maxSessions: 32 });
  },
});

Deno.test({
  name: "fuzz: 1,000 hostile HTTP requests and 300 WebSocket frames, no 5xx, server alive",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withServer(async ({ url, app }) => {
      const report = await runFuzz({ url, runs: 1000, frames: 300, seed: 7, maxBody: 65536 });
      deepEqual(report.failures, []);
      equal(report.requests, 1000);
      ok(report.frames >= 300);
      ok(Object.keys(report.statuses).every((s) => Number(s) < 500));
      ok(report.statuses[422] > 0 && report.statuses[413] > 0 && report.statuses[400] > 0);
      equal(report.alive, true);
      equal(app.metrics.errors.get("internal"), undefined);
    }, { maxBodyBytes: 65536, maxSessions: 64 });
  },
});

Deno.test("the fast action check accepts only what ActionSchema accepts, and checkAction agrees with parseAction", () => {
  fc.assert(
    fc.property(actionArb, (action) => {
      const valid = ActionSchema.safeParse(action).success;
      if (isPlainAction(action)) ok(valid, JSON.stringify(action));
      let accepted = true;
      try {
        checkAction(action);
      } catch (err) {
        ok(err instanceof InvalidActionError);
        accepted = false;
      }
      equal(accepted, valid);
      if (valid) deepEqual(checkAction(action), parseAction(action));
    }),
    { numRuns: 3000, seed: 11 },
  );
  ok(isPlainAction({ decisions: [{ alert_id: "A1", action_type: "ESCALATE" }] }));
  ok(isPlainAction({ alert_id: "A1", action_type: "DELAY" }));
  ok(!isPlainAction({ alert_id: "", action_type: "DELAY" }));
  ok(!isPlainAction({ decisions: [], metadata: {} }));
});
