/**
 * A training-signal ablation (`deno task train --reward grader`): a dense per-step reward that
 * approximates a task's grader, with each event attributed to the alert that caused it. The
 * weights are the task's `shaping` table (`tasks/<id>.ts`; for the v1 tasks `TRIAGE_SHAPING`:
 * the reward table's resolution, failure and waste events over a typical span). At the end of an
 * episode the vector environment adds a *terminal correction* (`scale x score - shaped return`)
 * so that the return can equal `scale x` the grader's score; the dense part only spreads the
 * credit over the steps that earned it. It reads the hidden truth of the world, so it is not
 * what a player gets: the default training signal is the environment's own reward.
 *
 * @example
 * ```ts
 * import { GraderShaping, shapingTable } from "./reward_shaping.ts";
 * import { easy } from "../../tasks/easy.ts";
 * import { World } from "../sim/world.ts";
 * const world = new World(easy.world);
 * world.reset(1);
 * const shaping = new GraderShaping(world, shapingTable(easy), 10);
 * shaping.begin();
 * shaping.before();
 * world.step(new Int8Array(world.queueLength).fill(1));
 * console.log(shaping.after());
 * ```
 *
 * @module
 */
import {
  ACTIVE,
  CRITICAL,
  ESCALATED,
  ESCALATION_RESOLVED,
  FAILED_INCIDENT,
  IGNORED,
  INVESTIGATED,
  NOISE,
  PENDING,
  RESOLVED,
  type World,
} from "../sim/world.ts";
import { NO_SHAPING, type ShapingTable, type Task } from "../../tasks/task.ts";

export type { ShapingTable };

/** The grader-aligned table of a task (all zeros, i.e. terminal score only, if it has none). */
export function shapingTable(task: Task): ShapingTable {
  return task.shaping ?? NO_SHAPING;
}

/**
 * Dense grader-aligned reward for one world: call {@link GraderShaping.begin} after each
 * reset, {@link GraderShaping.before} before each step and {@link GraderShaping.after} after
 * it. Allocates only in its constructor.
 *
 * Besides the step's total, `after()` lists *attributed events*: the part of the reward caused
 * by one alert (`eventAlert[k]`, world alert index) — its own handling (waste, correctness),
 * the resolution or failure of the incident it is the root of, and that incident's damage this
 * step. The trainer credits each event to the last decision taken on that alert (per-alert
 * credit assignment); whatever is not attributed is shared by all decisions of the step.
 */
export class GraderShaping {
  /** The world observed. */
  readonly world: World;
  /** The weights. */
  readonly table: ShapingTable;
  /** Multiplier on every weight (the return of an episode is about `scale x score`). */
  readonly scale: number;
  /** Shaped reward accumulated since {@link GraderShaping.begin}. */
  total = 0;
  /** Alert of each attributed event of the last step. */
  readonly eventAlert: Int32Array;
  /** Reward (scaled) of each attributed event of the last step. */
  readonly eventValue: Float64Array;
  /** Number of attributed events of the last step. */
  eventCount = 0;
  readonly #queue: Int32Array;
  #queueLength = 0;
  readonly #esc: Int32Array;
  #escLength = 0;
  readonly #incStatus: Int8Array;
  #incSeen = 0;
  #damage = 0;
  #load = 0;
  readonly #weight: Float64Array;

  /** Prepares the scratch arrays for a world. */
  constructor(world: World, table: ShapingTable, scale: number) {
    this.world = world;
    this.table = table;
    this.scale = scale;
    const cap = world.alertCapacity;
    this.#queue = new Int32Array(world.config.maxQueue);
    this.#esc = new Int32Array(cap);
    this.#incStatus = new Int8Array(cap);
    this.eventAlert = new Int32Array(2 * cap + world.config.maxQueue);
    this.eventValue = new Float64Array(2 * cap + world.config.maxQueue);
    const cfg = world.config;
    this.#weight = new Float64Array(cfg.services.length);
    for (let s = 0; s < cfg.services.length; s++) {
      const p = Math.min(1, cfg.services[s].cascade * cfg.cascadeScale);
      this.#weight[s] = 1 + p * world.dependents[s].length;
    }
  }

  /** Starts an episode (after `world.reset`). */
  begin(): void {
    this.total = 0;
    this.eventCount = 0;
    this.#incSeen = 0;
    this.#damage = this.world.damage;
    this.#sync();
  }

  /** Snapshots the queue, the escalations and the load before a step. */
  before(): void {
    const w = this.world;
    this.#queueLength = w.queueLength;
    for (let i = 0; i < w.queueLength; i++) this.#queue[i] = w.queue[i];
    this.#escLength = w.escalationCount;
    for (let i = 0; i < w.escalationCount; i++) this.#esc[i] = w.escalations[i];
    this.#load = w.load;
  }

  /** The shaped reward of the step just taken (scaled), also added to `total`. */
  after(): number {
    const w = this.world;
    const t = this.table;
    this.eventCount = 0;
    let r = 0;
    for (let i = 0; i < this.#queueLength; i++) {
      const a = this.#queue[i];
      const o = w.aOutcome[a];
      if (o === PENDING) continue;
      let v = this.#alertValue(a, o);
      if (w.aKind[a] !== CRITICAL) {
        if (o === INVESTIGATED) v += t.wasteInvestigate;
        else if (o === ESCALATED) v += t.wasteEscalate;
      }
      r += this.#emit(a, v);
    }
    for (let i = 0; i < this.#escLength; i++) {
      const a = this.#esc[i];
      const o = w.aOutcome[a];
      if (o !== ESCALATED) r += this.#emit(a, this.#alertValue(a, o));
    }
    const cfg = w.config;
    const perTick = cfg.damagePerTick * (1 + this.#load);
    let attributedDamage = 0;
    for (let inc = 0; inc < this.#incSeen; inc++) {
      if (this.#incStatus[inc] !== ACTIVE) continue;
      const st = w.iStatus[inc];
      const root = w.iRoot[inc];
      if (st !== RESOLVED) { // still active or failed this step: it did damage this tick
        const d = w.iSev[inc] * perTick + (st === FAILED_INCIDENT ? cfg.failureDamage : 0);
        attributedDamage += d;
        r += this.#emit(root, t.damage * d);
      }
      if (st === ACTIVE) continue;
      this.#incStatus[inc] = st;
      const v = this.#incidentValue(inc);
      r += this.#emit(root, st === RESOLVED ? t.resolved * v : t.failed * v);
    }
    // Any damage not matched to an incident (none in practice) is shared.
    r += t.damage * (w.damage - this.#damage - attributedDamage);
    this.#damage = w.damage;
    this.#sync();
    r *= this.scale;
    for (let k = 0; k < this.eventCount; k++) this.eventValue[k] *= this.scale;
    this.total += r;
    return r;
  }

  /** Records an attributed event (unscaled) unless it is zero; returns its value. */
  #emit(alert: number, value: number): number {
    if (value === 0) return 0;
    const k = this.eventCount++;
    this.eventAlert[k] = alert;
    this.eventValue[k] = value;
    return value;
  }

  /** Value of an alert's final outcome for the `easy`-style accuracy (0 if not final). */
  #alertValue(a: number, o: number): number {
    const w = this.world;
    if (o === ESCALATED || o === PENDING) return 0;
    const kind = w.aKind[a];
    if (kind === CRITICAL) {
      return o === INVESTIGATED || o === ESCALATION_RESOLVED ? this.table.criticalCorrect : 0;
    }
    if (kind === NOISE) return o === IGNORED ? this.table.otherCorrect : 0;
    return o === INVESTIGATED || o === ESCALATION_RESOLVED ? 0 : this.table.otherCorrect;
  }

  #incidentValue(inc: number): number {
    switch (this.table.incidentValue) {
      case "severity":
        return this.world.iSev[inc];
      case "weight":
        return this.#weight[this.world.iService[inc]];
      default:
        return 1;
    }
  }

  /** Records incidents that appeared since the last call. */
  #sync(): void {
    const w = this.world;
    for (let inc = this.#incSeen; inc < w.incidentCount; inc++) {
      this.#incStatus[inc] = w.iStatus[inc];
    }
    this.#incSeen = w.incidentCount;
  }
}
