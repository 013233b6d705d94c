import assert from "node:assert/strict";
import { normalizeAny } from "../../src/ingest/detect.ts";
import { createIngestApp } from "../../src/ingest/routes.ts";
import { IngestStore } from "../../src/ingest/store.ts";
import { runReplayCli } from "../../cli/replay.ts";
import {
  NoRecordedAlertsError,
  parseAlertSource,
  replayEnvFromJsonl,
  replayEnvFromStore,
} from "../../src/replay/replay_env.ts";
import { makeReplayAgent, playGradedEpisode } from "../../src/replay/run.ts";
import { gradeEpisode } from "../../tasks/registry.ts";
import { mixedDecisions, playEpisode } from "../helpers.ts";
import { alertmanagerStreamJsonl } from "./stream_fixtures.ts";

const STREAM = alertmanagerStreamJsonl();

Deno.test("a replay episode built from an Alertmanager stream is deterministic for a seed", () => {
  for (const source of ["replay", "mixed"] as const) {
    const a = playEpisode(replayEnvFromJsonl(STREAM, "hard", source), 7, mixedDecisions);
    const b = playEpisode(replayEnvFromJsonl(STREAM, "hard", source), 7, mixedDecisions);
    assert.deepEqual(a, b, source);
  }
});

Deno.test("a replay episode shows the recorded alerts and is graded like any other", async () => {
  const env = replayEnvFromJsonl(STREAM, "hard", "replay", { tickMs: 60_000 });
  const replay = env.world.config.replay!;
  assert.equal(replay.length, 7, "one replayed alert per record");
  assert.deepEqual(replay.slice(0, 3).map((r) => [r.tick, r.service, r.kind]), [
    [0, "web-1", "critical"],
    [2, "db-primary", "critical"],
    [3, "edge", "transient"],
  ]);
  assert.equal(replay[2].life, 2, "the transient heals when it resolved: 2 minutes = 2 ticks");
  const { observation } = env.reset({ seed: 1 });
  assert.deepEqual(observation.alerts.map((a) => [a.service, a.alert_type]), [["web-1", "CPU"]]);
  const graded = await playGradedEpisode(env, makeReplayAgent("oracle", 1), 1);
  assert.ok(graded.score >= 0 && graded.score <= 1);
  assert.deepEqual(graded.components, gradeEpisode(env).components);
  assert.equal(graded.alerts_by_kind.critical, 3);
  const rules = await playGradedEpisode(
    replayEnvFromJsonl(STREAM, "hard", "replay", { tickMs: 60_000 }),
    makeReplayAgent("rules", 1),
    1,
  );
  assert.equal(rules.steps, graded.steps);
});

Deno.test("replayEnvFromStore() replays what the ingest endpoint stored, like the JSONL stream", async () => {
  // Replays place alerts by receipt time; a JSONL import receives each raw line at its vendor
  // time, so a sender delivering in real time (clock = vendor time) stores the same episode.
  const store = await IngestStore.open(":memory:");
  let clock = 0;
  const app = createIngestApp({ store, log: () => {}, now: () => clock });
  for (const line of STREAM.trim().split("\n")) {
    clock = Date.parse(normalizeAny(JSON.parse(line))[0].timestamp);
    const r = await app.request("/ingest/alerts", { method: "POST", body: line });
    assert.equal(r.status, 202);
  }
  const fromStore = await replayEnvFromStore(store, "medium", "replay", { tickMs: 60_000 });
  const fromFile = replayEnvFromJsonl(STREAM, "medium", "replay", { tickMs: 60_000 });
  assert.deepEqual(fromStore.world.config.replay, fromFile.world.config.replay);
  assert.deepEqual(
    playEpisode(fromStore, 3, mixedDecisions),
    playEpisode(fromFile, 3, mixedDecisions),
  );
  const latest = await replayEnvFromStore(store, "medium", "replay", { limit: 2 });
  assert.equal(latest.world.config.replay!.length, 2);
  store.close();
  const empty = await IngestStore.open(":memory:");
  await assert.rejects(replayEnvFromStore(empty, "hard", "replay"), NoRecordedAlertsError);
  const mixed = await replayEnvFromStore(empty, "hard", "mixed");
  assert.equal(mixed.world.config.replay!.length, 0);
  empty.close();
});

Deno.test("parseAlertSource() defaults to synthetic and names the accepted values", () => {
  assert.equal(parseAlertSource(undefined), "synthetic");
  assert.equal(parseAlertSource("replay"), "replay");
  assert.throws(() => parseAlertSource("kafka"), /synthetic\|replay\|mixed/);
});

Deno.test("deno task replay grades an agent on a recorded stream file", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/stream.jsonl`;
  await Deno.writeTextFile(file, STREAM);
  const out: string[] = [];
  const code = await runReplayCli(
    [file, "--task", "hard", "--agent", "rules", "--seed", "4", "--json"],
    (l) => out.push(l),
  );
  assert.equal(code, 0, out.join("\n"));
  const result = JSON.parse(out[0]);
  const direct = await playGradedEpisode(
    replayEnvFromJsonl(STREAM, "hard", "replay"),
    makeReplayAgent("rules", 4),
    4,
  );
  assert.equal(result.score, direct.score);
  assert.equal(result.source, "replay");
  const text: string[] = [];
  assert.equal(
    await runReplayCli(
      [file, "--task", "easy", "--agent", "random", "--source", "mixed"],
      (l) => text.push(l),
    ),
    0,
  );
  assert.match(text[0], /^replay .*stream\.jsonl \(mixed\): task=easy agent=random seed=0/);
  assert.match(text[0], /grade breakdown:/);
  const errors: string[] = [];
  assert.equal(
    await runReplayCli([file, "--task", "hard", "--agent", "gpt"], (l) => errors.push(l)),
    2,
  );
  assert.match(errors[0], /agent must be one of random\|rules\|oracle/);
  await Deno.remove(dir, { recursive: true });
});
