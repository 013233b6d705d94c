/**
 * Rich display of observations, steps, episodes, the hidden truth and grader results in Jupyter
 * notebooks (Deno kernel). Every `show*` helper returns a {@link Displayable}: an object with a
 * `[Symbol.for("Jupyter.display")]()` method that the kernel calls when the object is the value
 * of a cell, giving `text/html` (tables with inline styles, so they also read on a code host)
 * and a `text/plain` fallback. Nothing here touches `Deno.jupyter`, so the helpers work (and can
 * be tested) outside the kernel: call `bundle()` to get the MIME bundle.
 *
 * @example
 * ```ts
 * import { makeEnv } from "../mod.ts";
 * import { showObservation } from "./display.ts";
 * const env = makeEnv("easy");
 * const { observation } = env.reset({ seed: 1 });
 * showObservation(observation); // the cell's value renders as an HTML table
 * ```
 *
 * @module
 */
import type {
  Action,
  ActionType,
  AlertKind,
  AlertOutcome,
  Observation,
  Reward,
  Truth,
} from "./models.ts";
import type { GradeResult } from "../tasks/task.ts";
import {
  type Displayable,
  displayable,
  escapeHtml,
  JUPYTER_DISPLAY,
  type MimeBundle,
} from "./plots/mime.ts";
import { badge, bar, BOX, htmlTable, textTable } from "./plots/html_table.ts";

export { type Displayable, displayable, escapeHtml, JUPYTER_DISPLAY, type MimeBundle };

/** Colours of the four decisions, the four hidden kinds and the alert outcomes. */
export const COLOURS: Readonly<Record<ActionType | AlertKind | "good" | "bad", string>> = {
  INVESTIGATE: "#2563eb",
  IGNORE: "#6b7280",
  ESCALATE: "#9333ea",
  DELAY: "#d97706",
  critical: "#dc2626",
  symptom: "#ea580c",
  transient: "#0891b2",
  noise: "#6b7280",
  good: "#16a34a",
  bad: "#dc2626",
};

/** Options of {@link showTable}. */
export interface ShowTableOptions {
  /** Column order (default: the keys of the first row). */
  columns?: readonly string[];
  /** Decimals for non-integer numbers (default 3). */
  digits?: number;
  /** Columns holding raw HTML, not escaped. */
  html?: readonly string[];
  /** Title line above the table. */
  title?: string;
}

/**
 * Any list of rows as a rich table (HTML) with a plain-text fallback.
 *
 * @example
 * ```ts
 * import { showTable } from "./display.ts";
 * showTable([{ task: "easy", mean: 0.81 }, { task: "hard", mean: 0.4 }], { digits: 2 });
 * ```
 */
export function showTable(
  rows: readonly Record<string, unknown>[],
  opts: ShowTableOptions = {},
): Displayable {
  const cols = opts.columns ?? Object.keys(rows[0] ?? {});
  const title = opts.title
    ? `<div style="${BOX};font-weight:600">${escapeHtml(opts.title)}</div>`
    : "";
  return displayable({
    "text/html": title + htmlTable(rows, { ...opts, columns: cols }),
    "text/plain": (opts.title ? opts.title + "\n" : "") + textTable(rows, cols, opts.digits),
  });
}

/** The decisions of an action, as a map from alert id to decision. */
export function decisionsOf(action: Action | undefined): Map<string, ActionType> {
  const out = new Map<string, ActionType>();
  if (!action) return out;
  const list = "decisions" in action ? action.decisions : [action];
  for (const d of list) out.set(d.alert_id, d.action_type);
  return out;
}

/**
 * An observation as a rich table: the tick's header (load, budget, queue, time left) and one row
 * per queued alert with severity and confidence bars; with `action`, the decision on each alert.
 *
 * @example
 * ```ts
 * import { makeEnv, RuleBasedAgent } from "../mod.ts";
 * import { showObservation } from "./display.ts";
 * const env = makeEnv("easy");
 * const { observation } = env.reset({ seed: 3 });
 * showObservation(observation, { action: new RuleBasedAgent().act(observation) });
 * ```
 */
export function showObservation(obs: Observation, opts: { action?: Action } = {}): Displayable {
  const decided = decisionsOf(opts.action);
  const head = `tick ${obs.tick} · load ${obs.system_load.toFixed(2)} · budget ` +
    `${obs.investigation_budget} · queue ${obs.queue_length} · escalations pending ` +
    `${obs.escalations_pending} · ${obs.time_remaining} ticks left`;
  const rows = obs.alerts.map((a) => {
    const d = decided.get(a.id);
    return {
      id: a.id,
      type: a.alert_type,
      service: a.service,
      severity: bar(a.visible_severity, "#dc2626"),
      confidence: bar(a.confidence, "#2563eb"),
      age: a.age,
      ...(opts.action ? { decision: d ? badge(d, COLOURS[d]) : "" } : {}),
    };
  });
  const html = [`severity`, `confidence`, `decision`];
  const plain = obs.alerts.map((a) => ({
    id: a.id,
    type: a.alert_type,
    service: a.service,
    severity: a.visible_severity,
    confidence: a.confidence,
    age: a.age,
    ...(opts.action ? { decision: decided.get(a.id) ?? "" } : {}),
  }));
  return displayable({
    "text/html": `<div style="${BOX}"><b>Observation</b> · ${escapeHtml(head)}</div>` +
      (rows.length ? htmlTable(rows, { html }) : `<div style="${BOX}">(no alerts queued)</div>`),
    "text/plain": `Observation: ${head}\n` +
      (plain.length ? textTable(plain, Object.keys(plain[0]), 2) : "(no alerts queued)"),
  });
}

/** Non-zero reward components, largest magnitude first. */
function nonZero(components: Record<string, number>): [string, number][] {
  return Object.entries(components).filter(([, v]) => v !== 0)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
}

function componentsText(reward: Reward): string {
  return nonZero(reward.components).map(([k, v]) => `${k} ${v > 0 ? "+" : ""}${v}`).join(", ");
}

/**
 * A step's reward with its non-zero components (green gains, red penalties).
 *
 * @example
 * ```ts
 * import { makeEnv } from "../mod.ts";
 * import { showReward } from "./display.ts";
 * const env = makeEnv("easy");
 * env.reset({ seed: 1 });
 * showReward(env.step({ decisions: [] }).reward);
 * ```
 */
export function showReward(reward: Reward): Displayable {
  const parts = nonZero(reward.components).map(([k, v]) =>
    badge(`${k} ${v > 0 ? "+" : ""}${v}`, v > 0 ? COLOURS.good : COLOURS.bad)
  ).join(" ");
  return displayable({
    "text/html": `<div style="${BOX}"><b>reward ${reward.value}</b> ${parts}</div>`,
    "text/plain": `reward ${reward.value}${parts ? ` (${componentsText(reward)})` : ""}`,
  });
}

/** One step of an episode, as {@link showEpisode} reads it (a recorded step fits). */
export interface StepView {
  /** What the agent saw. */
  observation?: Observation;
  /** What it did. */
  action?: Action;
  /** The step's reward. */
  reward: Reward;
  /** The step ended the MDP. */
  terminated?: boolean;
  /** The step reached the horizon. */
  truncated?: boolean;
}

/** An episode, as {@link showEpisode} reads it (an evaluation recording fits). */
export interface EpisodeView {
  /** Task id. */
  task?: string;
  /** Episode seed. */
  seed?: number;
  /** Agent name. */
  agent?: string;
  /** The steps, in order. */
  steps: readonly StepView[];
  /** The hidden truth at the end. */
  truth?: Truth | null;
  /** The grader's verdict. */
  grade?: GradeResult;
}

/**
 * An episode: a header (return, length, how it ended), one row per tick (queue, decisions,
 * reward and its components), and, when given, the revealed truth and the grade.
 *
 * @example
 * ```ts
 * import { makeEnv, RuleBasedAgent } from "../mod.ts";
 * import { showEpisode, type StepView } from "./display.ts";
 * const env = makeEnv("easy");
 * const agent = new RuleBasedAgent();
 * let { observation } = env.reset({ seed: 5 });
 * const steps: StepView[] = [];
 * for (let done = false; !done;) {
 *   const action = agent.act(observation);
 *   const r = env.step(action);
 *   steps.push({ ...r, observation, action });
 *   observation = r.observation;
 *   done = r.terminated || r.truncated;
 * }
 * showEpisode({ task: "easy", seed: 5, steps, truth: env.state().truth });
 * ```
 */
export function showEpisode(ep: EpisodeView): Displayable {
  const ret = ep.steps.reduce((s, x) => s + x.reward.value, 0);
  const last = ep.steps[ep.steps.length - 1];
  const ending = last?.terminated
    ? "terminated (failure threshold)"
    : last?.truncated
    ? "truncated at the horizon"
    : "running";
  const who = [ep.agent, ep.task, ep.seed === undefined ? undefined : `seed ${ep.seed}`]
    .filter((x) => x !== undefined).join(" · ");
  const head = `${who ? who + " · " : ""}${ep.steps.length} steps · return ${ret} · ${ending}`;
  const rows = ep.steps.map((s, i) => {
    const counts: Record<string, number> = {};
    for (const d of decisionsOf(s.action).values()) counts[d] = (counts[d] ?? 0) + 1;
    return {
      tick: s.observation?.tick ?? i,
      queue: s.observation?.queue_length ?? "",
      decisions: Object.entries(counts).map(([k, n]) => `${k[0]}${k.slice(1).toLowerCase()} ${n}`)
        .join(", "),
      reward: s.reward.value,
      components: componentsText(s.reward),
    };
  });
  const cols = ["tick", "queue", "decisions", "reward", "components"];
  const truth = ep.truth ? showTruth(ep.truth).bundle() : undefined;
  const grade = ep.grade ? showGrade(ep.grade).bundle() : undefined;
  const table =
    `<details><summary>per-tick rewards</summary>${htmlTable(rows, { columns: cols })}` +
    `</details>`;
  return displayable({
    "text/html": `<div style="${BOX}"><b>Episode</b> · ${escapeHtml(head)}</div>${table}` +
      (grade?.["text/html"] ?? "") + (truth?.["text/html"] ?? ""),
    "text/plain": [
      `Episode: ${head}`,
      textTable(rows, cols),
      grade?.["text/plain"],
      truth?.["text/plain"],
    ]
      .filter((x) => x !== undefined).join("\n"),
  });
}

/** Good outcomes per hidden kind (for colouring the truth table). */
function outcomeOk(kind: AlertKind, outcome: AlertOutcome): boolean | undefined {
  if (outcome === "pending" || outcome === "escalated" || outcome === "dropped") return undefined;
  if (kind === "critical") return outcome === "investigated" || outcome === "escalation_resolved";
  if (kind === "noise") return outcome === "ignored";
  return outcome !== "investigated" && outcome !== "escalation_resolved";
}

/**
 * The hidden truth revealed: alerts counted by hidden kind and outcome, every incident (status,
 * cascade parent, severity) and the damage. `alerts: true` adds the full alert list.
 *
 * @example
 * ```ts
 * import { makeEnv } from "../mod.ts";
 * import { showTruth } from "./display.ts";
 * const env = makeEnv("hard");
 * env.reset({ seed: 2 });
 * showTruth(env.state().truth!);
 * ```
 */
export function showTruth(truth: Truth, opts: { alerts?: boolean } = {}): Displayable {
  const kinds = ["critical", "symptom", "transient", "noise"] as const;
  const outcomes = [...new Set(truth.alerts.map((a) => a.outcome))].sort();
  const byKind = kinds.map((k) => {
    const row: Record<string, unknown> = { kind: k };
    for (const o of outcomes) {
      row[o] = truth.alerts.filter((a) => a.kind === k && a.outcome === o).length;
    }
    return row;
  });
  const incidents = truth.incidents.map((i) => ({
    id: i.id,
    service: i.service,
    root: i.root_alert_id,
    started: i.started_tick,
    status: i.status,
    ended: i.ended_tick,
    "cascade from": i.cascade_parent < 0 ? "" : `#${i.cascade_parent}`,
    severity: i.true_severity,
  }));
  const statusBadge = incidents.map((i) => ({
    ...i,
    status: badge(
      i.status,
      i.status === "resolved" ? COLOURS.good : i.status === "failed" ? COLOURS.bad : "#6b7280",
    ),
  }));
  const head = `damage ${truth.damage.toFixed(1)} / ${truth.failure_threshold} · ` +
    `${truth.failures} failures · ${truth.alerts.length} alerts · ${truth.incidents.length} incidents`;
  const alertRows = truth.alerts.map((a) => {
    const ok = outcomeOk(a.kind, a.outcome);
    return {
      id: a.id,
      kind: badge(a.kind, COLOURS[a.kind]),
      type: a.alert_type,
      service: a.service,
      "true sev": a.true_severity,
      "visible sev": a.visible_severity,
      decision: a.decision ?? "",
      outcome: ok === undefined ? a.outcome : badge(a.outcome, ok ? COLOURS.good : COLOURS.bad),
    };
  });
  const list = opts.alerts
    ? `<details><summary>all ${alertRows.length} alerts</summary>` +
      htmlTable(alertRows, { html: ["kind", "outcome"], digits: 2 }) + "</details>"
    : "";
  return displayable({
    "text/html": `<div style="${BOX}"><b>Hidden truth</b> · ${escapeHtml(head)}</div>` +
      htmlTable(byKind) +
      (incidents.length ? htmlTable(statusBadge, { html: ["status"], digits: 2 }) : "") + list,
    "text/plain": `Hidden truth: ${head}\n${textTable(byKind, ["kind", ...outcomes])}` +
      (incidents.length ? "\n" + textTable(incidents, Object.keys(incidents[0]), 2) : ""),
  });
}

/**
 * A grader's verdict: the score against the success threshold, and its components.
 *
 * @example
 * ```ts
 * import { gradeEpisode, makeEnv } from "../mod.ts";
 * import { showGrade } from "./display.ts";
 * const env = makeEnv("easy");
 * env.reset({ seed: 1 });
 * while (!env.state().done) env.step({ decisions: [] });
 * showGrade(gradeEpisode(env), { threshold: 0.7, task: "easy" });
 * ```
 */
export function showGrade(
  result: GradeResult,
  opts: { threshold?: number; task?: string } = {},
): Displayable {
  const verdict = result.success ? "success" : "below threshold";
  const colour = result.success ? COLOURS.good : COLOURS.bad;
  const thr = opts.threshold === undefined ? "" : ` (threshold ${opts.threshold})`;
  const task = opts.task ? ` · ${opts.task}` : "";
  const rows = Object.entries(result.components).map(([component, value]) => ({
    component,
    value,
  }));
  return displayable({
    "text/html": `<div style="${BOX}"><b>Grade${escapeHtml(task)}</b> · score ` +
      `${bar(result.score, colour, 120)}${escapeHtml(thr)} ${badge(verdict, colour)}</div>` +
      htmlTable(rows, { digits: 4 }),
    "text/plain": `Grade${task}: score ${result.score}${thr}, ${verdict}\n` +
      textTable(rows, ["component", "value"], 4),
  });
}
