/**
 * Property: N environments cut anywhere into contiguous shards (`VectorShard`s, each fed the
 * episode seeds the whole batch drew) and their frames joined by `FrameMerger` give, frame after
 * frame, the bytes of one `WorldBatch` + `FrameWriter` over all N, in both autoreset modes.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { FrameMerger } from "../../src/learn/frame_merge.ts";
import { VectorShard } from "../../src/learn/vector_shard.ts";
import { FinalObservations, FrameWriter } from "../../src/learn/vector_wire.ts";
import { WorldBatch } from "../../src/learn/world_batch.ts";
import { Rng } from "../../src/rng.ts";
import { getTask } from "../../tasks/registry.ts";

Deno.test("FrameMerger: shard frames joined equal the whole batch's frames byte for byte", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("easy", "medium", "hard"),
      fc.constantFrom("NextStep", "SameStep"),
      fc.integer({ min: 1, max: 24 }),
      fc.array(fc.integer({ min: 1, max: 23 }), { maxLength: 4 }),
      fc.integer({ min: 0, max: 1000 }),
      (taskId, mode, n, cutsRaw, seed) => {
        const task = getTask(taskId);
        const cuts = [...new Set(cutsRaw.filter((c) => c < n))].sort((a, b) => a - b);
        const starts = [0, ...cuts];
        const sizes = starts.map((s, k) => (starts[k + 1] ?? n) - s);
        const whole = new WorldBatch({ task, numEnvs: n, seed, autoreset: mode });
        const finals = mode === "SameStep" ? new FinalObservations(n, task.world.maxQueue) : null;
        const writer = new FrameWriter();
        const shards = sizes.map((m) => new VectorShard(task, m, mode));
        const merger = new FrameMerger();
        const seedsOf = (k: number) => whole.seeds.subarray(starts[k], starts[k] + sizes[k]);
        whole.reset();
        const expected = writer.reset(whole.worlds, whole.seeds);
        assert.deepEqual(merger.merge(shards.map((s, k) => s.reset(seedsOf(k))), starts), expected);
        const rng = new Rng(seed + 1);
        const actions = new Int8Array(n * whole.slots);
        for (let t = 0; t < 40; t++) {
          for (let i = 0; i < actions.length; i++) actions[i] = rng.int(4);
          finals?.clear();
          whole.step(actions, finals ? (i) => finals.capture(whole.worlds[i]) : undefined);
          const want = writer.step(whole.worlds, whole, finals);
          // the whole batch's seeds after the step are those of the envs reset in it
          const parts = shards.map((s, k) => {
            const codes = actions.subarray(
              starts[k] * whole.slots,
              (starts[k] + sizes[k]) * whole.slots,
            );
            return s.step(codes, seedsOf(k)) ?? s.finish(seedsOf(k));
          });
          assert.deepEqual(merger.merge(parts, starts), want, `step ${t}`);
        }
      },
    ),
    { numRuns: 40 },
  );
});
