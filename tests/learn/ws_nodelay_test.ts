/**
 * The small RFC 6455 client of `RemoteVectorEnv` (`NoDelaySocket`) against Deno's own WebSocket
 * server (an echo on loopback): text and binary messages of every length class of the frame
 * header (7-bit, 16-bit and 64-bit lengths, at their edges, so the word-wise masking meets
 * every alignment and tail) arrive intact both ways, in order, and a binary message arrives as
 * an ArrayBuffer holding exactly its bytes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { NoDelaySocket } from "../../src/learn/ws_nodelay.ts";

Deno.test("ws_nodelay: messages of every header length class round-trip through Deno's server", async () => {
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.binaryType = "arraybuffer";
    socket.onmessage = (e) => socket.send(e.data); // echo
    return response;
  });
  const ws = await NoDelaySocket.connect(`ws://127.0.0.1:${server.addr.port}/`);
  const got: (string | ArrayBuffer)[] = [];
  let wake = () => {};
  ws.onmessage = (data) => (got.push(data), wake());
  const next = async () => {
    while (got.length === 0) await new Promise<void>((r) => wake = r);
    return got.shift()!;
  };
  try {
    const sizes = [0, 1, 2, 3, 4, 5, 125, 126, 127, 128, 65_535, 65_536, 65_537, 70_001];
    for (const n of sizes) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff);
      ws.send(bytes);
      const text = "é".repeat(n >> 1) + "x".repeat(n & 1); // n UTF-8 bytes
      ws.send(text);
      const echoed = await next();
      assert.ok(echoed instanceof ArrayBuffer, `binary ${n}: not an ArrayBuffer`);
      assert.equal(echoed.byteLength, n, `binary ${n}: length`);
      assert.deepEqual(new Uint8Array(echoed), bytes, `binary ${n}: bytes differ`);
      assert.equal(await next(), text, `text of ${n} bytes differs`);
    }
  } finally {
    ws.close();
    await server.shutdown();
  }
});
