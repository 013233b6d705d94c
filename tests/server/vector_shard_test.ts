/**
 * Worker-sharded `/ws/vector` sessions (`ALERT_TRIAGE_VECTOR_WORKERS`): two real servers on
 * loopback, one without vector workers and one with, are sent the same frames (open, resets
 * with and without seeds, steps in both autoreset modes, malformed frames, pipelined steps)
 * and must answer every one with the same bytes; a session's end frees its shards; a worker
 * that dies closes its sessions with an error frame and leaves the server serving.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../../src/rng.ts";
import { decodeFrame, encodeStepRequest } from "../../src/learn/vector_wire.ts";
import { SHARD_MIN_ENVS } from "../../src/server/ws_vector.ts";
import { openVectorSocket, startServer, type TestServer, type VectorSocket } from "./helpers.ts";

const same = (a: unknown, b: unknown, what: string) => {
  if (typeof a === "string" || typeof b === "string") return assert.equal(a, b, what);
  assert.deepEqual(new Uint8Array(a as ArrayBuffer), new Uint8Array(b as ArrayBuffer), what);
};

/** Waits until `check` holds (polling), or fails after 5 s. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let t = 0; t < 500 && !check(); t++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

async function withServers(fn: (plain: TestServer, sharded: TestServer) => Promise<void>) {
  const plain = startServer({ vectorWorkers: 0 });
  const sharded = startServer({ vectorWorkers: 2 });
  try {
    await sharded.app.vectorPool!.started();
    await fn(plain, sharded);
  } finally {
    await plain.close();
    await sharded.close();
  }
}

/** Sends `frame` to both sockets and checks the replies are equal; returns the reply. */
async function both(a: VectorSocket, b: VectorSocket, frame: string | Uint8Array, what: string) {
  const [x, y] = await Promise.all([a.ask(frame), b.ask(frame)]);
  same(x, y, what);
  return x;
}

for (const mode of ["NextStep", "SameStep"] as const) {
  const sizes = [["hard", SHARD_MIN_ENVS], ["easy", 301], ["medium", 7], [
    "hard",
    SHARD_MIN_ENVS + 5,
  ]] as const;
  for (const [task, n] of sizes) {
    Deno.test(`vector shards: ${task} ${mode} x${n} answers the unsharded bytes`, async () => {
      await withServers(async (plain, sharded) => {
        const a = await openVectorSocket(plain.url), b = await openVectorSocket(sharded.url);
        const open = { type: "open", task_id: task, num_envs: n, seed: 3, autoreset_mode: mode };
        const opened = JSON.parse(await both(a, b, JSON.stringify(open), "opened") as string);
        const pool = sharded.app.vectorPool!;
        // Shards of at least 64 environments, one per worker at most (2 workers).
        const shards = n >= SHARD_MIN_ENVS ? Math.min(2, Math.floor(n / 64) - 1) : 0;
        assert.equal(pool.stats().shards, shards, "shards of the session");
        const rng = new Rng(n);
        const actions = new Int8Array(n * opened.slots);
        await both(a, b, '{"type":"reset"}', "reset");
        let ended = 0;
        for (let t = 0; t < 160; t++) {
          if (t === 70) await both(a, b, '{"type":"reset","seed":11}', "reset with a seed");
          if (t === 120) await both(a, b, '{"type":"reset"}', "reset without a seed");
          for (let i = 0; i < actions.length; i++) actions[i] = rng.int(4);
          const reply = await both(a, b, encodeStepRequest(actions, n, opened.slots), `step ${t}`);
          ended += decodeFrame(reply as ArrayBuffer).doneEnv.length;
        }
        assert.ok(ended > 0, "episodes ended (and were reset) during the run");
        await both(a, b, new Uint8Array(7), "a malformed frame");
        await both(a, b, encodeStepRequest(actions, n + 1, opened.slots), "wrong size");
        await both(a, b, '{"type":"reset","seed":-1}', "invalid reset");
        await a.close();
        await b.close();
        await until(() => pool.stats().shards === 0, "closing the socket frees the shards");
      });
    });
  }
}

Deno.test("vector shards: pipelined steps get the unsharded replies, in order", async () => {
  await withServers(async (plain, sharded) => {
    const a = await openVectorSocket(plain.url), b = await openVectorSocket(sharded.url);
    const n = SHARD_MIN_ENVS + 5;
    const open = JSON.stringify({ type: "open", task_id: "hard", num_envs: n, seed: 5 });
    const opened = JSON.parse(await both(a, b, open, "opened") as string);
    await both(a, b, '{"type":"reset"}', "reset");
    const rng = new Rng(9);
    const frames = Array.from({ length: 40 }, () => {
      const codes = new Int8Array(n * opened.slots).map(() => rng.int(4));
      return encodeStepRequest(codes, n, opened.slots);
    });
    for (const f of frames) (a.send(f), b.send(f));
    const [x, y] = await Promise.all([a.take(frames.length), b.take(frames.length)]);
    x.forEach((reply, k) => same(reply, y[k], `pipelined step ${k}`));
    await a.close();
    await b.close();
  });
});

Deno.test("vector shards: every way a session ends frees its shards", async () => {
  const server = startServer({ vectorWorkers: 1, sessionIdleSeconds: 0 });
  const pool = server.app.vectorPool!;
  try {
    await pool.started(); // until then, sessions stay on the server's thread
    const open = JSON.stringify({ type: "open", task_id: "hard", num_envs: SHARD_MIN_ENVS });
    const s = await openVectorSocket(server.url);
    await s.ask(open);
    assert.equal(pool.stats().shards, 1);
    assert.match((await s.ask(open)) as string, /ALREADY_OPEN/); // a socket opens once
    assert.equal(pool.stats().shards, 1);
    const closed = new Promise((r) => s.ws.onclose = r);
    s.send('{"type":"close"}');
    await closed;
    await until(() => pool.stats().shards === 0, "a close frame frees the shards");
    const t = await openVectorSocket(server.url);
    await t.ask(open);
    assert.equal(pool.stats().shards, 1);
    server.app.store.clear(); // what idle expiry, eviction and shutdown do
    await until(() => pool.stats().shards === 0, "dropping the session frees the shards");
    await t.close();
  } finally {
    await server.close();
  }
  assert.equal(pool.stats().ready, 0, "closing the server stops the workers");
});

Deno.test("vector shards: a worker that dies closes its session with an error frame", async () => {
  const errors: string[] = [];
  const log = console.error;
  console.error = (...args: unknown[]) => void errors.push(args.join(" "));
  const server = startServer({ vectorWorkers: 1 });
  const pool = server.app.vectorPool!;
  try {
    await pool.started();
    const s = await openVectorSocket(server.url);
    const n = SHARD_MIN_ENVS;
    const opened = JSON.parse(
      await s.ask(JSON.stringify({ type: "open", task_id: "hard", num_envs: n })) as string,
    );
    await s.ask('{"type":"reset"}');
    const closed = new Promise((r) => s.ws.onclose = r);
    await pool.workers[0].crash().catch(() => {});
    const reply = await s.ask(encodeStepRequest(new Int8Array(n * opened.slots), n, opened.slots));
    const error = JSON.parse(reply as string).error;
    assert.equal(error.code, "SHARD_FAILED");
    assert.match(error.message, /crash requested/);
    await closed;
    assert.ok(errors.some((e) => e.includes("vector worker died")), "the death is logged");
    await until(() => pool.stats().ready === 1, "a replacement worker starts");
    const t = await openVectorSocket(server.url);
    const again = JSON.parse(
      await t.ask(JSON.stringify({ type: "open", task_id: "hard", num_envs: n })) as string,
    );
    assert.equal(again.type, "opened");
    assert.equal(pool.stats().shards, 1, "new sessions are sharded on the replacement");
    const frame = await t.ask('{"type":"reset"}');
    assert.ok(frame instanceof ArrayBuffer);
    await t.close();
  } finally {
    console.error = log;
    await server.close();
  }
});

Deno.test("vector shards: sessions that end before their shards are built give their environments back once the shards are dropped", async () => {
  const server = startServer({ vectorWorkers: 1, maxVectorEnvs: 2048 });
  const pool = server.app.vectorPool!;
  const store = server.app.store;
  try {
    await pool.started();
    const open = JSON.stringify({ type: "open", task_id: "hard", num_envs: 1024 });
    let most = 0;
    const sampler = setInterval(() => most = Math.max(most, store.vectorEnvs), 0);
    const sockets = await Promise.all(
      Array.from({ length: 12 }, () => openVectorSocket(server.url)),
    );
    for (const s of sockets) {
      s.send(open);
      s.ws.close(); // gone before the answer: the shard is still being built
    }
    await until(() => store.size === 0, "the sessions ended");
    await until(
      () => store.vectorEnvs === 0 && pool.stats().shards === 0,
      `every environment given back (${store.vectorEnvs} held, ${pool.stats().shards} shards)`,
    );
    clearInterval(sampler);
    assert.ok(most <= 2048, `the cap held: ${most}`);
    // Nothing leaked: the whole cap opens again.
    const s = await openVectorSocket(server.url);
    assert.match((await s.ask(open)) as string, /"opened"/);
    await s.close();
  } finally {
    await server.close();
  }
});

Deno.test("vector shards: a session is split into shards of at least 64 environments, however many workers", async () => {
  const server = startServer({ vectorWorkers: 4 });
  const pool = server.app.vectorPool!;
  try {
    await pool.started();
    for (const [n, shards] of [[SHARD_MIN_ENVS, 1], [255, 2], [256, 3], [1024, 4]]) {
      const s = await openVectorSocket(server.url);
      await s.ask(JSON.stringify({ type: "open", task_id: "easy", num_envs: n }));
      assert.equal(pool.stats().shards, shards, `${n} environments`);
      await s.close();
      await until(() => pool.stats().shards === 0, "closed");
    }
  } finally {
    await server.close();
  }
});
