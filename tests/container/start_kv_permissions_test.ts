/**
 * The permissions `deno task start` (and the container image) grants the server for the alert
 * store `ALERT_TRIAGE_KV_PATH`: unit checks of `kvPermissions`/`serveCommand`, and real
 * `Deno.openKv` calls under exactly those flags, which must get past Deno's permission checks for
 * a remote KV (its URL, `DENO_KV_ACCESS_TOKEN`, and the data endpoint a KV Connect server names on
 * another host, allowed by `ALERT_TRIAGE_KV_ALLOW_NET`) and for a file outside `./data`.
 *
 * @module
 */
import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { kvPermissions, serveCommand, startAddress } from "../../cli/start.ts";
import { UsageError } from "../../cli/_usage.ts";

const env = (vars: Record<string, string>) => (name: string) => vars[name];
const address = { port: 8000, hostname: "0.0.0.0" };

Deno.test("kvPermissions: nothing extra for ./data and :memory:, a directory, or a remote host", () => {
  const none = { net: [], env: [], paths: [] };
  deepEqual(kvPermissions(env({})), none);
  deepEqual(kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "./data/ingest.kv" })), none);
  deepEqual(kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "data/sub/a.kv" })), none);
  deepEqual(kvPermissions(env({ ALERT_TRIAGE_KV_PATH: ":memory:" })), none);
  deepEqual(kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "/var/lib/triage/ingest.kv" })), {
    net: [],
    env: [],
    paths: ["/var/lib/triage"],
  });
  deepEqual(kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "datastore.kv" })).paths, ["."]);
  deepEqual(kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "./database/x.kv" })).paths, ["./database"]);
  deepEqual(
    kvPermissions(env({
      ALERT_TRIAGE_KV_PATH: "https://api.deno.com/databases/abc/connect",
      ALERT_TRIAGE_KV_ALLOW_NET: " us-east.example.net , ,eu.example.net:8443",
    })),
    {
      net: ["api.deno.com", "us-east.example.net", "eu.example.net:8443"],
      env: ["DENO_KV_ACCESS_TOKEN"],
      paths: [],
    },
  );
  throws(() => kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "http://[bad" })), UsageError);
  throws(() => kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "/a,/etc/x.kv" })), /comma/);
});

Deno.test("serveCommand widens only the flags the store needs, and passes --cached-only on", () => {
  deepEqual(serveCommand(address), [
    "serve",
    "--port",
    "8000",
    "--host",
    "0.0.0.0",
    "--allow-net=0.0.0.0:8000",
    "--allow-env=ALERT_TRIAGE_*",
    "--allow-read=./data,./policies",
    "--allow-write=./data",
    "cli/server.ts",
  ]);
  const kv = kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "http://kv.internal:4512/" }));
  const args = serveCommand(address, "cli/server.ts", { cachedOnly: true, kv });
  equal(args[1], "--cached-only");
  ok(args.includes("--allow-net=0.0.0.0:8000,kv.internal:4512"));
  ok(args.includes("--allow-env=ALERT_TRIAGE_*,DENO_KV_ACCESS_TOKEN"));
  const file = kvPermissions(env({ ALERT_TRIAGE_KV_PATH: "/srv/kv/a.kv" }));
  ok(serveCommand(address, "cli/server.ts", { kv: file }).includes("--allow-write=./data,/srv/kv"));
  // the launcher accepts --cached-only next to the address flags
  deepEqual(startAddress(["--cached-only", "--port", "9000"], env({})), {
    port: 9000,
    hostname: "0.0.0.0",
  });
});

/**
 * Runs Deno.openKv(path), one read and one write under the permission flags serveCommand grants; prints
 * "ok", the error, or "pending" when the store is still retrying after 3 s (a remote endpoint
 * that answers errors: the client retries, so past every permission check).
 */
async function openKvUnder(vars: Record<string, string>, widen = true): Promise<string> {
  const kv = widen ? kvPermissions(env(vars)) : undefined;
  const flags = serveCommand(address, "x.ts", { kv }).filter((a) => /^--allow-/.test(a));
  const script = await Deno.makeTempFile({ prefix: "open-kv-", suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    `const pending = new Promise((r) => setTimeout(() => r("pending"), 3000));
    const attempt = (async () => {
      const kv = await Deno.openKv(Deno.env.get("ALERT_TRIAGE_KV_PATH"));
      await kv.get(["probe"]);
      await kv.set(["probe"], 1);
      return "ok";
    })().catch((e) => e.name + ": " + e.message.split("\\n")[0]);
    console.log(await Promise.race([attempt, pending]));
    Deno.exit(0);`,
  );
  try {
    // deno run, not deno eval: eval grants every permission
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", "--unstable-kv", ...flags, script],
      env: { NO_COLOR: "1", DENO_KV_ACCESS_TOKEN: "smoke-token", ...vars },
      stderr: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  } finally {
    await Deno.remove(script);
  }
}

Deno.test({
  name: "the granted flags let Deno.openKv reach a remote KV and its data endpoint host",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    // a KV Connect metadata endpoint naming its data endpoint on another loopback host
    const dataRequests: string[] = [];
    const data = Deno.serve({ hostname: "127.0.0.2", port: 0, onListen() {} }, (req) => {
      dataRequests.push(new URL(req.url).pathname);
      return new Response("unavailable", { status: 503 });
    });
    const dataHost = `127.0.0.2:${data.addr.port}`;
    const meta = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, () =>
      Response.json({
        version: 3,
        databaseId: "00000000-0000-4000-8000-000000000000",
        endpoints: [{ url: `http://${dataHost}/v3`, consistency: "strong" }],
        token: "t",
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }));
    const url = `http://127.0.0.1:${meta.addr.port}/connect`;
    try {
      // without ALERT_TRIAGE_KV_ALLOW_NET the data endpoint host is refused by the permissions
      match(
        await openKvUnder({ ALERT_TRIAGE_KV_PATH: url }),
        new RegExp(`NotCapable.*${dataHost}`),
      );
      equal(dataRequests.length, 0);
      // with it, the permissions pass and the client talks to the (failing) data endpoint
      const reached = await openKvUnder({
        ALERT_TRIAGE_KV_PATH: url,
        ALERT_TRIAGE_KV_ALLOW_NET: dataHost,
      });
      ok(!/NotCapable|PermissionDenied/.test(reached), reached);
      ok(dataRequests.length > 0, `the data endpoint was never called (${reached})`);
    } finally {
      await meta.shutdown();
      await data.shutdown();
    }
  },
});

Deno.test("the granted flags let Deno.openKv write a store outside ./data", async () => {
  const dir = await Deno.makeTempDir({ prefix: "kv-outside-data-" });
  try {
    const vars = { ALERT_TRIAGE_KV_PATH: `${dir}/ingest.kv` };
    match(await openKvUnder(vars, false), /NotCapable/);
    equal(await openKvUnder(vars), "ok");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
