/**
 * The HTTP ceiling of `deno task bench:wire`: a bare `Deno.serve` that does the least a `/step`
 * must do (read and parse the JSON request, answer a JSON body of the same size as a real
 * `/step` reply) and nothing else. Prints `Listening on http://127.0.0.1:PORT/` once up.
 *
 * ```sh
 * deno run --allow-net --allow-read scripts/server/bare_ceiling.ts BODY.json
 * ```
 *
 * @module
 */
const body = JSON.parse(await Deno.readTextFile(Deno.args[0]));
Deno.serve({
  port: 0,
  hostname: "127.0.0.1",
  onListen: ({ port }) => console.error(`Listening on http://127.0.0.1:${port}/`),
}, async (request) => {
  const parsed = await request.json();
  if (typeof parsed !== "object" || parsed === null) return new Response(null, { status: 400 });
  return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
});
