/**
 * The OpenAPI 3.1 document of the server, generated with `@hono/zod-openapi` from the route
 * tables (see `route_table.ts`): each route's description sits beside its handler
 * (`routes_openenv.ts`, `routes_seed.ts`, the WebSocket upgrades of `ws_route.ts`, the
 * `/ingest/*` routes of `src/ingest/routes.ts`). This module holds the document builder, the
 * response schemas and notes those descriptions share, and the two reference routes
 * (`/openapi.json`, and the Scalar page that renders it at `/docs`).
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * import { OPENENV_ROUTES } from "./routes_openenv.ts";
 * const doc = openApiDocument(OPENENV_ROUTES);
 * console.assert(doc.openapi === "3.1.0" && "/reset" in (doc.paths ?? {}));
 * ```
 *
 * @module
 */
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import { ActionSchema } from "../schemas.ts";
import { ENV_DESCRIPTION, VERSION } from "./server_config.ts";
import { type ApiRoute, documentRoutes } from "../http/route_table.ts";

/** The OpenAPI description of a JSON response. */
export interface JsonResponse<T extends z.ZodType = z.ZodType> {
  /** The body's schema. */
  content: { "application/json": { schema: T } };
  /** What the response means. */
  description: string;
}

/** A JSON response of `schema`, with its description. */
export const jsonContent = <T extends z.ZodType>(
  schema: T,
  description: string,
): JsonResponse<T> => ({
  content: { "application/json": { schema } },
  description,
});

const DetailItem = z.object({
  type: z.string(),
  loc: z.array(z.union([z.string(), z.int()])),
  msg: z.string(),
});
const ValidationError = z.object({ detail: z.array(DetailItem) }).describe(
  "Schema violation or rejected action; `loc` names the field",
);

/** An error answer whose `detail` is a sentence. */
export const ErrorMessageSchema: z.ZodObject<{ detail: z.ZodString }> = z.object({
  detail: z.string(),
});

/** The `X-Session-Id` request header. */
export const SESSION_HEADERS: z.ZodObject<{
  "x-session-id": z.ZodOptional<z.ZodString>;
  "x-session-token": z.ZodOptional<z.ZodString>;
}> = z.object({
  "x-session-id": z.string().optional().describe("Session to act on (default: `default`)"),
  "x-session-token": z.string().optional().describe(
    "The secret token answered (as `X-Session-Token`) by the reset that created the named " +
      "session; required on every later request on it (403 without). The `default` session " +
      "is shared and needs none.",
  ),
});

/** The answers of a route with a JSON body: malformed (400), too large (413), invalid (422). */
export const BODY_ERRORS: {
  400: JsonResponse;
  403: JsonResponse;
  408: JsonResponse;
  413: JsonResponse;
  422: JsonResponse;
} = {
  400: jsonContent(ValidationError, "Malformed JSON or invalid UTF-8"),
  403: jsonContent(
    ErrorMessageSchema,
    "Another client's session: missing or wrong X-Session-Token",
  ),
  408: jsonContent(ErrorMessageSchema, "Body not received within the body deadline"),
  413: jsonContent(ErrorMessageSchema, "Body larger than the limit"),
  422: jsonContent(ValidationError, "Schema violation or rejected action"),
};

/** What `source` and `replay` of a reset do. */
export const SOURCE_NOTE: string =
  "`source` picks the alerts: `synthetic` (default; also a later " +
  "reset without `source`), `replay` (only the real alerts recorded by `/ingest/*`, bucketed " +
  "into ticks by time) or `mixed` (recorded alerts on top of the synthetic stream); " +
  "`replay: {since, until, limit, tick_ms}` picks the recorded window.";

/** The answers of a reset that reads the ingest store. */
export const SOURCE_ERRORS: { 409: JsonResponse; 503: JsonResponse } = {
  409: jsonContent(ErrorMessageSchema, "`source: replay` with no recorded alerts in the window"),
  503: jsonContent(ErrorMessageSchema, "Alert store unavailable (`Retry-After`)"),
};

/** When the state carries the hidden truth. */
export const TRUTH_NOTE: string =
  "`truth` (alert classes, incidents, the dependency graph) is `null` " +
  "while the episode runs, so an agent cannot read it, and complete once the episode has " +
  "ended; a server started with `ALERT_TRIAGE_EXPOSE_TRUTH=1` always includes it (debugging " +
  "only).";

/** The OpenAPI 3.1 document of `routes` (`info.version` is the package version). */
export function openApiDocument(
  routes: readonly ApiRoute<never>[],
): ReturnType<OpenAPIHono["getOpenAPI31Document"]> {
  const app = new OpenAPIHono();
  documentRoutes(app.openAPIRegistry, routes);
  // A clone made here, after `@hono/zod-openapi` extended zod: the core schema may have been built
  // first (by a program that imported `mod.ts` before the server), without `.openapi()`.
  app.openAPIRegistry.register("Action", ActionSchema.clone());
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "alert-triage OpenEnv environment",
      version: VERSION,
      description: ENV_DESCRIPTION,
    },
  });
}

const scalar = Scalar({ url: "/openapi.json", pageTitle: "alert-triage API" });

/**
 * `GET /openapi.json` (the document, serialised once by the app) and `GET /docs` (the Scalar
 * API reference page); neither is in the document itself.
 */
export const REFERENCE_ROUTES: readonly ApiRoute<{ openApiJson: string }>[] = [
  {
    method: "get",
    path: "/openapi.json",
    doc: null,
    handler: (c, { openApiJson }) =>
      c.body(openApiJson, 200, { "Content-Type": "application/json" }),
  },
  {
    method: "get",
    path: "/docs",
    doc: null,
    handler: async (c) => (await scalar(c, () => Promise.resolve())) as Response,
  },
];
