/**
 * The leak probe for the vectorised protocol (`/ws/vector`), whose binary frames the word scan
 * of `truth_leak_test.ts` cannot read. While an episode runs, a frame may carry only what the
 * public observation shows, the step's reward and the end flags: every step reply is decoded
 * here independently of `src/learn/vector_wire.ts` (from the README's layout) and checked to
 *
 * - have exactly the documented length (no byte beyond the documented sections),
 * - list in its ended-episode section (the only place a grader score appears) exactly the
 *   environments whose episode ended at this step,
 * - hold, for every environment, the values of the public observation of the same episode
 *   played in-process with the same seed and decision codes (queue length, load, time left,
 *   budget, escalations pending, tick, and each queued alert's severity, confidence, age, type
 *   and service), and the same reward.
 *
 * @module
 */
import assert from "node:assert/strict";
import { openVectorSocket, withServer } from "./helpers.ts";
import { makeEnv } from "../../tasks/registry.ts";
import { ALERT_TYPES, type Observation } from "../../src/models.ts";
import { Rng } from "../../src/rng.ts";

const MAGIC = 0x31565441;
const align8 = (n: number) => (n + 7) & ~7;

/** Checks environment `k` of the observation block at `at` against a public observation. */
function checkObs(
  view: DataView,
  at: number,
  m: number,
  a: number,
  k: number,
  first: number,
  o: Observation,
  services: string[],
  where: string,
): void {
  const u16 = (i: number) => view.getUint16(at + 2 * i, true);
  assert.equal(u16(k), o.queue_length, `${where}: queue_length`);
  assert.equal(u16(m + k), Math.round(o.system_load * 10000), `${where}: load`);
  assert.equal(u16(2 * m + k), o.time_remaining, `${where}: time_remaining`);
  assert.equal(u16(3 * m + k), o.investigation_budget, `${where}: budget`);
  assert.equal(u16(4 * m + k), o.escalations_pending, `${where}: escalations`);
  assert.equal(u16(5 * m + k), o.tick, `${where}: tick`);
  const al = at + align8(12 * m);
  const bytes = al + align8(6 * a);
  o.alerts.forEach((alert, i) => {
    const j = first + i;
    const w = `${where}: alert ${i}`;
    assert.equal(view.getUint16(al + 2 * j, true), Math.round(alert.visible_severity * 10000), w);
    assert.equal(view.getUint16(al + 2 * (a + j), true), Math.round(alert.confidence * 10000), w);
    assert.equal(view.getUint16(al + 2 * (2 * a + j), true), alert.age, w);
    assert.equal(ALERT_TYPES[view.getUint8(bytes + j)], alert.alert_type, w);
    assert.equal(services[view.getUint8(bytes + a + j)], alert.service, w);
  });
}

Deno.test("/ws/vector frames carry the public observation, the reward and end flags, nothing else", async () => {
  await withServer(async (server) => {
    const n = 4, task = "hard";
    const ws = await openVectorSocket(server.url);
    try {
      ws.send(JSON.stringify({
        type: "open",
        task_id: task,
        num_envs: n,
        seed: 11,
        autoreset_mode: "SameStep",
      }));
      const opened = JSON.parse((await ws.take(1))[0] as string);
      assert.equal(opened.type, "opened");
      const slots: number = opened.slots;
      const services: string[] = opened.services.map((s: { name: string }) => s.name);

      ws.send(JSON.stringify({ type: "reset" }));
      let view = new DataView((await ws.take(1))[0] as ArrayBuffer);
      assert.equal(view.getUint32(0, true), MAGIC);
      const envs = Array.from({ length: n }, () => makeEnv(task));
      const obs: Observation[] = envs.map((e, i) =>
        e.reset({ seed: view.getFloat64(24 + 8 * i, true) }).observation
      );
      const rng = new Rng(3);
      let ended = 0;
      for (let step = 0; step < 150; step++) {
        // random codes; INVESTIGATEs past the budget become DELAY in queue order (as the server does)
        const codes = new Int8Array(n * slots);
        const mine: number[][] = obs.map((o, i) => {
          let budget = o.investigation_budget;
          return Array.from({ length: o.queue_length }, (_, j) => {
            const c = rng.int(4);
            codes[i * slots + j] = c;
            if (c !== 0) return c;
            return budget-- > 0 ? 0 : 3;
          });
        });
        const request = new Uint8Array(24 + n * slots);
        new Uint32Array(request.buffer, 0, 6).set([MAGIC, 16, n, slots, 0, 0]);
        request.set(new Uint8Array(codes.buffer), 24);
        ws.send(request);
        const [frame] = await ws.take(1);
        assert.ok(frame instanceof ArrayBuffer, `step ${step}: ${frame}`);
        view = new DataView(frame);
        const [magic, kind, frameN, a, d, f] = [0, 1, 2, 3, 4, 5].map((i) =>
          view.getUint32(4 * i, true)
        );
        assert.deepEqual([magic, kind, frameN], [MAGIC, 2, n]);
        const obsBytes = (mm: number, aa: number) =>
          align8(12 * mm) + align8(6 * aa) + align8(2 * aa);
        const termAt = 24 + 8 * n, truncAt = termAt + align8(n), seedsAt = truncAt + align8(n);
        const envAt = seedsAt + 8 * n, scoreAt = envAt + align8(4 * d) + 8 * d;
        const obsAt = envAt + align8(4 * d) + 24 * d + align8(4 * d);
        assert.equal(frame.byteLength, obsAt + obsBytes(n, a) + obsBytes(d, f), `step ${step}`);

        const results = envs.map((e, i) => e.stepCodes(mine[i]));
        const endedHere = results.flatMap((r, i) => (r.terminated || r.truncated ? [i] : []));
        const listed = Array.from({ length: d }, (_, k) => view.getUint32(envAt + 4 * k, true));
        assert.deepEqual(listed, endedHere, `step ${step}: ended-episode section`);
        let first = 0, firstFinal = 0;
        for (let i = 0; i < n; i++) {
          const r = results[i];
          assert.equal(view.getFloat64(24 + 8 * i, true), r.reward.value, `step ${step} reward`);
          assert.equal(view.getUint8(termAt + i), r.terminated ? 1 : 0);
          assert.equal(view.getUint8(truncAt + i), r.truncated ? 1 : 0);
          if (r.terminated || r.truncated) {
            const k = listed.indexOf(i);
            assert.ok(view.getFloat64(scoreAt + 8 * k, true) >= 0); // a score, only now
            const finalAt = obsAt + obsBytes(n, a);
            checkObs(view, finalAt, d, f, k, firstFinal, r.observation, services, `final ${i}`);
            firstFinal += r.observation.queue_length;
            obs[i] = envs[i].reset({ seed: view.getFloat64(seedsAt + 8 * i, true) }).observation;
            ended++;
          } else obs[i] = r.observation;
          checkObs(view, obsAt, n, a, i, first, obs[i], services, `step ${step} env ${i}`);
          first += obs[i].queue_length;
        }
        assert.equal(first, a);
      }
      assert.ok(ended >= n, `only ${ended} episodes ended`);
    } finally {
      await ws.close();
    }
  });
});
