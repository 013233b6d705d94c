/**
 * `/ws/vector` on a real loopback server: the TypeScript client's arrays equal the in-process
 * `VectorEnv`'s byte for byte on fixed seeds (both autoreset modes, several tasks), the frames
 * equal what `WorldBatch` + `FrameWriter` produce in process, and malformed frames get an error
 * frame, change nothing, and never close the socket.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { RemoteVectorEnv, VectorServerError } from "../../src/learn/remote_vector_env.ts";
import { VectorEnv } from "../../src/learn/vector_env.ts";
import { type AutoresetMode, WorldBatch } from "../../src/learn/world_batch.ts";
import { encodeStepRequest, FinalObservations, FrameWriter } from "../../src/learn/vector_wire.ts";
import { Rng } from "../../src/rng.ts";
import { getTask } from "../../tasks/registry.ts";
import { openVectorSocket, startServer } from "./helpers.ts";
import { VectorErrorSchema, VectorOpenedSchema } from "../../src/server/ws_vector.ts";

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function sameArrays(remote: RemoteVectorEnv, local: VectorEnv, where: string): void {
  const names = [
    "slotObs",
    "globalObs",
    "slotValid",
    "actionMask",
    "budget",
    "rewards",
    "envRewards",
    "terminations",
    "truncations",
    "episodeDone",
    "episodeReturn",
    "episodeLength",
    "episodeScore",
    "episodeSeed",
    "seeds",
    "finalSlotObs",
    "finalGlobalObs",
    "finalSlotValid",
  ] as const;
  for (const name of names) {
    assert.deepEqual(bytes(remote[name]), bytes(local[name]), `${where}: ${name} differs`);
  }
}

/** Random valid-ish codes (any 0..3, budget overruns included) from a seeded stream. */
function randomActions(out: Int8Array, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.int(4);
}

for (
  const [task, mode, n, steps] of [
    ["hard", "NextStep", 16, 160],
    ["hard", "SameStep", 16, 160],
    ["easy", "SameStep", 5, 100],
    ["medium", "NextStep", 3, 90],
    ["hard", "SameStep", 1024, 60], // replies over 64 KiB: the 64-bit frame length
  ] as const
) {
  Deno.test(`vector wire: ${task} ${mode} x${n} equals the in-process VectorEnv byte for byte`, async () => {
    const server = startServer();
    const remote = await RemoteVectorEnv.connect(server.url, {
      taskId: task,
      numEnvs: n,
      seed: 11,
      autoreset: mode,
    });
    try {
      const local = new VectorEnv({
        task: getTask(task),
        numEnvs: n,
        seed: 11,
        reward: "env",
        autoreset: mode as AutoresetMode,
      });
      await remote.reset();
      local.reset();
      sameArrays(remote, local, "reset");
      const rng = new Rng(5);
      let ended = 0;
      for (let t = 0; t < steps; t++) {
        randomActions(local.actions, rng);
        remote.actions.set(local.actions);
        await remote.step();
        local.step();
        for (let i = 0; i < n; i++) ended += local.episodeDone[i];
        sameArrays(remote, local, `step ${t}`);
      }
      assert.ok(ended >= n, `episodes ended: ${ended}`);
    } finally {
      remote.close();
      await server.close();
    }
  });
}

Deno.test("vector wire: the frames equal WorldBatch + FrameWriter in process", async () => {
  const server = startServer();
  const remote = await RemoteVectorEnv.connect(server.url, {
    taskId: "hard",
    numEnvs: 8,
    seed: 3,
    autoreset: "SameStep",
    features: false,
  });
  try {
    const batch = new WorldBatch({
      task: getTask("hard"),
      numEnvs: 8,
      seed: 3,
      autoreset: "SameStep",
    });
    const writer = new FrameWriter();
    const finals = new FinalObservations(8, batch.slots);
    batch.reset();
    await remote.reset();
    const frameBytes = () => {
      const f = remote.frame!;
      return new Uint8Array(f.seeds.buffer);
    };
    assert.deepEqual(frameBytes(), writer.reset(batch.worlds, batch.seeds).slice());
    const rng = new Rng(9);
    for (let t = 0; t < 120; t++) {
      randomActions(remote.actions, rng);
      finals.clear();
      batch.step(remote.actions, (i) => finals.capture(batch.worlds[i]));
      await remote.step();
      assert.deepEqual(frameBytes(), writer.step(batch.worlds, batch, finals).slice(), `step ${t}`);
    }
  } finally {
    remote.close();
    await server.close();
  }
});

function errorCode(reply: unknown): string {
  assert.equal(typeof reply, "string", "expected a text error frame");
  const frame = JSON.parse(reply as string);
  assert.equal(frame.type, "error");
  assert.ok(frame.error.message.length > 0);
  VectorErrorSchema.parse(frame); // the published schema of the error frame
  return frame.error.code;
}

Deno.test("vector wire: malformed frames get an error frame and change nothing", async () => {
  const server = startServer();
  const s = await openVectorSocket(server.url);
  try {
    assert.equal(errorCode(await s.ask(new Uint8Array(30))), "NOT_OPEN");
    assert.equal(errorCode(await s.ask("{")), "INVALID_JSON");
    assert.equal(errorCode(await s.ask("[1]")), "VALIDATION_ERROR");
    assert.equal(errorCode(await s.ask('{"type":"jump"}')), "UNKNOWN_TYPE");
    assert.equal(errorCode(await s.ask('{"type":"reset"}')), "NOT_OPEN");
    assert.equal(errorCode(await s.ask('{"type":"open","num_envs":0}')), "VALIDATION_ERROR");
    assert.equal(errorCode(await s.ask('{"type":"open","num_envs":5000}')), "VALIDATION_ERROR");
    assert.equal(
      errorCode(await s.ask('{"type":"open","num_envs":2,"extra":1}')),
      "VALIDATION_ERROR",
    );
    assert.equal(
      errorCode(await s.ask('{"type":"open","num_envs":2,"task_id":"nope"}')),
      "UNKNOWN_TASK",
    );
    const opened = JSON.parse(
      (await s.ask('{"type":"open","num_envs":2,"task_id":"hard","seed":4}')) as string,
    );
    assert.equal(opened.type, "opened");
    VectorOpenedSchema.parse(opened); // the published schema of the opened frame
    const S = opened.slots;
    assert.equal(
      errorCode(await s.ask(encodeStepRequest(new Int8Array(2 * S), 2, S))),
      "NOT_RESET",
    );
    const first = new Uint8Array((await s.ask('{"type":"reset"}')) as ArrayBuffer);
    const good = encodeStepRequest(new Int8Array(2 * S).fill(3), 2, S);
    const bad: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array(10),
      good.slice(0, good.length - 1),
      new Uint8Array([...good, 0]),
      encodeStepRequest(new Int8Array(3 * S), 3, S),
      encodeStepRequest(new Int8Array(2 * S).fill(4), 2, S),
      encodeStepRequest(new Int8Array(2 * S).fill(-1), 2, S),
    ];
    const wrongMagic = good.slice();
    wrongMagic[0] = 0;
    const wrongKind = good.slice();
    wrongKind[4] = 2;
    const reserved1 = good.slice(), reserved2 = good.slice();
    reserved1[16] = 1; // header counts 5 and 6 must be 0
    reserved2[20] = 7;
    bad.push(wrongMagic, wrongKind, reserved1, reserved2);
    for (const frame of bad) assert.equal(errorCode(await s.ask(frame)), "INVALID_FRAME");
    // A socket opens once; a close frame with a field its schema does not know is refused.
    const reopen = '{"type":"open","num_envs":2,"task_id":"hard","seed":4}';
    assert.equal(errorCode(await s.ask(reopen)), "ALREADY_OPEN");
    assert.equal(errorCode(await s.ask('{"type":"close","now":true}')), "VALIDATION_ERROR");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (junk) => {
        const reply = await s.ask(junk);
        assert.equal(errorCode(reply), "INVALID_FRAME");
      }),
      { numRuns: 100, seed: 1 },
    );
    // Nothing changed: resetting with the same seed and stepping matches a fresh batch.
    const again = new Uint8Array((await s.ask('{"type":"reset","seed":4}')) as ArrayBuffer);
    assert.deepEqual(again, first);
    const stepped = new Uint8Array((await s.ask(good)) as ArrayBuffer);
    const batch = new WorldBatch({ task: getTask("hard"), numEnvs: 2, seed: 4 });
    batch.reset();
    batch.step(new Int8Array(2 * S).fill(3));
    assert.deepEqual(stepped, new FrameWriter().step(batch.worlds, batch, null).slice());
    assert.equal(s.ws.readyState, WebSocket.OPEN);
  } finally {
    await s.close();
    await server.close();
  }
});

Deno.test("vector wire: pipelined step requests get their own, intact replies", async () => {
  // The server answers from one reusable frame buffer per session: replies sent back to back
  // must each carry their own step (the socket layer copies each one when it is sent).
  const server = startServer();
  const ws = await openVectorSocket(server.url);
  try {
    ws.send('{"type":"open","num_envs":16,"task_id":"hard","seed":2}');
    const S = JSON.parse((await ws.take(1))[0] as string).slots;
    ws.send('{"type":"reset"}');
    await ws.take(1);
    const batch = new WorldBatch({ task: getTask("hard"), numEnvs: 16, seed: 2 });
    batch.reset();
    const writer = new FrameWriter();
    const rng = new Rng(5);
    for (let burst = 0; burst < 4; burst++) {
      const requests = Array.from({ length: 8 }, () => {
        const codes = new Int8Array(16 * S);
        for (let i = 0; i < codes.length; i++) codes[i] = rng.int(4);
        return codes;
      });
      for (const codes of requests) ws.send(encodeStepRequest(codes, 16, S));
      const replies = await ws.take(requests.length);
      for (let k = 0; k < requests.length; k++) {
        batch.step(requests[k]);
        const expected = writer.step(batch.worlds, batch, null);
        assert.deepEqual(
          new Uint8Array(replies[k] as ArrayBuffer),
          expected,
          `burst ${burst} #${k}`,
        );
      }
    }
  } finally {
    await ws.close();
    await server.close();
  }
});

Deno.test("vector wire: a server error reaches the TypeScript client as VectorServerError", async () => {
  const server = startServer();
  try {
    await assert.rejects(
      RemoteVectorEnv.connect(server.url, { taskId: "nope", numEnvs: 2 }),
      (err: unknown) => err instanceof VectorServerError && err.code === "UNKNOWN_TASK",
    );
  } finally {
    await server.close();
  }
});

Deno.test("vector wire: the server's cap on vector environments refuses an open and frees them when sessions end", async () => {
  const server = startServer({ maxVectorEnvs: 10 });
  const [a, b] = [await openVectorSocket(server.url), await openVectorSocket(server.url)];
  try {
    const open = (n: number) => `{"type":"open","num_envs":${n},"task_id":"easy"}`;
    assert.equal(JSON.parse((await a.ask(open(6))) as string).type, "opened");
    const refused = JSON.parse((await b.ask(open(5))) as string);
    assert.equal(refused.error.code, "CAPACITY_REACHED");
    assert.match(refused.error.message, /num_envs: 5 more environments .* cap of 10/);
    assert.deepEqual([refused.error.vector_envs, refused.error.max_vector_envs], [6, 10]);
    assert.equal(server.app.store.vectorEnvs, 6);
    assert.equal(JSON.parse((await b.ask(open(4))) as string).type, "opened"); // refused: no hold
    assert.equal(server.app.store.vectorEnvs, 10);
    await a.close();
    for (let i = 0; i < 100 && server.app.store.vectorEnvs !== 4; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(server.app.store.vectorEnvs, 4, "a closed socket gives its environments back");
  } finally {
    await b.close();
    await server.close();
  }
});
