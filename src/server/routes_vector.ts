/**
 * The vectorised wire protocol's route: `GET /ws/vector` upgrades to a WebSocket on which one
 * session steps N environments per binary frame (`ws_vector.ts`, frames in
 * `src/learn/vector_wire.ts`). OpenEnv's `/ws` is untouched.
 *
 * @example
 * ```ts
 * import { VECTOR_ROUTES } from "./routes_vector.ts";
 * console.assert(VECTOR_ROUTES[0].path === "/ws/vector");
 * ```
 *
 * @module
 */
import type { ApiRoute } from "../http/route_table.ts";
import type { ServerContext } from "./server_context.ts";
import { upgradeRoute } from "./ws_route.ts";

/** The `/ws/vector` upgrade. */
export const VECTOR_ROUTES: readonly ApiRoute<ServerContext>[] = [
  upgradeRoute(
    "/ws/vector",
    "vector",
    "Vector",
    "N environments per session, one binary frame steps all of them: text frames " +
      "{type: open, task_id, num_envs, seed, autoreset_mode} / {type: reset, seed?} / " +
      "{type: close}; binary step requests (i8 codes, N x slots) answered by binary step " +
      "replies (rewards, flags, ended episodes, observations). Format: README, 'Vectorised wire'.",
  ),
];
