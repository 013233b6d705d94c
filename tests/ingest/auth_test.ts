import assert from "node:assert/strict";
import { checkBearer, constantTimeEqual, hmacHex, verifySignature } from "../../src/ingest/auth.ts";
import { alertmanagerExample } from "./fixtures.ts";
import { ingestHarness } from "./http_helpers.ts";

const TOKEN = "tok-3f9a1c77e2b04d5e9a8b";
const SECRET = "hmac-secret-b6d1e0c2";

Deno.test("checkBearer() accepts only the configured token, and anything when none is set", async () => {
  assert.equal(await checkBearer(`Bearer ${TOKEN}`, TOKEN), null);
  assert.equal(await checkBearer(`bearer   ${TOKEN} `, TOKEN), null);
  assert.equal((await checkBearer(`Bearer ${TOKEN}x`, TOKEN))?.status, 401);
  assert.equal((await checkBearer(`Basic ${TOKEN}`, TOKEN))?.status, 401);
  assert.equal((await checkBearer(undefined, TOKEN))?.status, 401);
  assert.equal(await checkBearer(undefined, undefined), null);
  assert.ok(await constantTimeEqual("", ""));
  assert.ok(!(await constantTimeEqual("a", "ab")));
});

Deno.test("verifySignature() checks sha256=<hex> HMACs of the exact raw bytes", async () => {
  const body = new TextEncoder().encode('{"title":"x"}');
  const hex = await hmacHex(SECRET, body);
  // RFC 4231-style known answer for the key/message pair used in the auth.ts example.
  const fox = await hmacHex(
    "key",
    new TextEncoder().encode("The quick brown fox jumps over the lazy dog"),
  );
  assert.equal(fox, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  assert.equal(await verifySignature(body, `sha256=${hex}`, SECRET), null);
  assert.equal(await verifySignature(body, hex.toUpperCase(), SECRET), null);
  assert.equal((await verifySignature(body, `sha256=${hex}`, "other"))?.status, 403);
  const tampered = new TextEncoder().encode('{"title":"y"}');
  assert.equal((await verifySignature(tampered, `sha256=${hex}`, SECRET))?.status, 403);
  assert.equal((await verifySignature(body, "sha1=abc", SECRET))?.status, 403);
  assert.equal((await verifySignature(body, undefined, SECRET))?.status, 403);
  assert.equal(await verifySignature(body, undefined, undefined), null);
});

Deno.test("POST /ingest/alerts answers 401 without the bearer token and 202 with it", async () => {
  const h = await ingestHarness({ token: TOKEN });
  const none = await h.post("/ingest/alerts", alertmanagerExample());
  assert.equal(none.status, 401);
  assert.match(none.headers.get("www-authenticate") ?? "", /^Bearer/);
  const wrong = await h.post("/ingest/alerts", alertmanagerExample(), {
    authorization: "Bearer nope",
  });
  assert.equal(wrong.status, 401);
  assert.equal((await h.get("/ingest/alerts")).status, 401, "reading needs the token too");
  assert.equal((await h.store.stats()).total, 0);
  const ok = await h.post("/ingest/alerts", alertmanagerExample(), {
    authorization: `Bearer ${TOKEN}`,
  });
  assert.equal(ok.status, 202);
  assert.equal((await h.get("/ingest/alerts", { authorization: `Bearer ${TOKEN}` })).status, 200);
  h.close();
});

Deno.test("POST /ingest/alerts answers 403 for a missing or wrong HMAC signature", async () => {
  const h = await ingestHarness({ hmacSecret: SECRET });
  const text = JSON.stringify(alertmanagerExample());
  const sig = await hmacHex(SECRET, new TextEncoder().encode(text));
  assert.equal((await h.post("/ingest/alerts", text)).status, 403);
  const bad = await h.post("/ingest/alerts", text.replace("critical", "warning"), {
    "x-signature": `sha256=${sig}`,
  });
  assert.equal(bad.status, 403);
  assert.match(bad.body.detail, /does not match the body/);
  assert.equal((await h.store.stats()).total, 0);
  assert.equal(
    (await h.post("/ingest/alerts", text, { "x-signature": `sha256=${sig}` })).status,
    202,
  );
  const gh = await h.post("/ingest/alerts", text, { "x-hub-signature-256": `sha256=${sig}` });
  assert.equal(gh.status, 202, "the GitHub-style header is accepted too");
  h.close();
});

Deno.test("the ingest token and HMAC secret never appear in responses or log lines", async () => {
  // Interval 0: every refusal is logged at once, so every log line is checked for leaks.
  const h = await ingestHarness({ token: TOKEN, hmacSecret: SECRET, rejectionLogIntervalMs: 0 });
  const text = JSON.stringify(alertmanagerExample());
  const sig = await hmacHex(SECRET, new TextEncoder().encode(text));
  const outputs: string[] = [];
  const headerSets: Record<string, string>[] = [
    {},
    { authorization: `Bearer ${TOKEN}x` },
    { authorization: `Bearer ${TOKEN}` },
    { authorization: `Bearer ${TOKEN}`, "x-signature": "sha256=" + "0".repeat(64) },
    { authorization: `Bearer ${TOKEN}`, "x-signature": `sha256=${sig}` },
  ];
  for (const headers of headerSets) {
    outputs.push((await h.post("/ingest/alerts", text, headers)).text);
    outputs.push((await h.post("/ingest/alerts", "{oops", headers)).text);
    outputs.push((await h.get("/ingest/alerts?status=bad", headers)).text);
    outputs.push((await h.get("/ingest/alerts", headers)).text);
  }
  assert.ok(h.logs.length >= 10);
  for (const out of [...outputs, ...h.logs]) {
    assert.ok(!out.includes(TOKEN.slice(4)), `token leaked: ${out}`);
    assert.ok(!out.includes(SECRET.slice(5)), `secret leaked: ${out}`);
  }
  assert.equal((await h.store.stats()).total, 1);
  h.close();
});
