/**
 * The web console's routes on a real loopback server: the pages and their static files (this
 * origin only, every file a page or module names is served), watch mode (validation, the same
 * trajectory and score as the same agent playing that seed through the HTTP API, refused while
 * that seed is being played), the leaderboard's numbers from the score store, and the OpenAPI
 * document and 405 answers derived from the same table.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { call, get, post, type TestServer, withServer } from "../server/helpers.ts";
import { RuleBasedAgent } from "../../src/agents/rule_based.ts";
import { meanInterval } from "../../src/eval/stats.ts";
import type { Observation } from "../../src/models.ts";
import { WEB_PAGES, webAsset, webAssetNames } from "../../src/web/assets.ts";
import { scoreInterval } from "../../src/web/leaderboard.ts";
import { CONTENT_SECURITY_POLICY } from "../../src/web/routes.ts";

/** A session of the seed API, sending back the session token when the server gives one. */
class Player {
  token: string | null = null;
  constructor(readonly server: TestServer, readonly id: string) {}
  headers(): Record<string, string> {
    const h: Record<string, string> = { "X-Session-Id": this.id };
    if (this.token) h["X-Session-Token"] = this.token;
    return h;
  }
  async reset(task: string, seed: number, agent: string) {
    const r = await post(`${this.server.url}/env/reset/${task}`, { seed, agent }, this.headers());
    assert.equal(r.status, 200, JSON.stringify(r.body));
    this.token = r.headers.get("X-Session-Token") ?? r.body.session_token ?? this.token;
    return r.body;
  }
  async step(action: unknown) {
    const r = await post(`${this.server.url}/env/step`, { action }, this.headers());
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
  /** Plays to the end with `act`; returns the last step's info. */
  async finish(first: { observation: Observation }, act: (o: Observation) => unknown) {
    let r = { ...first, done: false, info: {} as Record<string, unknown> };
    while (!r.done) r = await this.step(act(r.observation));
    return r.info;
  }
}

Deno.test("the pages, their files and modules are served from this origin only", async () => {
  await withServer(async (s) => {
    const redirect = await get(`${s.url}/web`);
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.get("location"), "web/", "relative: works under a prefix");
    for (const path of ["/web/", "/web/watch", "/web/leaderboard"]) {
      const r = await get(`${s.url}${path}`);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get("content-type")!, /^text\/html/);
      assert.equal(r.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY);
    }
    // Every file a page links and every module a module imports is served.
    const named = new Set<string>();
    for (const html of Object.values(WEB_PAGES)) {
      for (const m of html.matchAll(/(?:src|href)="static\/([^"]+)"/g)) named.add(m[1]);
    }
    for (const name of webAssetNames()) {
      const body = webAsset(name)!.body;
      for (const m of body.matchAll(/\bfrom "\.\/([^"]+)"/g)) {
        named.add(m[1]);
      }
    }
    assert.ok(named.has("figures.css") && named.has("play_view.js"));
    assert.equal(named.size, webAssetNames().length, "every file is used");
    for (const name of named) {
      const r = await get(`${s.url}/web/static/${name}`);
      assert.equal(r.status, 200, name);
      assert.equal(r.headers.get("content-type"), webAsset(name)!.type);
    }
    assert.equal((await get(`${s.url}/web/static/nope.js`)).status, 404);
    assert.equal((await get(`${s.url}/web/static/..%2Fassets.ts`)).status, 404);
    // No absolute URL to anywhere (the one string is the SVG namespace), no root-relative fetch.
    for (
      const text of [
        ...Object.values(WEB_PAGES),
        ...webAssetNames().map((n) => webAsset(n)!.body),
      ]
    ) {
      const urls = [...text.matchAll(/https?:\/\/[^\s"')]+/g)].map((m) => m[0]);
      assert.deepEqual(urls.filter((u) => u !== "http://www.w3.org/2000/svg"), []);
      assert.doesNotMatch(text, /(?:src|href)="\/|new URL\("\//);
    }
  });
});

Deno.test("watch: bad queries name the field (422), a POST gets 405 with Allow", async () => {
  await withServer(async (s) => {
    const cases: [string, string][] = [
      ["task=nope&seed=1&agent=rules", "task"],
      ["task=easy&seed=-1&agent=rules", "seed"],
      ["task=easy&seed=1.5&agent=rules", "seed"],
      ["task=easy&agent=rules", "seed"],
      ["task=easy&seed=1&agent=always-ignore", "agent"],
      ["task=easy&seed=1", "agent"],
    ];
    for (const [q, field] of cases) {
      const r = await get(`${s.url}/web/api/watch?${q}`);
      assert.equal(r.status, 422, q);
      assert.deepEqual(r.body.detail[0].loc, ["query", field], q);
    }
    const r = await call(`${s.url}/web/api/watch`, "POST");
    assert.equal(r.status, 405);
    assert.equal(r.headers.get("allow"), "GET");
  });
});

Deno.test("watch replays exactly what the same agent does on that seed through the API", async () => {
  await withServer(async (s) => {
    const seed = 5;
    const watched = await get(`${s.url}/web/api/watch?task=medium&seed=${seed}&agent=rules`);
    assert.equal(watched.status, 200);
    const w = watched.body;
    assert.equal(w.ticks.length, w.steps);
    assert.ok(w.truth.alerts.length > 0 && Array.isArray(w.truth.incidents));
    const p = new Player(s, "web-test-rules");
    const agent = new RuleBasedAgent();
    const first = await p.reset("medium", seed, "rules-over-http");
    let tick = 0;
    const info = await p.finish(first, (o) => {
      assert.deepEqual(o, w.ticks[tick].observation, `observation at tick ${tick}`);
      const a = agent.act(o);
      const decisions = "decisions" in a ? a.decisions : [a];
      assert.deepEqual(
        decisions.map((d) => [d.alert_id, d.action_type]),
        w.ticks[tick].decisions.map((
          d: { alert_id: string; action_type: string },
        ) => [d.alert_id, d.action_type]),
      );
      tick++;
      return a;
    });
    assert.equal(tick, w.steps);
    assert.equal(info.task_score, w.task_score);
    assert.equal(info.success, w.success);
  });
});

Deno.test("watch refuses a seed while an episode of it runs, and plays it once it ended", async () => {
  await withServer(async (s) => {
    const p = new Player(s, "web-test-guard");
    const first = await p.reset("easy", 42, "human");
    const watch = (agent: string, seed = 42) =>
      get(`${s.url}/web/api/watch?task=easy&seed=${seed}&agent=${agent}`);
    const refused = await watch("oracle");
    assert.equal(refused.status, 409);
    assert.match(refused.body.detail, /seed 42 is running/);
    assert.ok(!("truth" in refused.body));
    assert.equal((await watch("oracle", 43)).status, 200, "another seed is fine");
    assert.equal((await get(`${s.url}/web/api/watch?task=medium&seed=42&agent=rules`)).status, 200);
    await p.finish(first, () => ({ decisions: [] }));
    const after = await watch("oracle");
    assert.equal(after.status, 200);
    assert.equal(after.body.task_score, 0.999, "the oracle reads the truth it is allowed here");
  });
});

Deno.test("the leaderboard: per task and player, mean, 95% interval, episodes, success", async () => {
  await withServer(async (s) => {
    const scores: number[] = [];
    let successes = 0;
    const agent = new RuleBasedAgent();
    for (const seed of [1, 2, 3]) {
      const p = new Player(s, `web-test-lb-${seed}`);
      const info = await p.finish(await p.reset("hard", seed, "alice"), (o) => agent.act(o));
      scores.push(info.task_score as number);
      if (info.success) successes++;
    }
    const p = new Player(s, "web-test-lb-bob");
    await p.finish(await p.reset("hard", 9, "bob"), () => ({ decisions: [] }));
    const r = await get(`${s.url}/web/api/leaderboard`);
    assert.equal(r.status, 200);
    const hard = r.body.tasks.find((t: { task: string }) => t.task === "hard");
    assert.equal(hard.success_threshold, 0.6);
    const alice = hard.rows.find((row: { agent: string }) => row.agent === "alice");
    const ci = meanInterval(scores);
    assert.equal(alice.episodes, 3);
    assert.ok(Math.abs(alice.mean - ci.mean) < 1e-4);
    assert.ok(Math.abs(alice.ci_low - Math.max(0, ci.low)) < 1e-4);
    assert.ok(Math.abs(alice.ci_high - Math.min(1, ci.high)) < 1e-4);
    assert.equal(alice.success_rate, Math.round((successes / 3) * 1e4) / 1e4);
    const bob = hard.rows.find((row: { agent: string }) => row.agent === "bob");
    assert.equal(bob.episodes, 1);
    assert.equal(bob.ci_low, null, "one episode has no interval");
    assert.deepEqual(
      hard.rows.map((x: { agent: string }) => x.agent),
      alice.mean >= bob.mean ? ["alice", "bob"] : ["bob", "alice"],
    );
    assert.equal(r.body.tasks.find((t: { task: string }) => t.task === "easy").rows.length, 0);
    assert.equal(hard.baseline.agent, "rules");
  }, { baselineEpisodes: 2 });
});

Deno.test("the interval from the running sums is the sample interval (clipped to [0, 1])", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.001, max: 0.999, noNaN: true }), { minLength: 2, maxLength: 40 }),
      (xs) => {
        const sum = xs.reduce((a, b) => a + b, 0);
        const sumSquares = xs.reduce((a, b) => a + b * b, 0);
        const got = scoreInterval({ sum, sumSquares, episodes: xs.length, successes: 0 });
        const want = meanInterval(xs);
        assert.ok(Math.abs(got.mean - want.mean) < 1e-9);
        assert.ok(Math.abs(got.low! - Math.max(0, want.low)) < 1e-6);
        assert.ok(Math.abs(got.high! - Math.min(1, want.high)) < 1e-6);
      },
    ),
  );
});

Deno.test("the OpenAPI document describes the console's JSON routes", async () => {
  await withServer(async (s) => {
    const doc = (await get(`${s.url}/openapi.json`)).body;
    assert.ok(doc.paths["/web/api/watch"]?.get);
    assert.ok(doc.paths["/web/api/leaderboard"]?.get);
    assert.equal(doc.paths["/web/"], undefined, "pages are served, not documented");
  });
});
