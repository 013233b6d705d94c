import assert from "node:assert/strict";
import { runDurability } from "../../scripts/ingest/durability.ts";

Deno.test({
  name: "ingest survives a SIGKILL mid-stream: every 2xx stored exactly once, nothing half-written",
  fn: async () => {
    const r = await runDurability({ alerts: 500, concurrency: 25, downtimeMs: 200 });
    assert.ok(r.killed_after_ok >= 250, "the server was killed half-way");
    assert.ok(r.phase1.network_errors > 0, "the kill was felt by the senders");
    assert.equal(r.check1.ok_missing, 0, "no acknowledged alert lost");
    assert.equal(r.check1.duplicated, 0);
    assert.deepEqual(r.check1.problems, [], "no half-written alert");
    assert.equal(r.check1.ok_stored_once, r.phase1.ok);
    assert.equal(r.check1.errored_stored + r.check1.errored_not_stored, 500 - r.phase1.ok);
    assert.equal(r.check2.ok_stored_once, 500, "after retries every alert exactly once");
    assert.equal(r.check2.records, 500);
    assert.deepEqual(r.check2.problems, []);
    assert.ok(r.passed);
  },
});
