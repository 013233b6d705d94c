/**
 * The conversation between {@link LlmAgent} and a chat model: the system prompt that explains
 * the task, the compact rendering of one observation, and the robust reading of the reply
 * (code fences and prose stripped, the first JSON object found, validated with the zod
 * {@link ActionSchema} and against the observation, offending decisions dropped).
 *
 * @example
 * ```ts
 * import { buildSystemPrompt, formatObservation, readReply } from "./llm_prompt.ts";
 * import { makeEnv, getTask } from "../../tasks/registry.ts";
 *
 * const observation = makeEnv("easy").reset({ seed: 1 }).observation;
 * const system = buildSystemPrompt(getTask("easy"));
 * const user = formatObservation(observation);
 * const id = observation.alerts[0].id;
 * const reply = `Sure! {"decisions":[{"alert_id":"${id}","action_type":"IGNORE"}]}`;
 * const { action, dropped } = readReply(reply, observation);
 * console.log(system.length > 0, user.includes(id), action, dropped.length); // true true {...} 0
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { Action, Decision, Observation } from "../models.ts";
import { DecisionSchema, issuePath, parseAction } from "../schemas.ts";
import { REWARD_COMPONENTS, REWARD_MEANINGS, REWARD_TABLE } from "../rewards.ts";
import type { Task } from "../../tasks/task.ts";

/** The reply contained no JSON object (and did not look like a refusal). */
export class ReplyParseError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "REPLY_NOT_JSON", "invalid_input");
    this.name = "ReplyParseError";
  }
}

/** The reply was JSON but not a usable action (wrong shape, or every decision invalid). */
export class InvalidReplyError extends AlertTriageError {
  /** Creates the error. */
  constructor(message: string) {
    super(message, "INVALID_REPLY", "invalid_input");
    this.name = "InvalidReplyError";
  }
}

/** A decision of the reply that was dropped, and why. */
export interface DroppedDecision {
  /** Position in the reply's decision list. */
  index: number;
  /** Why it was dropped. */
  reason: string;
}

/** A validated reply: the action to play and the decisions that were dropped from it. */
export interface ReadReply {
  /** The action (an explicit `{decisions}` list; alerts without a decision are delayed). */
  action: Action;
  /** Decisions of the reply that were left out. */
  dropped: DroppedDecision[];
}

/** The reward table, one line per component, in {@link REWARD_COMPONENTS} order. */
export function rewardTable(): string {
  return REWARD_COMPONENTS.map((c) => {
    const w = REWARD_TABLE[c];
    return `  ${w > 0 ? "+" : ""}${w} ${c}: ${REWARD_MEANINGS[c]}`;
  }).join("\n");
}

/**
 * The system prompt: what the alerts and decisions mean, the budget K, that undecided alerts
 * are delayed, the reward table, how the task is scored, and the reply format. Without a task
 * (e.g. a remote task this build does not know) the prompt stays generic.
 */
export function buildSystemPrompt(task?: Task): string {
  const w = task?.world;
  const lines = [
    "You are the on-call engineer triaging IT alerts in a simulated production estate.",
    task
      ? `Task "${task.id}" (${task.name}): ${task.description}`
      : "Task: keep the estate healthy by handling the alerts that matter.",
    w
      ? `An episode lasts ${w.horizon} ticks and ends early if accumulated damage reaches ` +
        `${w.failureThreshold}.`
      : "An episode lasts a fixed number of ticks and ends early if damage gets too high.",
    "",
    "Each tick you see the queued alerts (id, type, service, visible severity 0..1, detection " +
    "confidence 0..1, age in ticks). Severity and confidence are noisy readings. Hidden classes:",
    "- critical: root cause of an incident. Unhandled, it does damage every tick and after a few " +
    "ticks (fewer under high system load) the service fails" +
    (w && w.cascadeScale > 0 ? " and the failure may cascade into dependent services." : "."),
    "- symptom: side effect of another service's incident; clears when that incident is fixed.",
    "- transient: real but heals by itself. - noise: false positive.",
    "",
    "Decisions, one per alert:",
    `- INVESTIGATE: fix it yourself now. At most investigation_budget per tick (K=${
      w ? w.k : "the budget"
    }, one less when system_load > 0.8). Resolves the incident if the alert is critical.`,
    `- ESCALATE: hand it to a specialist (${w ? w.specialists : "limited"} specialist(s), ` +
    `${w ? w.escalationTicks : "a few"} ticks per escalation, queued). Resolves a critical ` +
    "alert when done, if its service has not failed first.",
    "- IGNORE: dismiss it for good.",
    "- DELAY: keep it queued for a later tick. Any alert you leave out of your reply is delayed.",
    "",
    "Reward per event:",
    rewardTable(),
    task?.scoringHint ?? "",
    "",
    "Reply with one JSON object and nothing else:",
    '{"decisions":[{"alert_id":"A12","action_type":"INVESTIGATE"},' +
    '{"alert_id":"A13","action_type":"IGNORE"}]}',
    "Use only alert ids from the current tick, at most one decision per alert, and never more " +
    "INVESTIGATE decisions than investigation_budget.",
  ];
  return lines.filter((l, i) => l !== "" || lines[i - 1] !== "").join("\n");
}

/**
 * One observation as a compact user message: a header line and one CSV row per alert, values
 * exactly as observed.
 */
export function formatObservation(observation: Observation): string {
  const o = observation;
  const head = `tick ${o.tick} (${o.time_remaining} left) | system_load ${o.system_load} | ` +
    `investigation_budget ${o.investigation_budget} | queue_length ${o.queue_length} | ` +
    `escalations_pending ${o.escalations_pending}`;
  const rows = o.alerts.map((a) =>
    `${a.id},${a.alert_type},${a.service},${a.visible_severity},${a.confidence},${a.age}`
  );
  return [head, "alerts (id,type,service,severity,confidence,age):", ...rows].join("\n") +
    "\nReply with the JSON object only.";
}

const REFUSAL =
  /\b(I\s*(?:can(?:no|')t|cannot|won't|will not|am unable|'m unable|am not able|'m not able)|I'm sorry|I am sorry|as an AI)\b/i;

/** Whether a reply without JSON reads like a refusal ("I can't help with that"). */
export function looksLikeRefusal(text: string): boolean {
  return REFUSAL.test(text);
}

/** The end index (exclusive) of the balanced JSON value starting at `start`, or -1. */
function balancedEnd(text: string, start: number): number {
  const open = text[start];
  const close = open === "{" ? "}" : "]";
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return c === close ? i + 1 : -1;
    }
  }
  return -1;
}

/** Parses `text` as JSON, or undefined. */
function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The JSON a reply carries: reasoning (`<think>…</think>`) removed, then the inside of the first
 * code fence that parses, then the whole text, then the first balanced `{…}` that parses.
 * Throws {@link ReplyParseError} when there is none.
 */
export function extractJson(text: string): unknown {
  const clean = text.replace(/<think>[\s\S]*?<\/think>/gi, "").trim();
  for (const m of clean.matchAll(/```[a-zA-Z]*\s*\n?([\s\S]*?)```/g)) {
    const v = tryParse(m[1].trim());
    if (v !== undefined && typeof v === "object" && v !== null) return v;
  }
  const whole = tryParse(clean);
  if (whole !== undefined && typeof whole === "object" && whole !== null) return whole;
  for (let i = clean.indexOf("{"); i >= 0; i = clean.indexOf("{", i + 1)) {
    const end = balancedEnd(clean, i);
    if (end < 0) continue;
    const v = tryParse(clean.slice(i, end));
    if (v !== undefined) return v;
  }
  throw new ReplyParseError(
    clean ? `no JSON object in the reply (${clean.length} chars)` : "empty reply",
  );
}

/** A raw decision with common spellings tolerated (`id`, `action`, lower case). */
function normalise(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const r = raw as Record<string, unknown>;
  const id = r.alert_id ?? r.id ?? r.alert;
  const type = r.action_type ?? r.action ?? r.decision;
  return {
    alert_id: typeof id === "string" ? id.trim() : id,
    action_type: typeof type === "string" ? type.trim().toUpperCase() : type,
  };
}

/**
 * Validates a parsed reply against the zod schemas and the observation. Accepts
 * `{"decisions":[...]}`, a single `{alert_id, action_type}` or a bare array of decisions.
 * Each decision must pass {@link DecisionSchema} (after trimming and upper-casing) and name an
 * alert of this tick; duplicates and INVESTIGATE decisions past the budget are dropped, not
 * fatal. Throws {@link InvalidReplyError} for a wrong shape, or when the reply had decisions
 * and none survived. The result passes {@link parseAction} (the zod `ActionSchema`).
 */
export function validateReply(value: unknown, observation: Observation): ReadReply {
  let raw: unknown[];
  if (Array.isArray(value)) raw = value;
  else if (typeof value === "object" && value !== null) {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.decisions)) raw = v.decisions;
    else if ("alert_id" in v) raw = [v];
    else throw new InvalidReplyError('expected {"decisions":[...]}');
  } else throw new InvalidReplyError('expected {"decisions":[...]}');

  const queued = new Set(observation.alerts.map((a) => a.id));
  const seen = new Set<string>();
  let budget = observation.investigation_budget;
  const kept: Decision[] = [];
  const dropped: DroppedDecision[] = [];
  raw.forEach((item, index) => {
    const parsed = DecisionSchema.safeParse(normalise(item));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      dropped.push({ index, reason: `${issuePath(issue.path, "decision")}: ${issue.message}` });
      return;
    }
    const d = parsed.data;
    if (!queued.has(d.alert_id)) {
      dropped.push({ index, reason: `unknown alert id ${JSON.stringify(d.alert_id)}` });
    } else if (seen.has(d.alert_id)) {
      dropped.push({ index, reason: `duplicate decision for ${d.alert_id}` });
    } else if (d.action_type === "INVESTIGATE" && budget <= 0) {
      dropped.push({ index, reason: `INVESTIGATE ${d.alert_id} exceeds the budget` });
    } else {
      seen.add(d.alert_id);
      if (d.action_type === "INVESTIGATE") budget--;
      kept.push({ alert_id: d.alert_id, action_type: d.action_type });
    }
  });
  if (raw.length > 0 && kept.length === 0) {
    throw new InvalidReplyError(
      `none of the ${raw.length} decisions is valid: ${dropped[0].reason}`,
    );
  }
  return { action: parseAction({ decisions: kept }), dropped };
}

/**
 * Reads a reply's text into an action: {@link extractJson}, then {@link validateReply}.
 * Throws {@link ReplyParseError} or {@link InvalidReplyError}.
 */
export function readReply(text: string, observation: Observation): ReadReply {
  return validateReply(extractJson(text), observation);
}
