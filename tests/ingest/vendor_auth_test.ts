/**
 * Per-vendor authentication: Grafana's signed webhook (a real fixture, signed per Grafana's
 * scheme), PagerDuty's routing key standing in for the token, the bearer token for senders that
 * cannot sign, and either credential being enough when both are configured.
 */
import assert from "node:assert/strict";
import { authenticate, hmacHex, MAX_SIGNATURE_AGE_S } from "../../src/ingest/auth.ts";
import { ingestHarness } from "./http_helpers.ts";
import { fixtureText } from "./real_fixtures.ts";

const TOKEN = "tok-7d1f0b3c9a2e";
const SECRET = "grafana-hmac-5e8c";
const enc = new TextEncoder();

/** Grafana's signature (grafana/alerting http/hmac.go): hex HMAC-SHA256 of `<ts>:<body>`. */
async function grafanaHeaders(body: string, ts: number, secret = SECRET) {
  const sig = await hmacHex(secret, enc.encode(`${ts}:${body}`));
  return { "x-grafana-alerting-signature": sig, "x-grafana-alerting-timestamp": String(ts) };
}

Deno.test("a Grafana-signed webhook (real fixture, timestamped signature) is stored; tampering is 403", async () => {
  const h = await ingestHarness({ token: TOKEN, hmacSecret: SECRET });
  const body = fixtureText("grafana_11_values.json");
  const now = Date.UTC(2026, 7, 20, 10) / 1000; // the harness clock (+1 s per request)
  const ok = await h.post("/ingest/alerts/grafana", body, await grafanaHeaders(body, now));
  assert.equal(ok.status, 202, ok.text);
  assert.deepEqual(
    [ok.body.source, ok.body.results[0].outcome, ok.body.dedup_key],
    ["grafana", "created", "e6349a25f5ef0e9e"],
  );
  const [a] = (await h.get("/ingest/alerts", { authorization: `Bearer ${TOKEN}` })).body.alerts;
  assert.deepEqual(
    [a.alert_type, a.visible_severity, a.service, a.status],
    ["MEMORY", 0.5, "node", "firing"],
  );

  const tampered = body.replace("High memory usage", "Low memory usage");
  const bad = await h.post("/ingest/alerts/grafana", tampered, await grafanaHeaders(body, now));
  assert.equal(bad.status, 403);
  const wrongTs = await h.post("/ingest/alerts/grafana", body, {
    ...await grafanaHeaders(body, now),
    "x-grafana-alerting-timestamp": String(now + 1),
  });
  assert.equal(wrongTs.status, 403, "the timestamp is part of what is signed");
  const stale = now - MAX_SIGNATURE_AGE_S - 60;
  const old = await h.post("/ingest/alerts/grafana", body, await grafanaHeaders(body, stale));
  assert.equal(old.status, 403);
  assert.match(old.body.detail, /server clock/);
  const otherKey = await h.post("/ingest/alerts", body, await grafanaHeaders(body, now, "nope"));
  assert.equal(otherKey.status, 403);
  assert.equal((await h.store.stats()).total, 1, "refused bodies wrote nothing");
  h.close();
});

Deno.test("Grafana's signature without a timestamp header covers the body alone (both header names)", async () => {
  const h = await ingestHarness({ hmacSecret: SECRET });
  const body = fixtureText("grafana_docs_two_firing.json");
  const sig = await hmacHex(SECRET, enc.encode(body));
  for (const header of ["x-grafana-alerting-signature", "x-grafana-alert-signature"]) {
    const r = await h.post("/ingest/alerts", body, { [header]: sig });
    assert.equal(r.status, 202, header);
  }
  assert.equal((await h.post("/ingest/alerts", body)).status, 403, "unsigned: 403");
  h.close();
});

Deno.test("senders that cannot sign use the bearer token even when an HMAC secret is set", async () => {
  const h = await ingestHarness({ token: TOKEN, hmacSecret: SECRET });
  const am = fixtureText("alertmanager_zulip_two_firing.json");
  const none = await h.post("/ingest/alerts/alertmanager", am);
  assert.equal(none.status, 401);
  assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  const bearer = await h.post("/ingest/alerts/alertmanager", am, {
    authorization: `Bearer ${TOKEN}`,
  });
  assert.equal(bearer.status, 202);
  const badSig = await h.post("/ingest/alerts/alertmanager", am, {
    authorization: `Bearer ${TOKEN}`,
    "x-signature": "sha256=" + "0".repeat(64),
  });
  assert.equal(badSig.status, 403, "a presented signature must match, token or not");
  h.close();
});

Deno.test("a PagerDuty sender authenticates with routing_key = the ingest token (PagerDuty routes only)", async () => {
  const h = await ingestHarness({ token: TOKEN });
  const event = JSON.parse(fixtureText("pagerduty_docs_trigger.json"));
  const withKey = JSON.stringify({ ...event, routing_key: TOKEN });
  for (
    const path of ["/v2/enqueue", "/ingest/alerts/pagerduty/v2/enqueue", "/ingest/alerts/pagerduty"]
  ) {
    const r = await h.post(path, withKey);
    assert.equal(r.status, 202, path);
  }
  assert.equal(
    (await h.post("/v2/enqueue", JSON.stringify(event))).status,
    401,
    "wrong routing key",
  );
  assert.equal((await h.post("/ingest/alerts", withKey)).status, 401, "not on the generic route");
  const [a] = (await h.get("/ingest/alerts", { authorization: `Bearer ${TOKEN}` })).body.alerts;
  assert.equal(a.raw.routing_key, "[redacted]", "the token is never stored");
  assert.ok(h.logs.every((l) => !l.includes(TOKEN)));
  h.close();
});

Deno.test("authenticate(): nothing configured passes; each credential alone is enough", async () => {
  const req = (headers: Record<string, string>, body = "{}") => ({
    header: (n: string) => headers[n.toLowerCase()],
    body: () => Promise.resolve(enc.encode(body)),
  });
  const now = () => 1_700_000_000_000;
  assert.equal(await authenticate(req({}), {}, now), null);
  assert.equal((await authenticate(req({}), { hmacSecret: "s" }, now))?.status, 403);
  assert.equal((await authenticate(req({}), { token: "t", hmacSecret: "s" }, now))?.status, 401);
  const sig = await hmacHex("s", enc.encode("1700000000:{}"));
  const grafana = {
    "x-grafana-alerting-signature": sig,
    "x-grafana-alerting-signature-timestamp": "1700000000",
  };
  assert.equal(await authenticate(req(grafana), { token: "t", hmacSecret: "s" }, now), null);
  assert.equal(
    await authenticate(req({ authorization: "Bearer t" }), { token: "t", hmacSecret: "s" }, now),
    null,
  );
});
