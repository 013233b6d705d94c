import { deepEqual, equal, match, ok, throws } from "node:assert/strict";
import { DEFAULT_OPTIONS, ENV_VARS, optionsFromEnv } from "../../src/server/server_config.ts";
import { fieldToLoc } from "../../src/server/http_errors.ts";
import { MAX_AGENT_LABELS, Metrics } from "../../src/server/metrics.ts";
import { parseJsonBytes } from "../../src/server/body.ts";
import { parseServeArgs } from "../../cli/server_compiled.ts";
import { HttpError } from "../../src/server/http_errors.ts";
import { ruleBaseline } from "../../src/server/baseline.ts";

Deno.test("optionsFromEnv reads ALERT_TRIAGE_* variables over the defaults and rejects bad values", () => {
  deepEqual(
    { ...optionsFromEnv(() => undefined), now: null },
    { ...DEFAULT_OPTIONS, now: null },
  );
  const env: Record<string, string> = {
    [ENV_VARS.maxSessions]: "12",
    [ENV_VARS.sessionIdleSeconds]: "0",
    [ENV_VARS.maxBodyBytes]: "2048",
    [ENV_VARS.defaultTask]: "hard",
  };
  const o = optionsFromEnv((k) => env[k]);
  deepEqual([o.maxSessions, o.sessionIdleSeconds, o.maxBodyBytes, o.defaultTask], [
    12,
    0,
    2048,
    "hard",
  ]);
  throws(() => optionsFromEnv((k) => k === ENV_VARS.maxSessions ? "0" : undefined), /MAX_SESSIONS/);
  throws(() => optionsFromEnv((k) => k === ENV_VARS.maxBodyBytes ? "abc" : undefined), RangeError);
  throws(() => optionsFromEnv((k) => k === ENV_VARS.defaultTask ? "x" : undefined), /DEFAULT_TASK/);
});

Deno.test("fieldToLoc splits InvalidActionError fields into FastAPI locs", () => {
  deepEqual(fieldToLoc("decisions[2].alert_id"), ["decisions", 2, "alert_id"]);
  deepEqual(fieldToLoc("action_type"), ["action_type"]);
  deepEqual(fieldToLoc("decisions"), ["decisions"]);
  deepEqual(fieldToLoc("action"), []);
  deepEqual(fieldToLoc("codes[0]"), ["codes", 0]);
});

Deno.test("parseJsonBytes: empty is undefined, bad UTF-8 and bad JSON are 400, deep nesting parses", () => {
  const enc = new TextEncoder();
  equal(parseJsonBytes(enc.encode("  ")), undefined);
  deepEqual(parseJsonBytes(enc.encode('{"a":[1]}')), { a: [1] });
  for (const bytes of [new Uint8Array([0xc3, 0x28]), enc.encode("{"), enc.encode("1e")]) {
    throws(() => parseJsonBytes(bytes), (e: unknown) => e instanceof HttpError && e.status === 400);
  }
  ok(Array.isArray(parseJsonBytes(enc.encode("[".repeat(100000) + "]".repeat(100000)))));
});

Deno.test("parseJsonBytes answers as the strict decoder and JSON.parse do, ASCII fast path or not", () => {
  const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  const reference = (bytes: Uint8Array) => {
    let text: string;
    try {
      text = decoder.decode(bytes);
    } catch {
      return "utf8";
    }
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text);
    } catch (err) {
      return `json: ${(err as Error).message}`;
    }
  };
  const ours = (bytes: Uint8Array) => {
    try {
      return parseJsonBytes(bytes);
    } catch (err) {
      const detail = (err as HttpError).detail as { type: string; msg: string }[];
      return detail[0].type === "utf8_invalid"
        ? "utf8"
        : detail[0].msg.replace("JSON decode error: ", "json: ");
    }
  };
  const enc = new TextEncoder();
  const bodies = [
    "",
    " \t\n",
    "{}",
    '{"action":{"decisions":[]}}',
    '"\u00e9"',
    "\u00e9",
    '{"a":"\u{1F600}"}',
    "\ufeff{}",
    "x".repeat(1024),
    `"${"x".repeat(1030)}"`,
    `["${"é".repeat(600)}"]`,
  ].map((t) => enc.encode(t));
  bodies.push(new Uint8Array([0x7b, 0x7d, 0x80]), new Uint8Array([0xef, 0xbb, 0xbf, 0x31]));
  bodies.push(new Uint8Array([0x22, 0xf0, 0x90, 0x80, 0x22]), new Uint8Array([0x31, 0xff]));
  for (let i = 0; i < 300; i++) {
    bodies.push(
      Uint8Array.from({ length: i % 40 }, (_, j) => (i * 31 + j * 17) % (i % 3 ? 128 : 256)),
    );
  }
  for (const b of bodies) deepEqual(ours(b), reference(b), JSON.stringify([...b]));
});

Deno.test("Metrics escapes label values; agent labels age out least recently updated first", () => {
  const m = new Metrics();
  m.recordEpisode("easy", 'a"b\\c\nd\re\u2028f', 0.5, true);
  match(m.prometheus({ http: 0, ws: 0 }), /agent="a\\"b\\\\c\\nd\ufffde\ufffdf"/);
  m.recordEpisode("hard", "keeper", 0.1, false);
  for (let i = 0; i < MAX_AGENT_LABELS + 5; i++) {
    m.recordEpisode("easy", `agent${i}`, 0.25, false);
    if (i % 8 === 0) m.recordEpisode("hard", "keeper", 0.1, false); // kept fresh: never ages out
  }
  const easy = m.scores.get("easy")!;
  const hard = m.scores.get("hard")!;
  equal(easy.size + hard.size, MAX_AGENT_LABELS);
  ok(!easy.has('a"b\\c\nd\re\u2028f') && !easy.has("agent0") && !easy.has("other"));
  ok(easy.has(`agent${MAX_AGENT_LABELS + 4}`));
  equal(hard.get("keeper")!.episodes, 10);
  m.recordEpisode("easy", "agent0", 1, true); // an aged-out agent starts afresh
  equal(easy.get("agent0")!.episodes, 1);
});

Deno.test("the step latency histogram is cumulative and counts every step", () => {
  const m = new Metrics();
  for (const s of [0.000001, 0.00003, 0.003, 5]) m.recordStep("hard", s);
  const lat = m.latency();
  equal(lat.count, 4);
  equal(lat.buckets[0], 1);
  equal(lat.buckets.at(-1), 3);
  ok(lat.buckets.every((n, i) => i === 0 || n >= lat.buckets[i - 1]));
});

Deno.test("ruleBaseline scores every task with wire scores in (0, 1)", () => {
  const b = ruleBaseline(2);
  deepEqual(Object.keys(b), ["easy", "medium", "hard"]);
  for (const s of Object.values(b)) ok(s.mean >= 0.001 && s.mean <= 0.999 && s.episodes === 2);
});

Deno.test("parseServeArgs reads --port and --host and rejects anything else", () => {
  deepEqual(parseServeArgs([]), { port: 8000, hostname: "0.0.0.0" });
  deepEqual(parseServeArgs(["--port", "0", "--host=127.0.0.1"]), {
    port: 0,
    hostname: "127.0.0.1",
  });
  throws(() => parseServeArgs(["--port", "70000"]), RangeError);
  throws(() => parseServeArgs(["--parallel"]), /unknown argument/);
});
