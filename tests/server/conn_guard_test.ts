/**
 * The connection guard (`src/server/conn_guard.ts`) and the body deadline: slow request heads,
 * slow bodies and idle keep-alive connections are dropped in the documented time; oversized
 * WebSocket frames are refused with 1009 from their header; normal traffic passes through.
 *
 * @module
 */
import { equal, match, ok } from "node:assert/strict";
import { createApp } from "../../src/server/app.ts";
import { serveGuarded } from "../../src/server/conn_guard.ts";
import { IngestStore } from "../../src/ingest/store.ts";
import { WsClient } from "../../scripts/server/ws_client.ts";
import { withServer } from "./helpers.ts";

const enc = new TextEncoder();

async function guarded(fn: (port: number, app: ReturnType<typeof createApp>) => Promise<void>) {
  const kv = await IngestStore.open(":memory:");
  const app = createApp({ ingest: { store: kv }, bodyTimeoutSeconds: 0.3, maxBodyBytes: 4096 });
  const server = serveGuarded(app.fetch, {
    hostname: "127.0.0.1",
    port: 0,
    requestTimeoutMs: 600,
    idleTimeoutMs: 600,
    maxFrameBytes: 4096,
  });
  try {
    await fn(server.addr.port, app);
  } finally {
    await server.shutdown();
    app.close();
    kv.close();
  }
}

/** Sends `bytes` on a raw connection and returns the seconds until the server closes it. */
async function secondsUntilClosed(port: number, bytes: string): Promise<[number, string]> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const t0 = performance.now();
  if (bytes) await conn.write(enc.encode(bytes));
  const buf = new Uint8Array(4096);
  let got = "";
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      got += new TextDecoder().decode(buf.subarray(0, n));
    }
  } catch { /* reset */ }
  conn.close();
  return [(performance.now() - t0) / 1000, got];
}

Deno.test({
  name: "guard: slow request heads, silent and idle keep-alive connections are dropped in time",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await guarded(async (port) => {
      const cases = await Promise.all([
        secondsUntilClosed(port, "POST /reset HTTP/1.1\r\nHost: x\r\n"), // head never ends
        secondsUntilClosed(port, ""), // says nothing
        secondsUntilClosed(port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"), // then idles
      ]);
      for (const [seconds] of cases) ok(seconds > 0.4 && seconds < 3, `closed after ${seconds}s`);
      match(cases[2][1], /^HTTP\/1.1 200/);
      equal(cases[0][1], "");
    });
  },
});

Deno.test({
  name:
    "a body that arrives too slowly is a 408 within the body deadline, and the connection closes",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await guarded(async (port) => {
      const [seconds, got] = await secondsUntilClosed(
        port,
        "POST /reset HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{",
      );
      match(got, /^HTTP\/1.1 408/);
      match(got, /not received within 0.3 s/);
      ok(seconds < 3, `closed after ${seconds}s`);
    });
  },
});

Deno.test({
  name: "guard: HTTP and WebSocket traffic pass; the app sees the client's address",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await guarded(async (port, app) => {
      const url = `http://127.0.0.1:${port}`;
      const reset = await fetch(url + "/reset", {
        method: "POST",
        body: "{}",
        headers: { "X-Session-Id": "g1" },
      });
      equal(reset.status, 200);
      await reset.body?.cancel();
      equal(app.store.get("g1")!.client, "127.0.0.1"); // not the guard's own loopback port
      const ws = await WsClient.connect(`ws://127.0.0.1:${port}/ws`);
      const first = await ws.request({ type: "reset", data: { seed: 1 } });
      equal(first.type, "observation", JSON.stringify(first));
      for (let i = 0; i < 3; i++) {
        equal((await ws.request({ type: "step", data: { decisions: [] } })).type, "observation");
      }
      await ws.close();
    });
  },
});

Deno.test({
  name: "a WebSocket frame over the limit is refused with close code 1009 (guard and app)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const big = JSON.stringify({ type: "reset", data: { pad: "x".repeat(10_000) } });
    await guarded(async (port) => {
      const ws = await WsClient.connect(`ws://127.0.0.1:${port}/ws`);
      ws.send(big);
      equal((await ws.closed).code, 1009);
    });
    await withServer(async ({ wsUrl, app }) => {
      const ws = await WsClient.connect(wsUrl + "/ws");
      await ws.request({ type: "reset" });
      ws.send(big);
      equal((await ws.closed).code, 1009);
      equal(app.metrics.errors.get("ws_frame_too_large"), 1);
    }, { maxBodyBytes: 4096 });
  },
});

Deno.test({
  name: "a WebSocket client that never reads its replies is closed with 1008 at the bound",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withServer(async ({ url, app }) => {
      const port = new URL(url).port;
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
      await conn.write(enc.encode(
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      ));
      // masked text frames {"type":"state"}, sent without ever reading a reply
      const payload = enc.encode('{"type":"state"}');
      const frame = new Uint8Array([0x81, 0x80 | payload.length, 0, 0, 0, 0, ...payload]);
      const burst = new Uint8Array(frame.length * 500);
      for (let i = 0; i < 500; i++) burst.set(frame, i * frame.length);
      for (let i = 0; i < 400 && !app.metrics.errors.get("ws_not_reading"); i++) {
        await conn.write(burst).catch(() => 0);
        await new Promise((r) => setTimeout(r, 20));
      }
      ok((app.metrics.errors.get("ws_not_reading") ?? 0) >= 1);
      conn.close();
    }, { maxWsBufferedBytes: 64 * 1024 });
  },
});
