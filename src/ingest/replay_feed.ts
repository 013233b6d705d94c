/**
 * The replay feed: `GET /ingest/replay`, the store's records of a window as JSONL (the export
 * format of `stream_io.ts`, one {@link StoredAlert} per line), streamed as they are read. It is
 * how server replicas read one shared store over HTTP (`remote_store.ts`): the ingest service
 * owns the Deno KV file, every replica plays `replay`/`mixed` episodes from this feed. A saved
 * response is also a stream file for `deno task replay --jsonl`.
 *
 * Query: `since`, `until` (epoch ms, `[since, until)`), `limit` (1..{@link MAX_FEED_LIMIT},
 * default 1000) and `order` — `oldest` (default: the first `limit` records from `since`, oldest
 * first) or `newest` (the latest `limit` before `until`, newest first). Bad parameters get a
 * 400 naming the field; the bearer token of `/ingest/*` applies (401 without it); a store that
 * cannot be opened, a 503 with `Retry-After`.
 *
 * @example
 * ```ts
 * import { createReplayFeedApp } from "./replay_feed.ts";
 * import { IngestStore } from "./store.ts";
 * const store = await IngestStore.open(":memory:");
 * const app = createReplayFeedApp({ openStore: () => Promise.resolve(store) });
 * const res = await app.request("/ingest/replay?limit=10");
 * console.assert(res.status === 200 && (await res.text()) === "");
 * store.close();
 * ```
 *
 * @module
 */
import { Hono } from "hono";
import { z } from "zod";
import { checkBearer } from "./auth.ts";
import type { StoredAlert } from "./lifecycle.ts";
import type { IngestStore } from "./store.ts";
import { recordToLine } from "./stream_io.ts";

/** The feed's path. */
export const REPLAY_FEED_PATH = "/ingest/replay";

/** Most records one feed request returns. */
export const MAX_FEED_LIMIT = 100_000;

/** Records returned when the request names no `limit`. */
export const DEFAULT_FEED_LIMIT = 1000;

const intString = (name: string, min: number, max: number) =>
  z.string().regex(/^-?\d+$/, `${name} must be an integer`).transform(Number).pipe(
    z.number().int().min(min, `${name} must be at least ${min}`).max(
      max,
      `${name} must be at most ${max}`,
    ),
  );

/** The feed's query parameters (strings in, numbers out). */
export const ReplayFeedQuerySchema = z.object({
  since: intString("since", 0, Number.MAX_SAFE_INTEGER).optional(),
  until: intString("until", 0, Number.MAX_SAFE_INTEGER).optional(),
  limit: intString("limit", 1, MAX_FEED_LIMIT).optional(),
  order: z.enum(["oldest", "newest"]).optional(),
}).strict();

/** A parsed feed query. */
export type ReplayFeedQuery = z.output<typeof ReplayFeedQuerySchema>;

/**
 * The records of a feed query, in the order the feed sends them.
 *
 * @example
 * ```ts
 * import { feedRecords } from "./replay_feed.ts";
 * import { IngestStore } from "./store.ts";
 * const store = await IngestStore.open(":memory:");
 * for await (const r of feedRecords(store, { order: "newest", limit: 5 })) console.log(r.id);
 * store.close();
 * ```
 */
export async function* feedRecords(
  store: IngestStore,
  query: ReplayFeedQuery,
): AsyncGenerator<StoredAlert> {
  const limit = query.limit ?? DEFAULT_FEED_LIMIT;
  if (query.order === "newest") {
    yield* store.recent(limit, query.until);
    return;
  }
  let n = 0;
  for await (const record of store.all({ since: query.since, until: query.until })) {
    yield record;
    if (++n >= limit) return;
  }
}

/** Options of {@link createReplayFeedApp}. */
export interface ReplayFeedOptions {
  /** Opens the store (a rejection becomes a 503). */
  openStore: () => Promise<IngestStore>;
  /** Bearer token required (unset: none), as on the other `/ingest/*` routes. */
  token?: string;
}

/**
 * A Hono app serving {@link REPLAY_FEED_PATH} (mount it next to the ingest routes).
 *
 * @example
 * ```ts
 * import { createReplayFeedApp } from "./replay_feed.ts";
 * import { IngestStore } from "./store.ts";
 * const store = await IngestStore.open(":memory:");
 * const app = createReplayFeedApp({ openStore: () => Promise.resolve(store), token: "t" });
 * console.assert((await app.request("/ingest/replay")).status === 401);
 * store.close();
 * ```
 */
export function createReplayFeedApp(options: ReplayFeedOptions): Hono {
  const app = new Hono();
  app.get(REPLAY_FEED_PATH, async (c) => {
    const fail = await checkBearer(c.req.header("authorization"), options.token);
    if (fail) {
      return c.json({ detail: fail.message }, 401, { "WWW-Authenticate": 'Bearer realm="ingest"' });
    }
    const parsed = ReplayFeedQuerySchema.safeParse(c.req.query());
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.code === "unrecognized_keys" ? issue.keys[0] : String(issue.path[0]);
      const msg = issue.code === "unrecognized_keys"
        ? `unknown query parameter (known: since, until, limit, order)`
        : issue.message;
      return c.json({
        detail: [{ type: "invalid_query", loc: ["query", field], msg }],
      }, 400);
    }
    let store: IngestStore;
    try {
      store = await options.openStore();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      return c.json({ detail: `Alert store unavailable: ${why}` }, 503, { "Retry-After": "5" });
    }
    const records = feedRecords(store, parsed.data);
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const next = await records.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(recordToLine(next.value) + "\n"));
        } catch (e) {
          controller.error(e);
        }
      },
      async cancel() {
        await records.return(undefined);
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8" },
    });
  });
  return app;
}
