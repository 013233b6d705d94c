/**
 * A test harness around the ingest sub-app: an in-memory store, captured log lines, and small
 * request helpers that return status, headers and parsed body.
 *
 * @example
 * ```ts
 * import { ingestHarness } from "./http_helpers.ts";
 * const h = await ingestHarness();
 * const r = await h.post("/ingest/alerts", { title: "x" });
 * console.assert(r.status === 202);
 * h.close();
 * ```
 *
 * @module
 */
// deno-lint-ignore-file no-explicit-any -- response bodies are inspected freely
import type { Hono } from "hono";
import type { IngestConfig } from "../../src/ingest/ingest_config.ts";
import { createIngestApp } from "../../src/ingest/routes.ts";
import { IngestStore } from "../../src/ingest/store.ts";
import { verifyStore } from "../../src/ingest/store_verify.ts";

/** A response, read. */
export interface Answer {
  /** HTTP status. */
  status: number;
  /** Response headers. */
  headers: Headers;
  /** Parsed JSON body. */
  body: any;
  /** Raw body text. */
  text: string;
}

/** What {@link ingestHarness} returns. */
export interface Harness {
  /** The sub-app. */
  app: Hono;
  /** Its store (in memory). */
  store: IngestStore;
  /** Log lines written so far. */
  logs: string[];
  /** POSTs a JSON value (or a raw string / bytes) with optional headers. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Answer>;
  /** GETs a path. */
  get(path: string, headers?: Record<string, string>): Promise<Answer>;
  /** Asserts-free integrity report of the store. */
  problems(): Promise<string[]>;
  /** Closes the store. */
  close(): void;
}

/** Reads a Response into an {@link Answer}. */
export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body, text };
}

/**
 * The sub-app over a fresh in-memory store with `config` (no token, no HMAC by default) and a
 * clock starting at 2026-08-20T10:00:00Z advancing 1 s per call.
 */
export async function ingestHarness(config: Partial<IngestConfig> = {}): Promise<Harness> {
  let t = Date.UTC(2026, 7, 20, 10);
  const now = () => (t += 1000);
  const store = await IngestStore.open(":memory:", {
    maxBacklog: config.maxBacklog ?? 100_000,
    now,
  });
  const logs: string[] = [];
  const app = createIngestApp({
    store,
    config: { token: undefined, hmacSecret: undefined, ...config },
    log: (l) => logs.push(l),
    now,
  });
  const request = async (path: string, init: RequestInit) => answer(await app.request(path, init));
  return {
    app,
    store,
    logs,
    post: (path, body, headers = {}) =>
      request(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" || body instanceof Uint8Array
          ? body as BodyInit
          : JSON.stringify(body),
      }),
    get: (path, headers = {}) => request(path, { method: "GET", headers }),
    problems: async () => (await verifyStore(store.kv)).problems,
    close: () => store.close(),
  };
}
