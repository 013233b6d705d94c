/**
 * The TypeScript `/ws/vector` client (`RemoteVectorEnv`) against a real loopback server: one
 * frame in flight at a time. A second `step()` (or `reset()`) before the first one's reply is
 * refused at once, and the first one still gets its own reply, equal to a lock-step twin's.
 *
 * @module
 */
import assert from "node:assert/strict";
import { RemoteVectorEnv } from "../../src/learn/remote_vector_env.ts";
import { startServer } from "./helpers.ts";

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

Deno.test("vector client: a second frame while one is in flight is refused and loses nothing", async () => {
  const server = startServer();
  const options = { taskId: "hard", numEnvs: 4, seed: 5 } as const;
  const [a, twin] = await Promise.all([
    RemoteVectorEnv.connect(server.url, options),
    RemoteVectorEnv.connect(server.url, options),
  ]);
  try {
    await Promise.all([a.reset(), twin.reset()]);
    for (let t = 0; t < 30; t++) {
      a.actions.fill(t % 4);
      twin.actions.fill(t % 4);
      const first = a.step();
      await assert.rejects(a.step(), /already in flight/);
      await assert.rejects(a.reset(), /already in flight/);
      await first;
      await twin.step();
      for (const name of ["slotObs", "rewards", "terminations", "seeds", "episodeScore"] as const) {
        assert.deepEqual(bytes(a[name]), bytes(twin[name]), `t=${t}: ${name} differs`);
      }
    }
  } finally {
    a.close();
    twin.close();
    await server.close();
  }
});
