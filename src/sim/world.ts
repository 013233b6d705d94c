/**
 * The hidden world: alerts, incidents, specialists, damage and cascades, held in preallocated
 * typed arrays so that a tick allocates nothing. The world trusts its caller: decisions arrive
 * as one small integer per queued alert (validated by the environment at the edge).
 *
 * A tick runs in a fixed order, so that the same seed and decisions give the same trajectory:
 * 1. apply the decisions to the queue (INVESTIGATE, IGNORE, ESCALATE; DELAY keeps the alert);
 * 2. advance the clock; specialists finish escalations that are due;
 * 3. the queue ages: transients heal, noise and symptoms expire, symptoms of closed incidents clear;
 * 4. unhandled incidents do damage; an incident left too long fails (shorter under load), and a
 *    failure may cascade into each dependent service with that service's hidden probability;
 * 5. new alerts arrive (incident roots, symptoms on dependents, noise in bursts, transients:
 *    the arrival process lives in `arrivals.ts`);
 * 6. system load and the investigation budget are updated.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORLD } from "./world_config.ts";
 * import { World } from "./world.ts";
 * const world = new World(DEFAULT_WORLD);
 * world.reset(1);
 * world.step(new Int8Array(world.queueLength).fill(3)); // delay everything
 * ```
 *
 * @module
 */
import { Rng } from "../rng.ts";
import type { WorldConfig } from "./world_config.ts";
import { dependentsOf } from "./services.ts";
import { clamp01 } from "../numbers.ts";
import {
  ACTIVE,
  CLEARED,
  CRITICAL,
  DELAY,
  DROPPED,
  ESCALATED,
  ESCALATION_RESOLVED,
  EXPIRED,
  FAILED,
  FAILED_INCIDENT,
  IGNORE,
  IGNORED,
  INVESTIGATE,
  INVESTIGATED,
  NOISE,
  PENDING,
  R_CASCADE,
  R_FAILURE,
  R_FP,
  R_MISSED,
  R_RESOLVED,
  R_UNNEEDED,
  R_WASTED,
  RESOLVED,
  REWARD_COUNT,
  REWARD_WEIGHTS,
  SELF_RESOLVED,
  SYMPTOM,
  TRANSIENT,
} from "./codes.ts";
import { Arrivals } from "./arrivals.ts";

export * from "./codes.ts";

/** Alerts and incidents a new world has room for before its arrays first grow. */
const INITIAL_ALERTS = 64, INITIAL_INCIDENTS = 16;

/** The next size of a pool of `size` entries that may hold at most `max`. */
function grownSize(size: number, max: number): number {
  if (size >= max) throw new RangeError(`the pool is full (${max} entries)`);
  return Math.min(max, 2 * size);
}

/** `into` with `from` copied to its start. */
function grown<T extends Int8Array | Int16Array | Int32Array | Float64Array>(from: T, into: T): T {
  into.set(from as never);
  return into;
}

/** The simulated estate. One instance is reused across episodes. */
export class World {
  /** The configuration this world runs. */
  readonly config: WorldConfig;
  /** For each service, the services depending on it. */
  readonly dependents: readonly (readonly number[])[];
  /**
   * Most alerts one episode can hold (the worst case of the arrival process). The alert and
   * incident arrays below start smaller and grow on demand (doubling, up to this), so a world
   * holds what its episodes use (~15x less than the worst case on the built-in tasks): read
   * them through the world at each use, never keep a reference across a step.
   */
  readonly alertCapacity: number;
  /** Service index of each alert. */
  aService: Int16Array;
  /** Alert type index (ALERT_TYPES order) of each alert. */
  aType: Int8Array;
  /** Hidden kind code of each alert (CRITICAL, SYMPTOM, TRANSIENT, NOISE). */
  aKind: Int8Array;
  /** Hidden true severity of each alert. */
  aTrueSev: Float64Array;
  /** Visible (noisy) severity of each alert. */
  aVisSev: Float64Array;
  /** Visible confidence of each alert. */
  aConf: Float64Array;
  /** Tick each alert arrived. */
  aArrived: Int32Array;
  /** Incident of each alert, -1 for none. */
  aIncident: Int32Array;
  /** Outcome code of each alert (PENDING while queued). */
  aOutcome: Int8Array;
  /** Tick of each alert's outcome, -1 while pending. */
  aOutcomeTick: Int32Array;
  /** Last explicit decision code on each alert, -1 for none. */
  aDecision: Int8Array;
  /** Tick at which the alert heals/expires (queue) or its escalation completes. */
  aDue: Int32Array;
  /** Alerts waiting for a decision, oldest first. */
  readonly queue: Int32Array;
  /** Escalated alerts not yet completed. */
  escalations: Int32Array;
  /** Service index of each incident. */
  iService: Int16Array;
  /** Root-cause alert of each incident. */
  iRoot: Int32Array;
  /** Tick each incident started. */
  iStart: Int32Array;
  /** Status code of each incident (ACTIVE, RESOLVED, FAILED_INCIDENT). */
  iStatus: Int8Array;
  /** Tick each incident ended, -1 while active. */
  iEnd: Int32Array;
  /** Incident whose failure caused each incident, -1 for none. */
  iParent: Int32Array;
  /** Hidden true severity of each incident. */
  iSev: Float64Array;
  /** Active incident per service, -1 for none. */
  readonly serviceIncident: Int32Array;
  /** Per-step count of each reward component (reset at every step). */
  readonly rewardCounts: Int32Array = new Int32Array(REWARD_COUNT);
  /** Episode totals of each reward component. */
  readonly episodeCounts: Int32Array = new Int32Array(REWARD_COUNT);

  /** Alerts that arrived this episode. */
  alertCount = 0;
  /** Incidents that started this episode. */
  incidentCount = 0;
  /** Alerts waiting for a decision. */
  queueLength = 0;
  /** Escalations not yet completed. */
  escalationCount = 0;
  /** Current tick. */
  tick = 0;
  /** Accumulated damage. */
  damage = 0;
  /** System failures so far. */
  failures = 0;
  /** System load, 0..1. */
  load = 0;
  /** INVESTIGATE decisions allowed this tick. */
  budget = 0;
  /** Whether a noise burst is running. */
  burst = false;
  /** Damage passed the failure threshold. */
  terminated = false;
  /** The horizon was reached. */
  truncated = false;
  #rng: Rng = new Rng(0);
  readonly #arrivals: Arrivals;
  readonly #specFree: Int32Array;
  // Per-configuration constants, read once so that a tick does no lookups by name.
  readonly #horizon: number;
  readonly #escalationTicks: number;
  readonly #failureThreshold: number;
  /** Probability that a failure of each service cascades into each of its dependents. */
  readonly #cascadeP: Float64Array;
  /** Whether resolving an incident on each service prevents a possible cascade. */
  readonly #cascadePotential: Uint8Array;
  /**
   * {@link World.dependents} flattened: the dependents of service `s` are
   * `deps[depStart[s]..depStart[s+1]]` (read-only use; the arrival process reads them too).
   */
  readonly depStart: Int32Array;
  /** See {@link World.depStart}. */
  readonly deps: Int32Array;

  /** Builds a world for a configuration; call {@link World.reset} before stepping. */
  constructor(config: WorldConfig) {
    this.config = config;
    this.dependents = dependentsOf(config.services);
    const cap = Arrivals.capacity(config);
    this.alertCapacity = cap;
    const alerts = Math.min(cap, INITIAL_ALERTS), incidents = Math.min(cap, INITIAL_INCIDENTS);
    this.aService = new Int16Array(alerts);
    this.aType = new Int8Array(alerts);
    this.aKind = new Int8Array(alerts);
    this.aTrueSev = new Float64Array(alerts);
    this.aVisSev = new Float64Array(alerts);
    this.aConf = new Float64Array(alerts);
    this.aArrived = new Int32Array(alerts);
    this.aIncident = new Int32Array(alerts);
    this.aOutcome = new Int8Array(alerts);
    this.aOutcomeTick = new Int32Array(alerts);
    this.aDecision = new Int8Array(alerts);
    this.aDue = new Int32Array(alerts);
    this.queue = new Int32Array(config.maxQueue);
    this.escalations = new Int32Array(alerts);
    this.iService = new Int16Array(incidents);
    this.iRoot = new Int32Array(incidents);
    this.iStart = new Int32Array(incidents);
    this.iStatus = new Int8Array(incidents);
    this.iEnd = new Int32Array(incidents);
    this.iParent = new Int32Array(incidents);
    this.iSev = new Float64Array(incidents);
    this.serviceIncident = new Int32Array(config.services.length);
    this.#specFree = new Int32Array(Math.max(1, config.specialists));
    this.#horizon = config.horizon;
    this.#escalationTicks = config.escalationTicks;
    this.#failureThreshold = config.failureThreshold;
    const services = config.services;
    this.#cascadeP = Float64Array.from(services, (s) => s.cascade * config.cascadeScale);
    this.#cascadePotential = Uint8Array.from(
      services,
      (s, i) => config.cascadeScale > 0 && s.cascade > 0 && this.dependents[i].length > 0 ? 1 : 0,
    );
    this.depStart = new Int32Array(services.length + 1);
    this.dependents.forEach((d, i) => this.depStart[i + 1] = this.depStart[i] + d.length);
    this.deps = Int32Array.from(this.dependents.flat());
    this.#arrivals = new Arrivals(this);
  }

  /**
   * Makes room for one more alert (the arrival process calls it when `alertCount` reaches the
   * arrays' length): the alert arrays and the escalation list double, up to
   * {@link World.alertCapacity}.
   */
  growAlerts(): void {
    const size = grownSize(this.aService.length, this.alertCapacity);
    this.aService = grown(this.aService, new Int16Array(size));
    this.aType = grown(this.aType, new Int8Array(size));
    this.aKind = grown(this.aKind, new Int8Array(size));
    this.aTrueSev = grown(this.aTrueSev, new Float64Array(size));
    this.aVisSev = grown(this.aVisSev, new Float64Array(size));
    this.aConf = grown(this.aConf, new Float64Array(size));
    this.aArrived = grown(this.aArrived, new Int32Array(size));
    this.aIncident = grown(this.aIncident, new Int32Array(size));
    this.aOutcome = grown(this.aOutcome, new Int8Array(size));
    this.aOutcomeTick = grown(this.aOutcomeTick, new Int32Array(size));
    this.aDecision = grown(this.aDecision, new Int8Array(size));
    this.aDue = grown(this.aDue, new Int32Array(size));
    this.escalations = grown(this.escalations, new Int32Array(size));
  }

  /** Makes room for one more incident: the incident arrays double, up to the alert capacity. */
  growIncidents(): void {
    const size = grownSize(this.iService.length, this.alertCapacity);
    this.iService = grown(this.iService, new Int16Array(size));
    this.iRoot = grown(this.iRoot, new Int32Array(size));
    this.iStart = grown(this.iStart, new Int32Array(size));
    this.iStatus = grown(this.iStatus, new Int8Array(size));
    this.iEnd = grown(this.iEnd, new Int32Array(size));
    this.iParent = grown(this.iParent, new Int32Array(size));
    this.iSev = grown(this.iSev, new Float64Array(size));
  }

  /** The RNG state (for Gymnasium's reset-determinism check and for snapshots). */
  rngState(): number[] {
    return this.#rng.getState();
  }

  /** Starts a new episode from a seed; the first alerts arrive at tick 0. */
  reset(seed: number): void {
    this.#rng = new Rng(seed);
    this.alertCount = 0;
    this.incidentCount = 0;
    this.queueLength = 0;
    this.escalationCount = 0;
    this.tick = 0;
    this.damage = 0;
    this.failures = 0;
    this.burst = false;
    this.terminated = false;
    this.truncated = false;
    this.serviceIncident.fill(-1);
    this.#specFree.fill(0);
    this.episodeCounts.fill(0);
    this.rewardCounts.fill(0);
    this.#arrivals.reset();
    this.#arrivals.arrive(this.#rng);
    this.#updateLoad();
  }

  /** Reward of the last step: the weighted sum of {@link World.rewardCounts}. */
  lastReward(): number {
    const c = this.rewardCounts;
    let r = 0;
    for (let i = 0; i < REWARD_COUNT; i++) r += c[i] * REWARD_WEIGHTS[i];
    return r;
  }

  /**
   * Advances one tick. `decisions[i]` is the decision for `queue[i]` (0..3, as ACTION_TYPES).
   * INVESTIGATE decisions beyond the budget are treated as DELAY (the environment rejects them
   * before they get here).
   */
  step(decisions: ArrayLike<number>): void {
    const counts = this.rewardCounts;
    for (let i = 0; i < REWARD_COUNT; i++) counts[i] = 0;
    this.#arrivals.beginTick();
    this.#applyDecisions(decisions);
    this.tick++;
    if (this.escalationCount > 0) this.#completeEscalations();
    this.#ageQueue();
    this.#advanceIncidents();
    if (this.tick < this.#horizon) this.#arrivals.arrive(this.#rng);
    this.#updateLoad();
    const totals = this.episodeCounts;
    for (let i = 0; i < REWARD_COUNT; i++) totals[i] += counts[i];
    this.terminated = this.damage >= this.#failureThreshold;
    this.truncated = !this.terminated && this.tick >= this.#horizon;
  }

  #applyDecisions(decisions: ArrayLike<number>): void {
    const q = this.queue;
    let kept = 0;
    let investigations = 0;
    for (let i = 0; i < this.queueLength; i++) {
      const a = q[i];
      let d = decisions[i] ?? DELAY;
      if (d === INVESTIGATE && ++investigations > this.budget) d = DELAY;
      if (d === DELAY) {
        q[kept++] = a;
        continue;
      }
      this.aDecision[a] = d;
      const critical = this.aKind[a] === CRITICAL;
      if (d === INVESTIGATE) {
        this.#close(a, INVESTIGATED);
        if (critical) this.#resolveIncident(this.aIncident[a]);
        else this.rewardCounts[R_UNNEEDED]++;
      } else if (d === IGNORE) {
        this.#close(a, IGNORED);
        if (critical) this.rewardCounts[R_MISSED]++;
        else if (this.aKind[a] === NOISE) this.rewardCounts[R_FP]++;
      } else {
        this.#escalate(a);
        if (!critical) this.rewardCounts[R_WASTED]++;
      }
    }
    this.queueLength = kept;
  }

  #close(a: number, outcome: number): void {
    this.aOutcome[a] = outcome;
    this.aOutcomeTick[a] = this.tick;
  }

  #escalate(a: number): void {
    const free = this.#specFree;
    let j = 0;
    for (let s = 1; s < free.length; s++) if (free[s] < free[j]) j = s;
    const start = free[j] > this.tick ? free[j] : this.tick;
    free[j] = start + this.#escalationTicks;
    this.aDue[a] = free[j];
    this.#close(a, ESCALATED);
    this.escalations[this.escalationCount++] = a;
  }

  #resolveIncident(inc: number): void {
    if (inc < 0 || this.iStatus[inc] !== ACTIVE) return;
    this.iStatus[inc] = RESOLVED;
    this.iEnd[inc] = this.tick;
    this.serviceIncident[this.iService[inc]] = -1;
    this.rewardCounts[R_RESOLVED]++;
    if (this.#cascadePotential[this.iService[inc]] === 1) this.rewardCounts[R_CASCADE]++;
  }

  #completeEscalations(): void {
    let kept = 0;
    for (let i = 0; i < this.escalationCount; i++) {
      const a = this.escalations[i];
      if (this.aDue[a] > this.tick) {
        this.escalations[kept++] = a;
        continue;
      }
      this.#close(a, ESCALATION_RESOLVED);
      if (this.aKind[a] === CRITICAL) this.#resolveIncident(this.aIncident[a]);
    }
    this.escalationCount = kept;
  }

  #ageQueue(): void {
    const q = this.queue;
    let kept = 0;
    for (let i = 0; i < this.queueLength; i++) {
      const a = q[i];
      const kind = this.aKind[a];
      if (kind === SYMPTOM && this.iStatus[this.aIncident[a]] !== ACTIVE) {
        this.#close(a, CLEARED);
      } else if (kind !== CRITICAL && this.aDue[a] <= this.tick) {
        this.#close(a, kind === TRANSIENT ? SELF_RESOLVED : EXPIRED);
      } else {
        q[kept++] = a;
      }
    }
    this.queueLength = kept;
  }

  #advanceIncidents(): void {
    const cfg = this.config;
    const patience = Math.max(1, Math.round(cfg.failAfter * (1 - cfg.loadSensitivity * this.load)));
    const n = this.incidentCount;
    for (let inc = 0; inc < n; inc++) {
      if (this.iStatus[inc] !== ACTIVE) continue;
      this.damage += this.iSev[inc] * cfg.damagePerTick * (1 + this.load);
      if (this.tick - this.iStart[inc] >= patience) this.#fail(inc);
    }
  }

  #fail(inc: number): void {
    const cfg = this.config;
    const s = this.iService[inc];
    this.iStatus[inc] = FAILED_INCIDENT;
    this.iEnd[inc] = this.tick;
    this.serviceIncident[s] = -1;
    this.failures++;
    this.damage += cfg.failureDamage;
    this.rewardCounts[R_FAILURE]++;
    const root = this.iRoot[inc];
    const outcome = this.aOutcome[root];
    if (outcome === PENDING || outcome === ESCALATED || outcome === DROPPED) {
      // The root alert was still waiting (in the queue, with a specialist, or never seen).
      if (outcome === PENDING) this.#removeFromQueue(root);
      if (outcome === ESCALATED) this.#removeEscalation(root);
      this.#close(root, FAILED);
      this.rewardCounts[R_MISSED]++;
    }
    const p = this.#cascadeP[s];
    if (p <= 0) return;
    const rng = this.#rng;
    for (let j = this.depStart[s], end = this.depStart[s + 1]; j < end; j++) {
      const d = this.deps[j];
      if (rng.float() < p && this.serviceIncident[d] < 0) this.#arrivals.startIncident(d, inc, rng);
    }
  }

  #removeFromQueue(a: number): void {
    const q = this.queue;
    let kept = 0;
    for (let i = 0; i < this.queueLength; i++) if (q[i] !== a) q[kept++] = q[i];
    this.queueLength = kept;
  }

  #removeEscalation(a: number): void {
    let kept = 0;
    for (let i = 0; i < this.escalationCount; i++) {
      if (this.escalations[i] !== a) this.escalations[kept++] = this.escalations[i];
    }
    this.escalationCount = kept;
  }

  #updateLoad(): void {
    const cfg = this.config;
    const load = 0.15 + 0.45 * this.queueLength / cfg.maxQueue +
      0.35 * this.damage / cfg.failureThreshold + (this.burst ? 0.1 : 0);
    this.load = clamp01(load);
    this.budget = this.load > 0.8 ? Math.max(1, cfg.k - 1) : cfg.k;
  }
}
