/**
 * `POST /step` and `POST /reset` answered before the router (`src/server/direct_step.ts`) are
 * indistinguishable from the routes through Hono: same status, body bytes, header names in
 * order, content type and session header (and a session token exactly when the route answers
 * one), for good requests and for every kind of bad one, on two apps driven alike.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { createApp } from "../../src/server/app.ts";

const H = { "content-type": "application/json" };

function request(path: string, body: string, headers: Record<string, string> = {}): Request {
  return new Request(`http://127.0.0.1${path}`, {
    method: "POST",
    body,
    headers: { ...H, "content-length": String(new TextEncoder().encode(body).length), ...headers },
  });
}

async function snapshot(res: Response) {
  return {
    status: res.status,
    body: await res.text(),
    names: [...res.headers.keys()],
    type: res.headers.get("content-type"),
    session: res.headers.get("x-session-id"),
    token: res.headers.has("x-session-token"),
    retry: res.headers.get("retry-after"),
    connection: res.headers.get("connection"),
  };
}

Deno.test("direct /step answers exactly like the routed /step", async () => {
  const direct = createApp({ maxSessions: 4 });
  const routed = createApp({ maxSessions: 4 });
  const both = async (path: string, body: string, headers?: Record<string, string>) => {
    const a = await snapshot(await direct.fetch(request(path, body, headers)));
    const b = await snapshot(await routed.app.fetch(request(path, body, headers)));
    assert.deepEqual(a, b, `${path} ${body.slice(0, 80)}`);
    return a;
  };
  try {
    assert.equal((await both("/step", '{"action":{"decisions":[]}}')).status, 409);
    await both("/reset", '{"seed":7,"task_id":"hard"}');
    const ok = await both("/step", '{"action":{"decisions":[]}}');
    assert.equal(ok.status, 200);
    assert.equal(ok.session, "default");
    const first = JSON.parse(ok.body).observation.alerts[0].id;
    for (
      const body of [
        "",
        "{",
        "[]",
        "{}",
        '{"action":null}',
        '{"action":{"decisions":"all"}}',
        `{"action":{"alert_id":"${first}","action_type":"PANIC"}}`,
        '{"action":{"alert_id":"A999999","action_type":"IGNORE"}}',
        '{"action":{"decisions":[]},"extra":1}',
        '{"action":{"decisions":[]},"session_id":"no such"}',
        '{"action":{"decisions":[]},"session_id":"ghost"}',
        "\u00ff\u00fe",
      ]
    ) {
      const r = await both("/step", body);
      assert.ok(r.status < 500, `${body}: ${r.status}`);
    }
    await both("/step", '{"action":{"decisions":[]}}', { "x-session-id": "other" });
    // Resets: good, bad and named ones (created with a token; then the token is required).
    for (
      const body of [
        "",
        "{}",
        "[]",
        "null",
        '{"seed":"12"}',
        '{"seed":-1}',
        '{"seed":1.5}',
        '{"task_id":"nope"}',
        '{"task_id":"easy","seed":3,"episode_id":"e1","agent":"me"}',
        '{"source":"bogus"}',
        '{"replay":{"limit":5}}',
        '{"session_id":"bad id!"}',
        '{"seed":2,"task_id":"hard","extra":[1,2]}',
      ]
    ) {
      const r = await both("/reset", body);
      assert.ok(r.status < 500, `reset ${body}: ${r.status}`);
    }
    const created = await both("/reset", '{"seed":4}', { "x-session-id": "named" });
    assert.equal(created.status, 200);
    assert.ok(created.token, "a reset creating a named session answers its token");
    assert.equal((await both("/reset", "{}", { "x-session-id": "named" })).status, 403);
    await both("/reset", '{"session_id":"named2","seed":5}', { "x-agent-name": "agent-x" });
    await both("/reset?session_id=q1", '{"seed":6}', { "x-session-id": "q2" });
    await both("/reset?session_id=q1", '{"seed":1}');
    await both("/reset", '{"seed":7,"task_id":"hard"}');
    await both("/step?session_id=default", '{"action":{"decisions":[]}}');
    await both("/step", '{"action":{"decisions":[]}}', { "x-session-id": "bad id!" });
    await fc.assert(
      fc.asyncProperty(fc.json(), async (body) => {
        const r = await both("/step", `{"action":${body}}`);
        assert.ok(r.status < 500);
      }),
      { numRuns: 150, seed: 3 },
    );
    // Play on to the end of the episode on both apps: identical bytes every step.
    for (let i = 0; i < 60; i++) {
      const r = await both("/step", `{"action":{"decisions":[]}}`);
      if (r.status !== 200) break;
    }
    assert.deepEqual(
      direct.metrics.errors,
      routed.metrics.errors,
      "the same errors are counted on both paths",
    );
  } finally {
    direct.close();
    routed.close();
  }
});

Deno.test("direct /step leaves oversized and chunked bodies to the router's body limit", async () => {
  const app = createApp({ maxSessions: 2, maxBodyBytes: 1024 });
  try {
    const big = JSON.stringify({ action: { decisions: [] }, pad: "x".repeat(2000) });
    const res = await app.fetch(request("/step", big));
    assert.equal(res.status, 413);
    await res.body?.cancel();
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"action":{"decisions":[]}}'));
        c.close();
      },
    });
    const chunked = await app.fetch(
      new Request("http://127.0.0.1/step", { method: "POST", body: stream, headers: H }),
    );
    assert.equal(chunked.status, 409); // no episode yet: answered by the routed handler
    await chunked.body?.cancel();
  } finally {
    app.close();
  }
});

/** Sends one raw HTTP/1.1 request and reads the whole response (head and `Content-Length` body). */
async function rawExchange(port: number, path: string, body: string, extra = ""): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const bytes = new TextEncoder().encode(body);
    await conn.write(new TextEncoder().encode(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${bytes.length}\r\n${extra}\r\n`,
    ));
    await conn.write(bytes);
    let text = "";
    const buf = new Uint8Array(65536);
    for (;;) {
      const end = text.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (end >= 0 && length !== undefined && text.length >= end + 4 + Number(length)) break;
      const n = await conn.read(buf);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return text
      .replace(/^date: .*$/gim, "date: (now)")
      .replace(/^(x-session-token: ).*$/gim, "$1(secret)");
  } finally {
    conn.close();
  }
}

Deno.test("direct /step and /reset put the routes' exact bytes on the wire", async () => {
  const direct = createApp({ maxSessions: 4 });
  const routed = createApp({ maxSessions: 4 });
  const a = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, direct.fetch);
  const b = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, routed.app.fetch);
  try {
    const exchanges: [string, string, string?][] = [
      ["/step", '{"action":{"decisions":[]}}'],
      ["/reset", '{"seed":3,"task_id":"hard"}'],
      ["/step", '{"action":{"decisions":[]}}'],
      ["/step", '{"action":{"decisions":"x"}}'],
      ["/step", "{"],
      ["/reset", '{"seed":-1}'],
      ["/reset", '{"seed":5}', "X-Session-Id: wire\r\n"],
      ["/step", '{"action":{"decisions":[]}}', "X-Session-Id: wire\r\n"],
      ["/step", '{"action":{"decisions":[]}}', "X-Session-Id: ghost\r\n"],
    ];
    for (const [path, body, extra] of exchanges) {
      const got = await rawExchange(a.addr.port, path, body, extra);
      const want = await rawExchange(b.addr.port, path, body, extra);
      assert.equal(got, want, `${path} ${body}`);
      assert.match(got, /^HTTP\/1\.1 \d{3} /);
    }
  } finally {
    await a.shutdown();
    await b.shutdown();
    direct.close();
    routed.close();
  }
});
