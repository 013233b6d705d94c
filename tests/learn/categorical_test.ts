/**
 * The masked factorised distribution: gradients, the at-most-K rule, and agreement between the
 * log-probability returned at sampling time and the one recomputed by the update.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { maskedSlot, selectSlots, type SlotStats } from "../../src/learn/categorical.ts";
import { Rng } from "../../src/rng.ts";

Deno.test("maskedSlot() gradients match finite differences", () => {
  const rng = new Rng(5);
  for (const allowed of [0, 1]) {
    for (let a = allowed ? 0 : 1; a < 4; a++) {
      const z = new Float64Array(4).map(() => rng.normal());
      const dz = new Float64Array(4);
      const out: SlotStats = { logp: 0, entropy: 0 };
      const gL = 0.7, gE = -0.3;
      maskedSlot(z, 0, allowed, a, out, dz, gL, gE);
      const f = () => {
        maskedSlot(z, 0, allowed, a, out);
        return gL * out.logp + gE * out.entropy;
      };
      for (let j = 0; j < 4; j++) {
        const keep = z[j];
        z[j] = keep + 1e-6;
        const up = f();
        z[j] = keep - 1e-6;
        const down = f();
        z[j] = keep;
        assert.ok(Math.abs((up - down) / 2e-6 - dz[j]) < 1e-6, `allowed ${allowed} a ${a} j ${j}`);
      }
      if (!allowed) assert.equal(dz[0], 0);
    }
  }
});

Deno.test("selectSlots() never exceeds the budget and its log-prob matches the stored masks", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 12 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.boolean(),
      (n, budget, seed, sample) => {
        const rng = new Rng(seed);
        const z = new Float64Array(n * 4).map(() => 3 * rng.normal());
        const actions = new Int8Array(n), allowed = new Uint8Array(n), order = new Int32Array(n);
        const logp = selectSlots(
          z,
          0,
          n,
          budget,
          sample ? rng : null,
          actions,
          0,
          allowed,
          0,
          order,
        );
        let inv = 0, sum = 0;
        const out: SlotStats = { logp: 0, entropy: 0 };
        for (let i = 0; i < n; i++) {
          if (actions[i] === 0) {
            inv++;
            assert.equal(allowed[i], 1);
          }
          maskedSlot(z, i * 4, allowed[i], actions[i], out);
          sum += out.logp;
        }
        assert.ok(inv <= budget);
        assert.ok(Math.abs(sum - logp) < 1e-9);
      },
    ),
    { numRuns: 300 },
  );
});

Deno.test("selectSlots() argmax investigates the K most investigate-prone alerts", () => {
  // Three alerts all preferring INVESTIGATE, budget 2: the two strongest get it.
  const z = new Float64Array([1, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0]);
  const actions = new Int8Array(3), allowed = new Uint8Array(3), order = new Int32Array(3);
  selectSlots(z, 0, 3, 2, null, actions, 0, allowed, 0, order);
  assert.deepEqual([...actions].map((a) => a === 0), [false, true, true]);
  assert.deepEqual([...allowed], [0, 1, 1]);
});
