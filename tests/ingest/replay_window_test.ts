/**
 * Replay windows and tick placement share one clock, the receipt time: real payloads whose
 * vendor times span 2015-2026 (PagerDuty's documented 2015 example among them), received one
 * second apart, all play when the window selects them; the episode info says how many the
 * horizon cut.
 */
import assert from "node:assert/strict";
import { replayEnvFromStore } from "../../src/replay/replay_env.ts";
import { ingestHarness } from "./http_helpers.ts";
import { fixtureText } from "./real_fixtures.ts";

const FIRING = [
  "alertmanager_zulip_two_firing.json",
  "alertmanager_oncall_example.json",
  "alertmanager_025_captured_firing.json",
  "grafana_docs_two_firing.json",
  "grafana_11_values.json",
  "grafana_legacy_alerting.json",
  "grafana_legacy_docs.json",
  "grafana_legacy_no_data_v7.json",
  "pagerduty_docs_trigger.json",
  "pagerduty_alertmanager_025_captured_trigger.json",
  "datadog_fluffy_triggered.json",
  "datadog_relay_default_payload.json",
  "generic_oncall_single_alert.json",
];

async function storeOfRealAlerts() {
  const h = await ingestHarness(); // receipt clock: 2026-08-20T10:00:01Z, +1 s per request
  for (const f of FIRING) {
    assert.equal((await h.post("/ingest/alerts", fixtureText(f))).status, 202, f);
  }
  return h;
}

Deno.test("since/until and ticks both use receipt time: every selected alert plays, whatever its vendor time", async () => {
  const h = await storeOfRealAlerts();
  const stored = (await h.store.stats()).total;
  assert.equal(stored, 15, "13 bodies, two of them with two alerts");
  const env = await replayEnvFromStore(h.store, "hard", "replay", {
    since: "2026-08-20T10:00:00Z",
    tickMs: 2000,
  });
  const replay = env.world.config.replay!;
  assert.equal(replay.length, stored, "the 2015 PagerDuty example is not left at tick 0 alone");
  assert.deepEqual(replay.map((r) => r.tick), [...replay.map((r) => r.tick)].sort((a, b) => a - b));
  assert.ok(replay.at(-1)!.tick <= 7, "13 bodies 1 s apart span 7 ticks of 2 s");
  const { info } = env.reset({ seed: 1 });
  assert.deepEqual(info.replay, { recorded: 15, played: 15, cut: 0 });

  const later = await replayEnvFromStore(h.store, "hard", "replay", {
    since: "2026-08-20T10:00:10Z",
    until: "2026-08-20T10:00:12Z",
  });
  assert.equal(later.world.config.replay!.length, 2, "the window selects on receipt time");
  h.close();
});

Deno.test("the episode info counts the alerts the horizon cut", async () => {
  const h = await storeOfRealAlerts();
  // easy: 30 ticks. 1 s ticks: receipts 1 s apart land on ticks 0..12, nothing cut.
  const wide = (await replayEnvFromStore(h.store, "easy", "mixed", { tickMs: 1000 })).reset({
    seed: 2,
  }).info.replay;
  assert.deepEqual(wide, { recorded: 15, played: 15, cut: 0 });
  // 10 ms ticks: the second body is 100 ticks later, past the horizon; only the first body's
  // two alerts play, and the info says 13 were cut.
  const squeezed = await replayEnvFromStore(h.store, "easy", "replay", { tickMs: 10 });
  const r = squeezed.reset({ seed: 2 }).info.replay;
  assert.deepEqual(r, { recorded: 15, played: 2, cut: 13 });
  assert.deepEqual(squeezed.step({ decisions: [] }).info.replay, r, "every step's info has it");
  h.close();
});
