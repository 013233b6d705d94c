/**
 * The WebSocket endpoints as routes: `GET` on the path upgrades the connection and serves a
 * protocol on it (see `ws_socket.ts`); a `GET` without `Upgrade: websocket` is a 426. The
 * OpenAPI document shows each as a `GET` answered by `101 Switching Protocols`.
 *
 * @example
 * ```ts
 * import { upgradeRoute } from "./ws_route.ts";
 * const route = upgradeRoute("/ws", "openenv", "OpenEnv", "OpenEnv session frames.");
 * console.assert(route.method === "get" && route.doc?.responses[101] !== undefined);
 * ```
 *
 * @module
 */
import { HttpError } from "./http_errors.ts";
import { clientAddress } from "./http_session.ts";
import { ErrorMessageSchema, jsonContent } from "./openapi.ts";
import type { ApiRoute } from "../http/route_table.ts";
import type { ServerContext } from "./server_context.ts";
import { isUpgrade, type SocketProtocol, upgradeSession } from "./ws_socket.ts";

/** The route upgrading `GET path` to a WebSocket serving `protocol`, documented under `tag`. */
export function upgradeRoute(
  path: string,
  protocol: SocketProtocol,
  tag: string,
  description: string,
): ApiRoute<ServerContext> {
  return {
    method: "get",
    path,
    doc: {
      tags: [tag],
      summary: `WebSocket ${path}`,
      description,
      responses: {
        101: { description: "Switching Protocols" },
        426: jsonContent(ErrorMessageSchema, ""),
      },
    },
    handler: (c, { store }) => {
      if (!isUpgrade(c.req.raw)) {
        throw new HttpError(426, `${path} expects a WebSocket upgrade`, "not_upgrade", {
          Upgrade: "websocket",
        });
      }
      return upgradeSession(c.req.raw, protocol, store, clientAddress(c.env));
    },
  };
}
