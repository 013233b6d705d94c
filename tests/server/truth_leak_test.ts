/**
 * The leak probe: while an episode runs, no response on any route or transport may carry an
 * alert's hidden class, outcome, damage, failures or incidents. The probe plays episodes over
 * HTTP (OpenEnv and the seed API), WebSocket (`/ws`, `/ws/train`) and MCP, and on every tick
 * sends a rejected action for every alert id it has ever seen that has left the queue (probing
 * is free: rejections change nothing), then scans every reply. The binary frames of
 * `/ws/vector` are probed by `vector_leak_test.ts`.
 */
import assert from "node:assert/strict";
import { get, openWs, post, withServer } from "./helpers.ts";
import { TASK_IDS } from "../../tasks/registry.ts";
import type { Observation } from "../../src/models.ts";

/** Words that name a hidden class or outcome. */
const FORBIDDEN_WORDS =
  /\b(critical|symptom|transient|noise|self_resolved|expired|cleared|failed|dropped|escalation_resolved|ignored|investigated|escalated)\b/;
/** Keys that carry hidden state. */
const FORBIDDEN_KEYS = new Set([
  "kind",
  "outcome",
  "damage",
  "failures",
  "incidents",
  "true_severity",
  "incident_id",
]);
/** Reward component names (public: the reward table) are the only keys allowed to hold them. */
const PUBLIC_KEYS =
  /^(critical_resolved|cascade_prevented|false_positive_ignored|unnecessary_investigation|wasted_escalation|critical_missed|system_failure)$/;

/** Every leak in a reply: forbidden keys with a value, and forbidden words in strings. */
function leaks(value: unknown, path = "$"): string[] {
  if (typeof value === "string") return FORBIDDEN_WORDS.test(value) ? [`${path}: ${value}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaks(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => {
      const here = `${path}.${k}`;
      if (k === "truth" && v === null) return [];
      if (FORBIDDEN_KEYS.has(k) && v !== null && v !== undefined) return [`${here} (hidden key)`];
      if (!PUBLIC_KEYS.test(k) && FORBIDDEN_WORDS.test(k)) return [`${here} (hidden word in key)`];
      return leaks(v, here);
    });
  }
  return [];
}

interface Transport {
  name: string;
  reset(task: string, seed: number): Promise<unknown>;
  step(action: unknown): Promise<unknown>;
  state(): Promise<unknown>;
}

/** The observation and done flag of any transport's reply. */
function unwrap(reply: unknown): { obs: Observation | null; done: boolean } {
  type Reply = {
    data?: Reply;
    result?: { structuredContent?: Reply };
    observation?: Observation;
    done?: boolean;
  };
  const x = reply as Reply | undefined;
  const r = x?.data ?? x?.result?.structuredContent ?? x;
  return { obs: r?.observation ?? null, done: Boolean(r?.done) };
}

Deno.test("no surface reveals an alert's class, outcome, damage or incidents while the episode runs", async () => {
  await withServer(async (server) => {
    const ws = await openWs(server);
    const train = await openWs(server, "/ws/train");
    const headers = { "X-Session-Id": "leak-probe" };
    const seedHeaders = { "X-Session-Id": "leak-probe-seed" };
    let mcpId = 0;
    const mcp = async (name: string, args: Record<string, unknown>) =>
      (await post(server.url + "/mcp", {
        jsonrpc: "2.0",
        method: "tools/call",
        params: { name, arguments: args },
        id: ++mcpId,
      })).body;
    const transports: Transport[] = [
      {
        name: "HTTP /step",
        reset: async (task_id, seed) =>
          (await post(server.url + "/reset", { seed, task_id }, headers)).body,
        step: async (action) => (await post(server.url + "/step", { action }, headers)).body,
        state: async () => (await get(server.url + "/state", headers)).body,
      },
      {
        name: "HTTP /env/step",
        reset: async (task, seed) =>
          (await post(server.url + `/env/reset/${task}`, { seed }, seedHeaders)).body,
        step: async (action) => (await post(server.url + "/env/step", action, seedHeaders)).body,
        state: async () => (await get(server.url + "/env/state", seedHeaders)).body,
      },
      {
        name: "WS /ws",
        reset: (task_id, seed) => ws.request({ type: "reset", data: { seed, task_id } }),
        step: (action) => ws.request({ type: "step", data: action }),
        state: () => ws.request({ type: "state" }),
      },
      {
        name: "WS /ws/train",
        reset: (task_id, seed) => train.request({ type: "reset", task_id, seed }),
        step: (action) => train.request({ type: "step", action }),
        state: () => train.request({ type: "state" }),
      },
      {
        name: "MCP",
        reset: (task_id, seed) => mcp("reset", { seed, task_id }),
        step: (action) => mcp("step", { action }),
        state: () => mcp("state", {}),
      },
    ];
    let probes = 0;
    for (const t of transports) {
      for (const task of TASK_IDS) {
        const found: string[] = [];
        const scan = (reply: unknown) => found.push(...leaks(reply));
        let reply = await t.reset(task, 7);
        scan(reply);
        const seen = new Set<string>();
        for (let tick = 0; tick < 60; tick++) {
          const { obs, done } = unwrap(reply);
          if (!obs || done) break;
          const queued = new Set(obs.alerts.map((a) => a.id));
          for (const a of obs.alerts) seen.add(a.id);
          for (const id of seen) {
            if (queued.has(id)) continue;
            probes++;
            scan(await t.step({ alert_id: id, action_type: "INVESTIGATE" }));
          }
          scan(await t.state());
          // Investigate the first alert, ignore the next two, delay the rest.
          const decisions = obs.alerts.slice(0, 3).map((a, i) => ({
            alert_id: a.id,
            action_type: i === 0 && obs.investigation_budget > 0 ? "INVESTIGATE" : "IGNORE",
          }));
          reply = await t.step({ decisions });
          if (!unwrap(reply).done) scan(reply);
        }
        assert.deepEqual(found.slice(0, 5), [], `${t.name} on ${task} leaks`);
      }
    }
    assert.ok(probes > 100, `only ${probes} probes were sent`);
    await ws.close();
    await train.close();
  });
});
