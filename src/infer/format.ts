/**
 * The OpenEnv evaluation lines, exactly: `[START] task=… env=… model=…`, one
 * `[STEP] step=… action=… reward=0.00 done=true|false error=…|null` per step, and
 * `[END] success=true|false steps=… score=0.000 rewards=r1,…`. Every field is forced onto one
 * line; rewards have 2 decimals, the score 3.
 *
 * @example
 * ```ts
 * import { endLine, startLine, stepLine } from "./format.ts";
 * console.log(startLine("easy", "alert-triage", "Qwen/Qwen2.5-72B-Instruct"));
 * console.log(stepLine({ step: 1, action: { decisions: [] }, reward: 3, done: false, error: null }));
 * console.log(endLine({ success: true, steps: 1, score: 0.812, rewards: [3] }));
 * // [START] task=easy env=alert-triage model=Qwen/Qwen2.5-72B-Instruct
 * // [STEP] step=1 action={"decisions":[]} reward=3.00 done=false error=null
 * // [END] success=true steps=1 score=0.812 rewards=3.00
 * ```
 *
 * @module
 */
import type { Action } from "../models.ts";

/** The benchmark name printed as `env=`. */
export const ENV_NAME = "alert-triage";

/** `text` on one line: every run of whitespace (newlines included) becomes one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

/** A field value with no whitespace at all (task and model names). */
function token(text: string): string {
  return text.replace(/\s+/g, "_") || "unknown";
}

/** A reward with 2 decimals (never `-0.00`). */
export function formatReward(reward: number): string {
  const s = (Number.isFinite(reward) ? reward : 0).toFixed(2);
  return s === "-0.00" ? "0.00" : s;
}

/** An action as compact single-line JSON (`{"decisions":[{"alert_id":"A3",…}]}`). */
export function actionString(action: Action): string {
  return oneLine(JSON.stringify(action) ?? "null");
}

/** `[START] task=<task> env=<env> model=<model>` */
export function startLine(task: string, env: string, model: string): string {
  return `[START] task=${token(task)} env=${token(env)} model=${token(model)}`;
}

/** One step as printed. */
export interface StepLine {
  /** Step number, from 1. */
  step: number;
  /** The action sent. */
  action: Action;
  /** The step's reward. */
  reward: number;
  /** Whether the episode ended with this step. */
  done: boolean;
  /** The environment's complaint about the action, or null. */
  error: string | null;
}

/** `[STEP] step=<n> action=<json> reward=<0.00> done=<true|false> error=<msg|null>` */
export function stepLine(s: StepLine): string {
  const error = s.error === null ? "null" : oneLine(s.error) || "error";
  return `[STEP] step=${s.step} action=${actionString(s.action)} reward=${
    formatReward(s.reward)
  } done=${s.done} error=${error}`;
}

/** One episode's summary as printed. */
export interface EndLine {
  /** Whether the grader score reached the task's threshold. */
  success: boolean;
  /** Steps played. */
  steps: number;
  /** Wire score, strictly inside (0, 1). */
  score: number;
  /** Reward of every step. */
  rewards: readonly number[];
}

/** `[END] success=<true|false> steps=<n> score=<0.000> rewards=<r1,…>` */
export function endLine(e: EndLine): string {
  return `[END] success=${e.success} steps=${e.steps} score=${e.score.toFixed(3)} rewards=${
    e.rewards.map(formatReward).join(",")
  }`;
}
