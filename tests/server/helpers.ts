/**
 * Test helpers: a real server on a random loopback port (`Deno.serve({port: 0})` around
 * `createApp`, with its own in-memory ingest store unless the options give one, opened on first
 * use and closed with the server), JSON request shortcuts, and a fake clock for idle-expiry
 * tests.
 *
 * @module
 */
import { createApp, type ServerApp } from "../../src/server/app.ts";
import type { ServerOptions } from "../../src/server/server_config.ts";
import { IngestStore } from "../../src/ingest/store.ts";
import { WsClient } from "../../scripts/server/ws_client.ts";

/** A server listening on loopback. */
export interface TestServer {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** `ws://127.0.0.1:PORT`. */
  wsUrl: string;
  /** The application (store, metrics). */
  app: ServerApp;
  /** Stops listening and drops every session. */
  close(): Promise<void>;
}

/** Starts a server with these options. */
export function startServer(options: Partial<ServerOptions> = {}): TestServer {
  let kv: Promise<IngestStore> | undefined;
  const app = createApp({
    ...options,
    ingest: { store: () => kv ??= IngestStore.open(":memory:"), ...options.ingest },
  });
  const http = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, app.fetch);
  const url = `http://127.0.0.1:${http.addr.port}`;
  return {
    url,
    wsUrl: url.replace("http", "ws"),
    app,
    async close() {
      app.close();
      await http.shutdown();
      if (kv) (await kv).close();
    },
  };
}

/** Runs `fn` with a fresh server, always closing it. */
export async function withServer(
  fn: (server: TestServer) => Promise<void>,
  options: Partial<ServerOptions> = {},
): Promise<void> {
  const server = startServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

/** A response's status, headers and parsed JSON body. */
export interface JsonResponse {
  /** HTTP status. */
  status: number;
  /** Headers. */
  headers: Headers;
  /** Parsed body (text if not JSON). */
  // deno-lint-ignore no-explicit-any
  body: any;
}

/**
 * Session tokens seen, by server origin and session id: like a browser's cookie jar, `call`
 * sends back the `X-Session-Token` a server answered when it created a session, unless the
 * request sets that header itself (tests of ownership pass a wrong or empty one).
 */
const tokenJar = new Map<string, string>();

function namedSession(url: URL, body: unknown, headers: Record<string, string>): string | null {
  const header = Object.entries(headers).find(([k]) => k.toLowerCase() === "x-session-id");
  if (header) return header[1];
  if (body && typeof body === "object") {
    const b = body as { session_id?: unknown; params?: { session_id?: unknown } };
    const id = b.session_id ?? b.params?.session_id; // a reset/step body, or a JSON-RPC request
    if (id !== undefined) return String(id);
  }
  return url.searchParams.get("session_id");
}

/** Sends a request; `body` objects are JSON-encoded, strings sent as they are. */
export async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
  const target = new URL(url);
  const named = namedSession(target, body, headers);
  const given = Object.keys(headers).some((k) => k.toLowerCase() === "x-session-token");
  const known = named === null ? undefined : tokenJar.get(`${target.origin} ${named}`);
  if (!given && known) headers = { ...headers, "X-Session-Token": known };
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined
      ? undefined
      : typeof body === "string" || body instanceof Uint8Array
      ? body as BodyInit
      : JSON.stringify(body),
    redirect: "manual",
  });
  const token = res.headers.get("x-session-token");
  if (token) tokenJar.set(`${target.origin} ${res.headers.get("x-session-id")}`, token);
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** POST with a JSON body. */
export const post = (url: string, body?: unknown, headers: Record<string, string> = {}) =>
  call(url, "POST", body, { "Content-Type": "application/json", ...headers });

/** GET. */
export const get = (url: string, headers: Record<string, string> = {}) =>
  call(url, "GET", undefined, headers);

/** Opens a WebSocket to `path`. */
export const openWs = (server: TestServer, path = "/ws"): Promise<WsClient> =>
  WsClient.connect(server.wsUrl + path);

/** A settable millisecond clock. */
export class FakeClock {
  /** Current time, ms. */
  ms = 1_000_000;
  /** The clock function to pass as `now`. */
  readonly now = (): number => this.ms;
  /** Moves time forward. */
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

export { WsClient };

/** A plain WebSocket on `/ws/vector` of the server at `url`, its messages taken in order. */
export interface VectorSocket {
  /** The socket itself. */
  ws: WebSocket;
  /** Sends a text or binary frame. */
  send(data: string | Uint8Array): void;
  /** The next `count` messages (strings or ArrayBuffers), waiting for them. */
  take(count: number): Promise<unknown[]>;
  /** Sends a frame and returns the next message. */
  ask(data: string | Uint8Array): Promise<unknown>;
  /** Closes the socket and waits until it is closed. */
  close(): Promise<void>;
}

/** Opens a {@link VectorSocket} on the server at `url` (`http://...`). */
export async function openVectorSocket(url: string): Promise<VectorSocket> {
  const ws = new WebSocket(url.replace("http", "ws") + "/ws/vector");
  ws.binaryType = "arraybuffer";
  const inbox: unknown[] = [];
  let wake: (() => void) | null = null;
  ws.onmessage = (e) => {
    inbox.push(e.data);
    wake?.();
  };
  await new Promise((r) => ws.onopen = r);
  const take = async (count: number) => {
    while (inbox.length < count) await new Promise<void>((r) => wake = r);
    return inbox.splice(0, count);
  };
  return {
    ws,
    send: (data) => ws.send(data),
    take,
    async ask(data) {
      ws.send(data);
      return (await take(1))[0];
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((r) => ws.onclose = r);
      ws.close();
      await closed;
    },
  };
}
