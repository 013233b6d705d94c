/**
 * The worker half of `vector_shard_probe.ts`: a `WorldBatch` of its own, stepped each time the
 * main thread bumps the generation word of the shared control block, on the actions the main
 * thread wrote into shared memory, with a frame written for its environments (as a shard of a
 * sharded vector session would).
 *
 * @module
 */
import { WorldBatch } from "../../src/learn/world_batch.ts";
import { FrameWriter } from "../../src/learn/vector_wire.ts";
import { getTask } from "../../tasks/registry.ts";

/** What the main thread posts once. */
interface Setup {
  sab: SharedArrayBuffer;
  numEnvs: number;
  seed: number;
}

/** This worker's global scope (typed here: the shared type check does not load the worker lib). */
const scope = globalThis as unknown as {
  onmessage: (e: MessageEvent<Setup>) => void;
  close(): void;
};

scope.onmessage = (e: MessageEvent<Setup>) => {
  const { sab, numEnvs, seed } = e.data;
  const ctl = new Int32Array(sab, 0, 2); // [generation asked, generation done]
  const batch = new WorldBatch({ task: getTask("hard"), numEnvs, seed });
  batch.reset();
  const writer = new FrameWriter();
  const actions = new Int8Array(sab, 64, numEnvs * batch.slots);
  Atomics.store(ctl, 1, 1);
  Atomics.notify(ctl, 1);
  let gen = 1;
  for (;;) {
    Atomics.wait(ctl, 0, gen);
    gen = Atomics.load(ctl, 0);
    if (gen < 0) break;
    batch.step(actions);
    writer.step(batch.worlds, batch, null);
    Atomics.store(ctl, 1, gen);
    Atomics.notify(ctl, 1);
  }
  scope.close();
};
