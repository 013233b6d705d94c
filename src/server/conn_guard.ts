/**
 * A connection guard in front of `Deno.serve`, which has no timeouts of its own (a client that
 * sends half a request head, or holds an idle keep-alive connection, is kept forever). The guard
 * listens on the public address, serves the app on a private loopback port, and copies bytes
 * both ways, dropping:
 *
 * - a connection whose request gets no answer byte within `requestTimeoutMs` (a slow or
 *   unfinished request head or body: the app answers a slow body with 408 first, see
 *   `bodyTimeoutSeconds`, and a connection whose answer says `Connection: close` is dropped
 *   once the answer is sent);
 * - an HTTP connection with no bytes either way for `idleTimeoutMs` (idle keep-alive);
 * - a WebSocket whose client starts a frame (or fragmented message) larger than
 *   `maxFrameBytes`, from the frame's header, before its payload is buffered anywhere: close
 *   code 1009, then the connection is dropped. (The app checks the same limit on frames that
 *   reach it, for servers run without the guard.)
 *
 * WebSocket connections (after `101`) are exempt from the two deadlines: the app pings them
 * and closes those that stop answering. The app sees each client's real address (the
 * per-client session cap) through the `info` the guard hands to its handler.
 *
 * @example
 * ```ts ignore
 * import { createApp } from "./app.ts";
 * import { serveGuarded } from "./conn_guard.ts";
 * const app = createApp();
 * const server = serveGuarded(app.fetch, { hostname: "0.0.0.0", port: 8000 });
 * ```
 *
 * @module
 */

/** Options of {@link serveGuarded}. */
export interface GuardOptions {
  /** Public interface. */
  hostname: string;
  /** Public port (0: any free port). */
  port: number;
  /** A request must get its first answer byte within this long, ms (default 20 s). */
  requestTimeoutMs?: number;
  /** An HTTP connection with no traffic for this long is closed, ms (default 30 s). */
  idleTimeoutMs?: number;
  /** Largest WebSocket frame or message a client may send, bytes (default 1 MiB). */
  maxFrameBytes?: number;
  /** Called once listening, with the public address. */
  onListen?: (addr: Deno.NetAddr) => void;
}

/** A running guarded server. */
export interface GuardedServer {
  /** The public address. */
  addr: Deno.NetAddr;
  /** Connections open now. */
  connections(): number;
  /** Stops accepting, closes every connection and the app server. */
  shutdown(): Promise<void>;
}

/** Tracks a WebSocket byte stream frame by frame (header bytes, then payload to skip). */
class FrameScanner {
  #header: number[] = [];
  #skip = 0;
  #message = 0;
  /** Whether the stream is between two frames. */
  get atBoundary(): boolean {
    return this.#skip === 0 && this.#header.length === 0;
  }
  /** Scans a chunk; returns the size of a frame or message above `max`, else 0. */
  scan(chunk: Uint8Array, max: number): number {
    let i = 0;
    while (i < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      this.#header.push(chunk[i++]);
      const h = this.#header;
      if (h.length < 2) continue;
      const len7 = h[1] & 0x7f;
      const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const need = 2 + ext + (h[1] & 0x80 ? 4 : 0);
      if (h.length < need) continue;
      let size = len7;
      if (ext > 0) {
        size = 0;
        for (let k = 2; k < 2 + ext; k++) size = size * 256 + h[k];
      }
      const opcode = h[0] & 0x0f;
      const fin = (h[0] & 0x80) !== 0;
      this.#header = [];
      if (opcode < 8) { // data frames add up to a message; control frames are small
        this.#message += size;
        if (this.#message > max) return this.#message;
        if (fin) this.#message = 0;
      }
      this.#skip = size;
    }
    return 0;
  }
}

/** A close frame (server to client, unmasked) with `code` and `reason`. */
function closeFrame(code: number, reason: string): Uint8Array {
  const text = new TextEncoder().encode(reason.slice(0, 120));
  return new Uint8Array([0x88, 2 + text.length, code >> 8, code & 0xff, ...text]);
}

const RESPONSE_101 = new TextEncoder().encode("HTTP/1.1 101");
const CLOSE_HEADER = /^HTTP\/1\.1 [^\r]*\r\n(?:[^\r]*\r\n)*?connection: close\r\n/i;
const decoder = new TextDecoder();

function startsWith(chunk: Uint8Array, prefix: Uint8Array): boolean {
  if (chunk.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (chunk[i] !== prefix[i]) return false;
  return true;
}

/**
 * A read buffer that starts small and doubles (to 64 KiB) whenever a read fills it: a
 * connection that trickles bytes (or sits idle) holds 2 KiB per direction, not 16 or 64 KiB,
 * which the allocator would keep after it leaves; a busy one reaches full-size reads at once.
 */
class ReadBuffer {
  #buf = new Uint8Array(2048);
  /** The next chunk from `conn` (a view valid until the next read), or null at its end. */
  async read(conn: Deno.Conn): Promise<Uint8Array | null> {
    const n = await conn.read(this.#buf);
    if (n === null) return null;
    const chunk = this.#buf.subarray(0, n);
    if (n === this.#buf.length && n < 64 * 1024) this.#buf = new Uint8Array(n * 2);
    return chunk;
  }
}

/** One proxied connection. */
interface Link {
  client: Deno.TcpConn;
  upstream: Deno.TcpConn;
  lastTraffic: number;
  waitingSince: number | null;
  upgraded: boolean;
  /** Refused (1009): the client's bytes are read and discarded until it closes (≤ 2 s). */
  discarding: boolean;
  /** The app answered `Connection: close` (e.g. a 408 or 413): dropped once it is sent. */
  closing: boolean;
  closed: boolean;
}

/**
 * Serves `handler` behind the guard: the app on a private `127.0.0.1` port, the public
 * listener on `hostname:port`.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { serveGuarded } from "./conn_guard.ts";
 * const app = createApp({ maxSessions: 4 });
 * const server = serveGuarded(app.fetch, { hostname: "127.0.0.1", port: 0 });
 * const res = await fetch(`http://127.0.0.1:${server.addr.port}/health`);
 * console.assert((await res.json()).status === "healthy");
 * await server.shutdown();
 * app.close();
 * ```
 */
export function serveGuarded(
  handler: (request: Request, info: Deno.ServeHandlerInfo) => Response | Promise<Response>,
  options: GuardOptions,
): GuardedServer {
  const requestTimeout = options.requestTimeoutMs ?? 20_000;
  const idleTimeout = options.idleTimeoutMs ?? 30_000;
  const maxFrame = options.maxFrameBytes ?? 1024 * 1024;
  const clients = new Map<number, Deno.NetAddr>(); // upstream local port -> client address
  const inner = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req, info) => {
    const remote = clients.get((info.remoteAddr as Deno.NetAddr).port);
    return handler(req, remote ? { ...info, remoteAddr: remote } : info);
  });
  const innerPort = inner.addr.port;
  const listener = Deno.listen({ hostname: options.hostname, port: options.port });
  const links = new Set<Link>();

  const drop = (link: Link) => {
    if (link.closed) return;
    link.closed = true;
    links.delete(link);
    for (const conn of [link.client, link.upstream]) {
      try {
        conn.close();
      } catch { /* already closed */ }
    }
  };

  const clientToServer = async (link: Link) => {
    const buf = new ReadBuffer();
    const frames = new FrameScanner();
    try {
      for (;;) {
        const chunk = await buf.read(link.client);
        if (chunk === null) break;
        if (link.discarding) continue;
        link.lastTraffic = Date.now();
        link.waitingSince ??= link.lastTraffic;
        if (link.upgraded && frames.scan(chunk, maxFrame) > 0) {
          // refuse: close frame 1009 now, drop the app's side, discard the rest for a moment
          // so that the client reads the close frame instead of a reset
          link.discarding = true;
          try {
            link.upstream.close();
          } catch { /* closed */ }
          await writeAll(link.client, closeFrame(1009, `Frame larger than ${maxFrame} bytes`))
            .catch(() => {});
          setTimeout(() => drop(link), 2000);
          continue;
        }
        await writeAll(link.upstream, chunk);
      }
    } catch { /* reset by a peer, or dropped */ }
    drop(link);
  };

  const serverToClient = async (link: Link) => {
    const buf = new ReadBuffer();
    try {
      for (;;) {
        const chunk = await buf.read(link.upstream);
        if (chunk === null) break;
        if (!link.upgraded && startsWith(chunk, RESPONSE_101)) link.upgraded = true;
        else if (!link.upgraded && CLOSE_HEADER.test(decoder.decode(chunk.subarray(0, 1024)))) {
          link.closing = true;
        }
        link.lastTraffic = Date.now();
        link.waitingSince = null;
        await writeAll(link.client, chunk);
      }
    } catch { /* reset by a peer, or dropped */ }
    if (!link.discarding) drop(link);
  };

  const sweeper = setInterval(() => {
    const now = Date.now();
    for (const link of links) {
      if (link.upgraded) continue;
      if (link.closing && now - link.lastTraffic > 200) {
        drop(link);
        continue;
      }
      const waiting = link.waitingSince !== null && now - link.waitingSince > requestTimeout;
      if (waiting || now - link.lastTraffic > idleTimeout) drop(link);
    }
  }, 500);
  Deno.unrefTimer(sweeper);

  let stopping = false;
  const accepting = (async () => {
    for (;;) {
      let client: Deno.TcpConn;
      try {
        client = await listener.accept();
      } catch {
        if (stopping) return;
        continue;
      }
      let upstream: Deno.TcpConn;
      try {
        upstream = await Deno.connect({ hostname: "127.0.0.1", port: innerPort });
      } catch {
        client.close();
        continue;
      }
      const port = upstream.localAddr.port;
      clients.set(port, client.remoteAddr);
      const link: Link = {
        client,
        upstream,
        lastTraffic: Date.now(),
        waitingSince: Date.now(), // a connection must send a request in time too
        upgraded: false,
        discarding: false,
        closing: false,
        closed: false,
      };
      links.add(link);
      Promise.all([clientToServer(link), serverToClient(link)]).finally(() => clients.delete(port));
    }
  })();

  const addr = listener.addr as Deno.NetAddr;
  options.onListen?.(addr);
  return {
    addr,
    connections: () => links.size,
    async shutdown() {
      stopping = true;
      clearInterval(sweeper);
      listener.close();
      for (const link of [...links]) drop(link);
      await accepting;
      await inner.shutdown();
    },
  };
}

async function writeAll(conn: Deno.Conn, chunk: Uint8Array): Promise<void> {
  let at = 0;
  while (at < chunk.length) at += await conn.write(chunk.subarray(at));
}
