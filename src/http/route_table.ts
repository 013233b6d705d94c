/**
 * Routes declared once. An {@link ApiRoute} binds an endpoint's method and path, its OpenAPI
 * description (request and response schemas, summary, tags) and its handler; everything else
 * is derived from the tables of them: {@link mountRoutes} registers the handlers on a Hono app,
 * {@link documentRoutes} adds the descriptions to an OpenAPI registry, and
 * {@link allowedMethods} answers which methods a path serves (the `Allow` header of a 405).
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import { allowedMethods, type ApiRoute, mountRoutes } from "./route_table.ts";
 * const routes: ApiRoute<{ greeting: string }>[] = [
 *   { method: "get", path: "/hello/{name}", doc: null, handler: (c, d) => c.text(d.greeting) },
 * ];
 * const app = new Hono();
 * mountRoutes(app, routes, { greeting: "hi" });
 * console.assert((await (await app.request("/hello/x")).text()) === "hi");
 * console.assert(allowedMethods(routes)("/hello/y") === "GET");
 * ```
 *
 * @module
 */
import { createRoute, type OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context, Hono } from "hono";

/** The OpenAPI description of a route: everything of `createRoute` but method and path. */
export type RouteDoc = Omit<RouteConfig, "method" | "path">;

/** One endpoint, declared once; `D` is what its handler needs besides the request. */
export interface ApiRoute<D> {
  /** HTTP method. */
  readonly method: "get" | "post";
  /** Path in OpenAPI form: parameters as `{name}` (`/env/reset/{task_id}`). */
  readonly path: string;
  /** The OpenAPI description, or `null` for a route served but not documented. */
  readonly doc: RouteDoc | null;
  /** Answers a request. */
  readonly handler: (c: Context, deps: D) => Response | Promise<Response>;
}

/** The Hono form of an OpenAPI path: `/env/reset/{task_id}` → `/env/reset/:task_id`. */
export function routingPath(path: string): string {
  return path.replaceAll(/\/{(.+?)}/g, "/:$1");
}

/** Registers every route's handler on `app`, each called with `deps`. */
export function mountRoutes<D>(app: Hono, routes: readonly ApiRoute<D>[], deps: D): void {
  for (const route of routes) {
    app.on(route.method.toUpperCase(), routingPath(route.path), (c) => route.handler(c, deps));
  }
}

/** Adds the description of every documented route to an OpenAPI registry, in table order. */
export function documentRoutes(
  registry: OpenAPIHono["openAPIRegistry"],
  routes: readonly ApiRoute<never>[],
): void {
  for (const { method, path, doc } of routes) {
    if (doc) registry.registerPath(createRoute({ ...doc, method, path }));
  }
}

function pathPattern(path: string): RegExp {
  const parts = path.split(/{[^}]+}/).map((part) => part.replaceAll(/[.*+?^$()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join("[^/]+")}$`);
}

/**
 * A lookup of the methods served on a path, as an `Allow` header value (`"POST, GET"`, in the
 * order the routes are declared), or `undefined` for a path no route serves.
 */
export function allowedMethods(
  routes: readonly ApiRoute<never>[],
): (path: string) => string | undefined {
  const exact = new Map<string, string[]>();
  const patterns: { pattern: RegExp; path: string; methods: string[] }[] = [];
  for (const { method, path } of routes) {
    const verb = method.toUpperCase();
    let methods: string[];
    if (path.includes("{")) {
      let entry = patterns.find((p) => p.path === path);
      if (!entry) patterns.push(entry = { pattern: pathPattern(path), path, methods: [] });
      methods = entry.methods;
    } else {
      methods = exact.get(path) ?? [];
      exact.set(path, methods);
    }
    if (!methods.includes(verb)) methods.push(verb);
  }
  const allow = new Map<string, string>([...exact].map(([path, m]) => [path, m.join(", ")]));
  const allowPatterns: [RegExp, string][] = patterns.map((p) => [p.pattern, p.methods.join(", ")]);
  return (path) => allow.get(path) ?? allowPatterns.find(([pattern]) => pattern.test(path))?.[1];
}
