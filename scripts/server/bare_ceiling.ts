/**
 * The ceilings of `deno task bench:wire`: a bare `Deno.serve` that does the least an OpenEnv
 * server must do (read and parse the JSON request, serialise and answer a JSON body) and nothing
 * else, over HTTP and over a WebSocket. Its answers are recorded ones: `BODIES.json` is a list of
 * episodes `[{reset, steps: [...]}]` of parsed HTTP replies of the real server; a reset request
 * (a body without `action`) gets the next episode's reset reply, a step request (a body with
 * `action`) the episode's next step reply (the last one again past its end), so a client that
 * plays the same protocol (reset, steps until `done`, reset) moves exactly the bytes it moves
 * with the real server. A recording of one episode of one step is a ceiling answering one fixed
 * body. `WS_BODIES.json` (optional) is the same for `/ws` frames: a WebSocket upgrade (any path)
 * gets a socket whose `{"type":"reset"}` messages are answered with the next episode's recorded
 * reset frame and every other message with its next step frame (`Deno.upgradeWebSocket`, the
 * WebSocket our server uses). Prints `Listening on http://127.0.0.1:PORT/` once up.
 *
 * ```sh
 * deno run --allow-net --allow-read scripts/server/bare_ceiling.ts BODIES.json [WS_BODIES.json]
 * ```
 *
 * @module
 */
type Recording = { reset: unknown; steps: unknown[] }[];

/** Answers a conversation from `episodes` (resets start the next episode; see the module doc). */
function replayer(episodes: Recording): (isReset: boolean) => unknown {
  let episode = episodes.length - 1, step = 0;
  return (isReset) => {
    if (isReset) {
      episode = (episode + 1) % episodes.length;
      step = 0;
      return episodes[episode].reset;
    }
    const steps = episodes[episode].steps;
    return steps[Math.min(step++, steps.length - 1)];
  };
}

const http = replayer(JSON.parse(await Deno.readTextFile(Deno.args[0])));
const ws: Recording | null = Deno.args[1]
  ? JSON.parse(await Deno.readTextFile(Deno.args[1]))
  : null;
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.error(`Listening on http://127.0.0.1:${port}/`),
}, async (request) => {
  if (ws && request.headers.get("upgrade")?.toLowerCase() === "websocket") {
    const { socket, response } = Deno.upgradeWebSocket(request);
    const next = replayer(ws);
    socket.onmessage = (event) => {
      const parsed = JSON.parse(event.data);
      socket.send(JSON.stringify(next(parsed?.type === "reset")));
    };
    return response;
  }
  const parsed = await request.json();
  if (typeof parsed !== "object" || parsed === null) return new Response(null, { status: 400 });
  // A reset is told apart by its body (no URL to read): it has no `action`.
  return new Response(JSON.stringify(http(!("action" in parsed))), {
    headers: { "content-type": "application/json" },
  });
});
