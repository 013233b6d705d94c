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

/** Sends a request; `body` objects are JSON-encoded, strings sent as they are. */
export async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonResponse> {
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
