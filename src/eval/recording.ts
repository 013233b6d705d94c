/**
 * The episode recording format: one JSON object per line (JSONL), one line per episode, with
 * everything needed to re-grade it from the stored truth and to replay it through a fresh
 * environment.
 *
 * A line has the fields of {@link EpisodeRecording}: `format` (always {@link RECORDING_FORMAT}),
 * `task`, `seed`, `agent`, `steps` (per step: the `observation` the agent saw, its `action`,
 * the `reward` with its components, `terminated`, `truncated`), `final_observation`, `outcome`
 * (`steps`, `horizon`, `terminated`, `truncated`), `return`, the final hidden `truth`, and the
 * `grade` (`score`, `components`, `success`) with its `wire_score`.
 *
 * @example
 * ```ts
 * import { parseRecordings } from "./recording.ts";
 * console.log(parseRecordings("\n").length); // 0: blank lines are skipped
 * ```
 *
 * @module
 */
import { AlertTriageError } from "../errors.ts";
import type { Action, Observation, Reward, Truth } from "../models.ts";
import { issuePath, TruthSchema } from "../schemas.ts";
import type { GradeResult } from "../../tasks/task.ts";

/** Value of the `format` field of every recorded line. */
export const RECORDING_FORMAT = "alert-triage/episode@1";

/** One recorded step. */
export interface RecordedStep {
  /** What the agent saw before acting. */
  observation: Observation;
  /** What it did. */
  action: Action;
  /** The reward of the step with its components. */
  reward: Reward;
  /** Whether the step ended the MDP (failure threshold passed). */
  terminated: boolean;
  /** Whether the step reached the horizon. */
  truncated: boolean;
}

/** How a recorded episode ended. */
export interface RecordedOutcome {
  /** Steps played. */
  steps: number;
  /** The task's horizon. */
  horizon: number;
  /** Ended by the failure threshold. */
  terminated: boolean;
  /** Cut at the horizon. */
  truncated: boolean;
}

/** One recorded episode (one JSONL line). */
export interface EpisodeRecording {
  /** Always {@link RECORDING_FORMAT}. */
  format: typeof RECORDING_FORMAT;
  /** Task id. */
  task: string;
  /** Episode seed. */
  seed: number;
  /** Agent name. */
  agent: string;
  /** Every step, in order. */
  steps: RecordedStep[];
  /** The observation after the last step. */
  final_observation: Observation;
  /** How the episode ended. */
  outcome: RecordedOutcome;
  /** Sum of the rewards. */
  return: number;
  /** The hidden truth at the end of the episode. */
  truth: Truth;
  /** The grader's verdict at recording time. */
  grade: GradeResult;
  /** The score as reported over the wire (`toWireScore`). */
  wire_score: number;
}

/** Thrown for a line that is not a recording of this format. */
export class RecordingFormatError extends AlertTriageError {
  /** 1-based line number in the file. */
  readonly line: number;
  /** Creates the error for a line. */
  constructor(line: number, reason: string) {
    super(`recording line ${line}: ${reason}`, "RECORDING_FORMAT", "invalid_input");
    this.name = "RecordingFormatError";
    this.line = line;
  }
}

/** One recording as a JSONL line (no trailing newline). */
export function serializeRecording(recording: EpisodeRecording): string {
  return JSON.stringify(recording);
}

function need(ok: boolean, line: number, reason: string): void {
  if (!ok) throw new RecordingFormatError(line, reason);
}

/**
 * Parses one JSONL line into a recording, checking the envelope (format, task, seed, agent,
 * steps, outcome, truth, grade). Step contents are checked by replaying them.
 */
export function parseRecording(text: string, line = 1): EpisodeRecording {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new RecordingFormatError(line, `not JSON (${e instanceof Error ? e.message : e})`);
  }
  need(typeof value === "object" && value !== null && !Array.isArray(value), line, "not an object");
  const r = value as Record<string, unknown>;
  need(r.format === RECORDING_FORMAT, line, `format must be ${JSON.stringify(RECORDING_FORMAT)}`);
  need(typeof r.task === "string", line, "task must be a string");
  need(Number.isSafeInteger(r.seed) && (r.seed as number) >= 0, line, "seed must be an integer");
  need(typeof r.agent === "string", line, "agent must be a string");
  need(Array.isArray(r.steps), line, "steps must be an array");
  for (const [i, s] of (r.steps as unknown[]).entries()) {
    const ok = typeof s === "object" && s !== null && "observation" in s && "action" in s &&
      "reward" in s && "terminated" in s && "truncated" in s;
    need(ok, line, `steps[${i}] needs observation, action, reward, terminated, truncated`);
  }
  const o = r.outcome as Record<string, unknown> | undefined;
  need(
    typeof o === "object" && o !== null && typeof o.steps === "number" &&
      typeof o.horizon === "number" && typeof o.terminated === "boolean",
    line,
    "outcome must have steps, horizon, terminated",
  );
  const truth = TruthSchema.safeParse(r.truth);
  if (!truth.success) {
    const issue = truth.error.issues[0];
    throw new RecordingFormatError(
      line,
      `${issuePath(["truth", ...issue.path])}: ${issue.message}`,
    );
  }
  const g = r.grade as Record<string, unknown> | undefined;
  need(
    typeof g === "object" && g !== null && typeof g.score === "number",
    line,
    "grade must have a score",
  );
  return r as unknown as EpisodeRecording;
}

/**
 * Parses a whole JSONL text (blank lines skipped).
 *
 * @example
 * ```ts
 * import { parseRecordings } from "./recording.ts";
 * const text = await Deno.readTextFile("episodes.jsonl").catch(() => "");
 * console.log(parseRecordings(text).length);
 * ```
 */
export function parseRecordings(text: string): EpisodeRecording[] {
  const out: EpisodeRecording[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    out.push(parseRecording(lines[i], i + 1));
  }
  return out;
}
