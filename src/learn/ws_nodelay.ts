/**
 * A minimal WebSocket client (RFC 6455) over `Deno.connect` with `TCP_NODELAY`, for plain
 * `ws://` URLs. Deno's built-in `WebSocket` client sends a frame of more than 1,024 bytes in two
 * writes on a socket with Nagle's algorithm on, so every such frame waits for the server's
 * delayed ACK (about 40 ms on Linux): a vector step request of 64 environments x 32 slots is
 * 2 KB, which capped the client at ~25 frames/s. Writing each frame in one `write` on a
 * no-delay socket removes the stall. Text and binary messages, fragmented messages, ping/pong
 * and close are handled; extensions and subprotocols are not negotiated.
 *
 * @example
 * ```ts ignore
 * import { NoDelaySocket } from "./ws_nodelay.ts";
 * const ws = await NoDelaySocket.connect("ws://127.0.0.1:8000/ws/vector");
 * ws.onmessage = (data) => console.log(data);
 * ws.send('{"type":"close"}');
 * ```
 *
 * @module
 */

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function base64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** A connected client socket (see the module doc). */
export class NoDelaySocket {
  /** Called with each message: a string (text) or an ArrayBuffer (binary). */
  onmessage: (data: string | ArrayBuffer) => void = () => {};
  /** Called once when the connection ends (closed by either side or failed). */
  onclose: (reason: string) => void = () => {};
  readonly #conn: Deno.TcpConn;
  #open = true;
  #writing: Promise<void> = Promise.resolve();

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Whether the socket is open. */
  get open(): boolean {
    return this.#open;
  }

  /** Connects and completes the opening handshake. */
  static async connect(url: string): Promise<NoDelaySocket> {
    const u = new URL(url);
    if (u.protocol !== "ws:") throw new TypeError(`NoDelaySocket supports ws:// only, got ${url}`);
    const port = u.port ? Number(u.port) : 80;
    const conn = await Deno.connect({ hostname: u.hostname, port });
    conn.setNoDelay(true);
    const key = base64(crypto.getRandomValues(new Uint8Array(16)));
    const request = `GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
      "Upgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    await writeAll(conn, encoder.encode(request));
    // Read the response head byte by byte up to the blank line (it is small).
    let head = "";
    const one = new Uint8Array(1);
    while (!head.endsWith("\r\n\r\n")) {
      if ((await conn.read(one)) === null) throw new Error("connection closed during handshake");
      head += String.fromCharCode(one[0]);
      if (head.length > 16384) throw new Error("handshake response too long");
    }
    const digest = new Uint8Array(
      await crypto.subtle.digest("SHA-1", encoder.encode(key + GUID)),
    );
    const accept = /sec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
    if (!/^HTTP\/1\.1 101/.test(head) || accept !== base64(digest)) {
      conn.close();
      throw new Error(`WebSocket handshake refused: ${head.split("\r\n")[0]}`);
    }
    const socket = new NoDelaySocket(conn);
    socket.#readLoop();
    return socket;
  }

  /** Sends a text (string) or binary message as one frame in one write. */
  send(data: string | Uint8Array): void {
    if (!this.#open) throw new Error("the socket is closed");
    const payload = typeof data === "string" ? encoder.encode(data) : data;
    this.#write(typeof data === "string" ? 0x1 : 0x2, payload);
  }

  /** Sends a close frame and closes the connection. */
  close(): void {
    if (!this.#open) return;
    this.#write(0x8, new Uint8Array([0x03, 0xe8]));
    this.#writing.finally(() => this.#end("closed by the client"));
  }

  #write(opcode: number, payload: Uint8Array): void {
    const n = payload.length;
    const extra = n < 126 ? 0 : n < 65536 ? 2 : 8;
    // The payload starts at a multiple of 4 in the buffer, so that it is masked a word at a time.
    const head = 2 + extra + 4, pad = (4 - (head & 3)) & 3;
    const buffer = new Uint8Array(pad + head + n);
    const frame = buffer.subarray(pad);
    frame[0] = 0x80 | opcode;
    if (extra === 0) frame[1] = 0x80 | n;
    else if (extra === 2) {
      frame[1] = 0x80 | 126;
      frame[2] = n >>> 8;
      frame[3] = n & 0xff;
    } else {
      frame[1] = 0x80 | 127;
      new DataView(buffer.buffer, pad).setBigUint64(2, BigInt(n));
    }
    const mask = crypto.getRandomValues(frame.subarray(head - 4, head));
    buffer.set(payload, pad + head);
    const words = n >>> 2;
    const word = new Uint32Array(buffer.buffer, pad + head - 4, 1)[0]; // the mask, as a word
    const body = new Uint32Array(buffer.buffer, pad + head, words);
    for (let i = 0; i < words; i++) body[i] ^= word;
    for (let i = words << 2; i < n; i++) frame[head + i] ^= mask[i & 3];
    this.#writing = this.#writing.then(() => writeAll(this.#conn, frame)).catch((err) =>
      this.#end(`write failed: ${err instanceof Error ? err.message : err}`)
    );
  }

  #end(reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.onclose(reason);
  }

  async #readLoop(): Promise<void> {
    let buf = new Uint8Array(64 * 1024);
    let len = 0;
    let parts: Uint8Array[] = [];
    let partOpcode = 0;
    try {
      for (;;) {
        // Parse every complete frame in the buffer.
        let at = 0;
        for (;;) {
          if (len - at < 2) break;
          const b0 = buf[at], b1 = buf[at + 1];
          let n = b1 & 0x7f, h = 2;
          if (n === 126) {
            if (len - at < 4) break;
            n = (buf[at + 2] << 8) | buf[at + 3];
            h = 4;
          } else if (n === 127) {
            if (len - at < 10) break;
            n = Number(new DataView(buf.buffer, buf.byteOffset + at + 2, 8).getBigUint64(0));
            h = 10;
          }
          if (b1 & 0x80) h += 4; // a masked server frame (not expected; unmasked below)
          if (len - at < h + n) {
            if (h + n > buf.length) {
              const bigger = new Uint8Array(Math.max(h + n, buf.length * 2));
              bigger.set(buf.subarray(at, len));
              buf = bigger;
              len -= at;
              at = 0;
            }
            break;
          }
          let payload = buf.slice(at + h, at + h + n);
          if (b1 & 0x80) {
            const m = buf.subarray(at + h - 4, at + h);
            payload = payload.map((x, i) => x ^ m[i & 3]);
          }
          at += h + n;
          const opcode = b0 & 0x0f, fin = (b0 & 0x80) !== 0;
          if (opcode === 0x8) {
            const code = payload.length >= 2 ? (payload[0] << 8) | payload[1] : 1005;
            return this.#end(`closed by the server (${code})`);
          }
          if (opcode === 0x9) {
            this.#write(0xa, payload);
            continue;
          }
          if (opcode === 0xa) continue;
          if (opcode !== 0) partOpcode = opcode;
          parts.push(payload);
          if (!fin) continue;
          const whole = parts.length === 1 ? parts[0] : concat(parts);
          parts = [];
          this.onmessage(partOpcode === 0x1 ? decoder.decode(whole) : ownBuffer(whole));
        }
        if (at > 0) {
          buf.copyWithin(0, at, len);
          len -= at;
        }
        if (len === buf.length) {
          const bigger = new Uint8Array(buf.length * 2);
          bigger.set(buf);
          buf = bigger;
        }
        const got = await this.#conn.read(buf.subarray(len));
        if (got === null) return this.#end("connection closed");
        len += got;
      }
    } catch (err) {
      this.#end(`read failed: ${err instanceof Error ? err.message : err}`);
    }
  }
}

/** The bytes as an ArrayBuffer of their own (no copy when they already fill one). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer as ArrayBuffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}
