/**
 * The server's metrics: live sessions, steps, episodes, errors, a step-latency histogram and
 * the latest and mean task score per task and agent, rendered in the Prometheus text
 * exposition format (version 0.0.4) or as JSON with the "RL score vs baseline" comparison.
 *
 * @example
 * ```ts
 * import { Metrics } from "./metrics.ts";
 * const m = new Metrics();
 * m.recordStep("easy", 0.00004);
 * console.assert(m.prometheus({ http: 0, ws: 0 }).includes("alert_triage_steps_total"));
 * ```
 *
 * @module
 */
import type { PoolStats } from "./vector_worker_pool.ts";

/** Upper bounds of the step-latency histogram buckets, in seconds. */
export const LATENCY_BUCKETS: readonly number[] = [
  0.00001,
  0.000025,
  0.00005,
  0.0001,
  0.00025,
  0.0005,
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
];

/**
 * Most distinct agent labels tracked at once: when a new agent finishes an episode beyond it,
 * the least recently updated agent's score series are dropped (they age out, so an early
 * client cannot squat the label space).
 */
export const MAX_AGENT_LABELS = 64;

/** Score statistics of one (task, agent) pair. */
export interface ScoreStats {
  /** Wire score of the most recent finished episode. */
  latest: number;
  /** Sum of the wire scores. */
  sum: number;
  /** Sum of the squared wire scores (for the spread: the leaderboard's confidence interval). */
  sumSquares: number;
  /** Finished episodes. */
  episodes: number;
  /** Episodes that reached the success threshold. */
  successes: number;
}

/** Characters a label value cannot carry raw: control characters and Unicode line breaks. */
// deno-lint-ignore no-control-regex
const UNSAFE_LABEL_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Escapes a Prometheus label value (text format 0.0.4): `\\`, `"` and line feed are escaped as
 * the format says; other control characters and Unicode line breaks (which some parsers read
 * as line ends) become U+FFFD, so the exposition parses whatever a client names its agent.
 */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")
    .replace(UNSAFE_LABEL_CHARS, "\ufffd");
}

const esc = escapeLabelValue;

function inc(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** Counters, gauges and the histogram of one server. */
export class Metrics {
  /** Steps per task. */
  readonly steps: Map<string, number> = new Map();
  /** Resets per task. */
  readonly resets: Map<string, number> = new Map();
  /** Finished episodes per task. */
  readonly episodes: Map<string, number> = new Map();
  /** Errors per kind (`validation`, `invalid_json`, `capacity`, ...). */
  readonly errors: Map<string, number> = new Map();
  /** Score statistics per task, then per agent. */
  readonly scores: Map<string, Map<string, ScoreStats>> = new Map();
  readonly #buckets: Float64Array = new Float64Array(LATENCY_BUCKETS.length);
  #latencyCount = 0;
  #latencySum = 0;
  /** Agent labels, least recently updated first. */
  readonly #agents: Set<string> = new Set();

  /** Counts a step of `task` that took `seconds` to serve. */
  recordStep(task: string, seconds: number): void {
    inc(this.steps, task);
    this.#latencyCount++;
    this.#latencySum += seconds;
    for (let i = 0; i < LATENCY_BUCKETS.length; i++) {
      if (seconds <= LATENCY_BUCKETS[i]) {
        this.#buckets[i]++;
        break;
      }
    }
  }

  /** Counts a reset of `task`. */
  recordReset(task: string): void {
    inc(this.resets, task);
  }

  /** Counts a finished episode and its wire score. */
  recordEpisode(task: string, agent: string, score: number, success: boolean): void {
    inc(this.episodes, task);
    const label = this.#touchAgent(agent);
    let byAgent = this.scores.get(task);
    if (!byAgent) this.scores.set(task, byAgent = new Map());
    const s = byAgent.get(label) ?? { latest: 0, sum: 0, sumSquares: 0, episodes: 0, successes: 0 };
    s.latest = score;
    s.sum += score;
    s.sumSquares += score * score;
    s.episodes++;
    if (success) s.successes++;
    byAgent.set(label, s);
  }

  /** Counts an error of `kind`. */
  recordError(kind: string): void {
    inc(this.errors, kind);
  }

  /** Step latency: count, sum in seconds, and cumulative bucket counts. */
  latency(): { count: number; sum: number; buckets: number[] } {
    let acc = 0;
    const buckets = Array.from(this.#buckets, (n) => acc += n);
    return { count: this.#latencyCount, sum: this.#latencySum, buckets };
  }

  /** Marks `agent` as the most recently updated, dropping the stalest agent beyond the cap. */
  #touchAgent(agent: string): string {
    this.#agents.delete(agent);
    this.#agents.add(agent);
    if (this.#agents.size > MAX_AGENT_LABELS) {
      const stalest = this.#agents.values().next().value as string;
      this.#agents.delete(stalest);
      for (const byAgent of this.scores.values()) byAgent.delete(stalest);
    }
    return agent;
  }

  /**
   * The Prometheus text exposition. `sessions` are the live sessions per transport;
   * `baseline` the rule agent's mean wire score per task, when known; `vector` the vector
   * workers' statistics, when the server has some.
   */
  prometheus(
    sessions: Record<string, number>,
    baseline?: Record<string, number>,
    vector?: PoolStats,
  ): string {
    const out: string[] = [];
    const family = (name: string, type: string, help: string) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out.push(`process_resident_memory_bytes ${Deno.memoryUsage().rss}`);
    family("alert_triage_sessions", "gauge", "Live sessions by transport.");
    for (const [t, n] of Object.entries(sessions)) {
      out.push(`alert_triage_sessions{transport="${esc(t)}"} ${n}`);
    }
    const counter = (name: string, help: string, label: string, map: Map<string, number>) => {
      family(name, "counter", help);
      for (const [k, n] of map) out.push(`${name}{${label}="${esc(k)}"} ${n}`);
    };
    counter("alert_triage_steps_total", "Environment steps served.", "task", this.steps);
    counter("alert_triage_resets_total", "Episodes started.", "task", this.resets);
    counter("alert_triage_episodes_total", "Episodes finished.", "task", this.episodes);
    counter("alert_triage_errors_total", "Rejected requests and frames.", "kind", this.errors);
    family(
      "alert_triage_step_latency_seconds",
      "histogram",
      "Time to serve one step (validation, simulation, grading), in seconds.",
    );
    const lat = this.latency();
    LATENCY_BUCKETS.forEach((le, i) => {
      out.push(`alert_triage_step_latency_seconds_bucket{le="${le}"} ${lat.buckets[i]}`);
    });
    out.push(`alert_triage_step_latency_seconds_bucket{le="+Inf"} ${lat.count}`);
    out.push(`alert_triage_step_latency_seconds_sum ${lat.sum}`);
    out.push(`alert_triage_step_latency_seconds_count ${lat.count}`);
    const scores = (name: string, type: string, help: string, pick: (s: ScoreStats) => number) => {
      family(name, type, help);
      for (const [task, byAgent] of this.scores) {
        for (const [agent, s] of byAgent) {
          out.push(`${name}{task="${esc(task)}",agent="${esc(agent)}"} ${pick(s)}`);
        }
      }
    };
    scores(
      "alert_triage_task_score",
      "gauge",
      "Wire score of the latest finished episode per task and agent.",
      (s) => s.latest,
    );
    scores(
      "alert_triage_task_score_sum",
      "counter",
      "Sum of the wire scores of finished episodes per task and agent.",
      (s) => s.sum,
    );
    scores(
      "alert_triage_scored_episodes_total",
      "counter",
      "Finished episodes per task and agent.",
      (s) => s.episodes,
    );
    if (baseline) {
      family(
        "alert_triage_baseline_score",
        "gauge",
        "Mean wire score of the rule-based baseline agent per task.",
      );
      for (const [task, v] of Object.entries(baseline)) {
        out.push(`alert_triage_baseline_score{task="${esc(task)}",agent="rules"} ${v}`);
      }
    }
    if (vector) {
      family("alert_triage_vector_workers", "gauge", "Vector workers started and alive.");
      out.push(`alert_triage_vector_workers ${vector.ready}`);
      family("alert_triage_vector_shards", "gauge", "Vector session shards held by the workers.");
      out.push(`alert_triage_vector_shards ${vector.shards}`);
    }
    return out.join("\n") + "\n";
  }
}
