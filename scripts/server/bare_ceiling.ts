/**
 * The HTTP ceiling of `deno task bench:wire`: a bare `Deno.serve` that does the least an OpenEnv
 * HTTP server must do (read and parse the JSON request, serialise and answer a JSON body) and
 * nothing else. Its answers are recorded ones: `BODIES.json` is a list of episodes
 * `[{reset, steps: [...]}]` of parsed replies of the real server; a reset request (a body without
 * `action`) gets the next episode's reset reply, a step request (a body with `action`) the
 * episode's next step reply (the last one again past its end), so a client that plays the same
 * protocol (reset, steps until `done`, reset) moves exactly the bytes it moves with the real
 * server. A recording of one episode of one step is a ceiling answering one fixed body. Prints
 * `Listening on http://127.0.0.1:PORT/` once up.
 *
 * ```sh
 * deno run --allow-net --allow-read scripts/server/bare_ceiling.ts BODIES.json
 * ```
 *
 * @module
 */
const episodes: { reset: unknown; steps: unknown[] }[] = JSON.parse(
  await Deno.readTextFile(Deno.args[0]),
);
let episode = episodes.length - 1, step = 0;
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.error(`Listening on http://127.0.0.1:${port}/`),
}, async (request) => {
  const parsed = await request.json();
  if (typeof parsed !== "object" || parsed === null) return new Response(null, { status: 400 });
  let body: unknown;
  if (!("action" in parsed)) { // a reset (told apart by its body: no URL to read)
    episode = (episode + 1) % episodes.length;
    step = 0;
    body = episodes[episode].reset;
  } else {
    const steps = episodes[episode].steps;
    body = steps[Math.min(step++, steps.length - 1)];
  }
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
});
