/**
 * Where alerts come from: the arrival process of the hidden world. Each tick it draws, in a
 * fixed order, symptom alerts of the incidents already running (on the services that depend on
 * them), new incidents with their root-cause alerts (on fragile services more often), noise
 * (more of it during bursts, on flaky services), transients, and any real alerts replayed into
 * the episode. Every alert gets its hidden truth (kind, true severity, incident) and the noisy
 * values the agent sees. It writes into the {@link World}'s typed arrays and allocates nothing.
 *
 * @example
 * ```ts
 * import { DEFAULT_WORLD } from "./world_config.ts";
 * import { Arrivals } from "./arrivals.ts";
 * console.assert(Arrivals.capacity(DEFAULT_WORLD) > DEFAULT_WORLD.horizon);
 * ```
 *
 * @module
 */
import type { Rng } from "../rng.ts";
import { clamp01 } from "../numbers.ts";
import type { WorldConfig } from "./world_config.ts";
import { MAX_ARRIVALS_PER_TICK } from "./world_config.ts";
import {
  ACTIVE,
  CRITICAL,
  DROPPED,
  NOISE,
  PENDING,
  SYMPTOM,
  TRANSIENT,
  TYPE_INDEX,
} from "./codes.ts";
import { cdf, type EncodedReplay, encodeReplay, pick } from "./world_helpers.ts";
import type { World } from "./world.ts";

/** The arrival process of one {@link World}. */
export class Arrivals {
  readonly #w: World;
  #tickArrivals = 0;
  #replayCursor = 0;
  readonly #replay: EncodedReplay;
  readonly #fragilityCdf: Float64Array;
  readonly #flakinessCdf: Float64Array;

  /**
   * Most alerts one episode of this configuration can hold. Non-root arrivals are capped per
   * tick; roots are at most two per service per tick (one new, one cascaded), so this capacity
   * is never exceeded.
   */
  static capacity(config: WorldConfig): number {
    return (config.horizon + 1) * (MAX_ARRIVALS_PER_TICK + 2 * config.services.length);
  }

  /** The arrival process writing into `world`. */
  constructor(world: World) {
    this.#w = world;
    const config = world.config;
    this.#fragilityCdf = cdf(config.services.map((s) => s.fragility));
    this.#flakinessCdf = cdf(config.services.map((s) => s.flakiness));
    this.#replay = encodeReplay(config);
  }

  /** Forgets the last episode (replay from the start). */
  reset(): void {
    this.#tickArrivals = 0;
    this.#replayCursor = 0;
  }

  /** Starts a tick's count of non-root arrivals (capped at `MAX_ARRIVALS_PER_TICK`). */
  beginTick(): void {
    this.#tickArrivals = 0;
  }

  /** Draws this tick's arrivals: symptoms, new incidents, noise, transients, replayed alerts. */
  arrive(rng: Rng): void {
    const cfg = this.#w.config;
    const w = this.#w;
    w.burst = w.burst ? !rng.bernoulli(cfg.burstEnd) : rng.bernoulli(cfg.burstStart);
    // Symptoms of incidents already running, on the services that depend on them.
    const n = w.incidentCount;
    for (let inc = 0; inc < n; inc++) {
      if (w.iStatus[inc] !== ACTIVE) continue;
      for (const d of w.dependents[w.iService[inc]]) {
        if (rng.float() < cfg.symptomProb) this.#symptom(rng, d, inc);
      }
    }
    const incidents = rng.poisson(cfg.incidentRate);
    for (let i = 0; i < incidents; i++) {
      const s = pick(this.#fragilityCdf, rng.float());
      if (w.serviceIncident[s] < 0) this.startIncident(s, -1, rng);
    }
    const noise = rng.poisson(cfg.noiseRate * (w.burst ? cfg.burstMultiplier : 1));
    for (let i = 0; i < noise; i++) this.#noise(rng, pick(this.#flakinessCdf, rng.float()));
    const transients = rng.poisson(cfg.transientRate);
    for (let i = 0; i < transients; i++) this.#transient(rng, rng.int(cfg.services.length));
    this.#replayArrivals();
  }

  /** Real alerts due at this tick, with their recorded values (no added noise). */
  #replayArrivals(): void {
    const r = this.#replay;
    const w = this.#w;
    while (this.#replayCursor < r.tick.length && r.tick[this.#replayCursor] <= w.tick) {
      const i = this.#replayCursor++;
      const s = r.service[i];
      const kind = r.kind[i];
      if (kind !== CRITICAL && this.#tickArrivals >= MAX_ARRIVALS_PER_TICK) continue;
      if (kind === CRITICAL && w.serviceIncident[s] < 0) {
        const inc = this.#openIncident(s, -1, r.trueSev[i]);
        w.iRoot[inc] = this.#place(
          s,
          r.type[i],
          CRITICAL,
          r.trueSev[i],
          r.visSev[i],
          r.conf[i],
          inc,
          -1,
        );
      } else if (kind === CRITICAL) {
        // The service is already failing: a second critical alert is a symptom of it.
        const inc = w.serviceIncident[s];
        const due = w.tick + w.config.noiseTtl;
        this.#place(s, r.type[i], SYMPTOM, r.trueSev[i], r.visSev[i], r.conf[i], inc, due);
      } else {
        const due = w.tick + Math.max(1, r.life[i]);
        this.#place(s, r.type[i], kind, r.trueSev[i], r.visSev[i], r.conf[i], -1, due);
      }
    }
  }

  /** Opens an incident on service `s` (caused by incident `parent`, or -1) with its root alert. */
  startIncident(s: number, parent: number, rng: Rng): void {
    const sev = rng.uniform(0.7, 1);
    const inc = this.#openIncident(s, parent, sev);
    const visible = sev * (1 - this.#w.config.rootMildness * rng.uniform(0.3, 1));
    this.#w.iRoot[inc] = this.#alert(rng, s, CRITICAL, sev, visible, 0.72, inc, -1);
  }

  #openIncident(s: number, parent: number, sev: number): number {
    const w = this.#w;
    const inc = w.incidentCount++;
    w.iService[inc] = s;
    w.iStart[inc] = w.tick;
    w.iStatus[inc] = ACTIVE;
    w.iEnd[inc] = -1;
    w.iParent[inc] = parent;
    w.iSev[inc] = sev;
    w.serviceIncident[s] = inc;
    return inc;
  }

  #symptom(rng: Rng, s: number, inc: number): void {
    if (this.#tickArrivals >= MAX_ARRIVALS_PER_TICK) return;
    const cfg = this.#w.config;
    const sev = rng.uniform(0.4, 0.65);
    const visible = sev + cfg.symptomLoudness * rng.uniform(0.5, 1);
    this.#alert(rng, s, SYMPTOM, sev, visible, 0.7, inc, this.#w.tick + cfg.noiseTtl);
  }

  #noise(rng: Rng, s: number): void {
    if (this.#tickArrivals >= MAX_ARRIVALS_PER_TICK) return;
    const cfg = this.#w.config;
    const sev = rng.uniform(0, 0.25);
    const loud = cfg.noiseLoudness * Math.min(1, cfg.services[s].flakiness / 2);
    const visible = sev + loud * rng.uniform(0.5, 2);
    this.#alert(rng, s, NOISE, sev, visible, 0.45, -1, this.#w.tick + cfg.noiseTtl);
  }

  #transient(rng: Rng, s: number): void {
    if (this.#tickArrivals >= MAX_ARRIVALS_PER_TICK) return;
    const [lo, hi] = this.#w.config.transientLife;
    const sev = rng.uniform(0.3, 0.6);
    const life = lo + rng.int(hi - lo + 1);
    this.#alert(rng, s, TRANSIENT, sev, sev, 0.6, -1, this.#w.tick + life);
  }

  /** Adds an alert to the pool and, if there is room, to the queue. Returns its index. */
  #alert(
    rng: Rng,
    s: number,
    kind: number,
    sev: number,
    visible: number,
    conf: number,
    inc: number,
    due: number,
  ): number {
    const cfg = this.#w.config;
    const types = cfg.services[s].types;
    // Most alerts carry the service's main type; some carry one of its others.
    const t = types.length > 1 && rng.float() < 0.35 ? 1 + rng.int(types.length - 1) : 0;
    const type = TYPE_INDEX[types[t]];
    const vis = clamp01(visible + cfg.severityNoise * rng.normal());
    const c = Math.min(
      0.99,
      Math.max(0.01, conf + cfg.confidenceBias[type] + cfg.confidenceNoise * rng.normal()),
    );
    return this.#place(s, type, kind, sev, vis, c, inc, due);
  }

  /** Writes an alert with final visible values into the pool and, if there is room, the queue. */
  #place(
    s: number,
    type: number,
    kind: number,
    sev: number,
    visible: number,
    conf: number,
    inc: number,
    due: number,
  ): number {
    const w = this.#w;
    const a = w.alertCount++;
    if (kind !== CRITICAL) this.#tickArrivals++;
    w.aService[a] = s;
    w.aType[a] = type;
    w.aKind[a] = kind;
    w.aTrueSev[a] = sev;
    w.aVisSev[a] = visible;
    w.aConf[a] = conf;
    w.aArrived[a] = w.tick;
    w.aIncident[a] = inc;
    w.aOutcomeTick[a] = -1;
    w.aDecision[a] = -1;
    w.aDue[a] = due;
    if (w.queueLength < w.config.maxQueue) {
      w.aOutcome[a] = PENDING;
      w.queue[w.queueLength++] = a;
    } else {
      w.aOutcome[a] = DROPPED;
      w.aOutcomeTick[a] = w.tick;
    }
    return a;
  }
}
