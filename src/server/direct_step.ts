/**
 * `POST /step` and `POST /reset` without the router: the OpenEnv step is the one hot HTTP
 * request (and a lock-step client resets every episode, a dozen steps on `hard`), so
 * {@link directStep} answers both before Hono (no middleware chain, no context object, no
 * route match, no copy of the request) with exactly what the routes answer: the same functions
 * (`stepResponse` and `resetResponse` of `routes_openenv.ts`, which check the session's
 * token), the same streaming body read with its size limit and deadline (`readBodyLimited`),
 * the same JSON error bodies, statuses and headers, the same metrics. It takes only requests
 * whose `Content-Length` is within the body limit (anything else, a chunked body for instance,
 * goes through Hono and its body-limit middleware). `tests/server/direct_step_test.ts` checks
 * that both paths answer byte for byte alike. Anything added to the app as middleware must
 * also be applied here.
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * const server = createApp();
 * const res = await server.fetch(new Request("http://x/step", { method: "POST", body: "{}",
 *   headers: { "content-type": "application/json", "content-length": "2" } }));
 * console.assert(res.status === 422);
 * server.close();
 * ```
 *
 * @module
 */
import { parseJsonBytes, readBodyLimited } from "./body.ts";
import { HttpError } from "./http_errors.ts";
import { resetResponse, stepResponse } from "./routes_openenv.ts";
import type { SessionStore } from "./session_store.ts";
import { openenvResult } from "./wire.ts";

/** The path of a request URL (no query), without building a `URL`. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const q = url.indexOf("?", start), h = url.indexOf("#", start);
  const end = q < 0 ? (h < 0 ? url.length : h) : q;
  return url.slice(start, end);
}

/** The JSON error answer of the app's error handler for an {@link HttpError}. */
export function httpErrorResponse(err: HttpError): Response {
  const headers = new Headers(err.headers);
  headers.set("content-type", "application/json");
  return new Response(JSON.stringify({ detail: err.detail }), { status: err.status, headers });
}

/**
 * A handler answering `POST /step` and `POST /reset` directly, or returning null for every
 * other request (and for one without a usable `Content-Length`).
 */
export function directStep(
  store: SessionStore,
  maxBodyBytes: number,
  bodyTimeoutMs: number,
): (request: Request, info?: Deno.ServeHandlerInfo) => Promise<Response> | null {
  const answer = async (
    request: Request,
    info: Deno.ServeHandlerInfo | undefined,
    reset: boolean,
    length: string,
  ): Promise<Response> => {
    try {
      const bytes = await readBodyLimited(request, maxBodyBytes, bodyTimeoutMs, length);
      const body = parseJsonBytes(bytes);
      return reset
        ? await resetResponse(body, request, info, store)
        : stepResponse(body, request, info, store, openenvResult);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      store.metrics.recordError(err.code);
      return httpErrorResponse(err);
    }
  };
  return (request, info) => {
    if (request.method !== "POST") return null;
    const path = pathOf(request.url);
    const reset = path === "/reset";
    if (!reset && path !== "/step") return null;
    const length = request.headers.get("content-length");
    if (length === null || !/^\d{1,10}$/.test(length) || Number(length) > maxBodyBytes) {
      return null;
    }
    return answer(request, info, reset, length);
  };
}
