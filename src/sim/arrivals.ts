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
import { Rng } from "../rng.ts";
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
  // Per-configuration constants, read once here so that a tick does no property lookups by name.
  readonly #serviceCount: number;
  readonly #maxQueue: number;
  readonly #symptomProb: number;
  readonly #burstStart: number;
  readonly #burstEnd: number;
  readonly #incidentLimit: number;
  readonly #noiseLimit: number;
  readonly #burstNoiseLimit: number;
  readonly #transientLimit: number;
  readonly #severityNoise: number;
  readonly #confidenceNoise: number;
  readonly #rootMildness: number;
  readonly #symptomLoudness: number;
  readonly #noiseTtl: number;
  readonly #transientLo: number;
  readonly #transientSpan: number;
  /** Confidence bias per alert type code. */
  readonly #confidenceBias: Float64Array;
  /** How loud noise looks on each service (`noiseLoudness x min(1, flakiness / 2)`). */
  readonly #noiseLoud: Float64Array;
  /** Alert types each service raises, as codes: service `s` at `s * #typeStride`. */
  readonly #typeCodes: Int8Array;
  readonly #typeCount: Int8Array;
  readonly #typeStride: number;
  /** Dependents of each service, flattened: those of `s` are `#deps[#depStart[s]..#depStart[s+1]]`. */
  readonly #depStart: Int32Array;
  readonly #deps: Int32Array;

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
    const services = config.services;
    this.#fragilityCdf = cdf(services.map((s) => s.fragility));
    this.#flakinessCdf = cdf(services.map((s) => s.flakiness));
    this.#replay = encodeReplay(config);
    this.#serviceCount = services.length;
    this.#maxQueue = config.maxQueue;
    this.#symptomProb = config.symptomProb;
    this.#burstStart = config.burstStart;
    this.#burstEnd = config.burstEnd;
    // `noiseRate x 1` outside bursts is `noiseRate` exactly.
    this.#incidentLimit = Rng.poissonLimit(config.incidentRate);
    this.#noiseLimit = Rng.poissonLimit(config.noiseRate);
    this.#burstNoiseLimit = Rng.poissonLimit(config.noiseRate * config.burstMultiplier);
    this.#transientLimit = Rng.poissonLimit(config.transientRate);
    this.#severityNoise = config.severityNoise;
    this.#confidenceNoise = config.confidenceNoise;
    this.#rootMildness = config.rootMildness;
    this.#symptomLoudness = config.symptomLoudness;
    this.#noiseTtl = config.noiseTtl;
    const [lo, hi] = config.transientLife;
    this.#transientLo = lo;
    this.#transientSpan = hi - lo + 1;
    const typeCount = Object.keys(TYPE_INDEX).length;
    // A missing bias reads as NaN, as `undefined` would in arithmetic.
    this.#confidenceBias = Float64Array.from(
      { length: typeCount },
      (_, i) => config.confidenceBias[i] ?? NaN,
    );
    this.#noiseLoud = Float64Array.from(
      services,
      (s) => config.noiseLoudness * Math.min(1, s.flakiness / 2),
    );
    const stride = Math.max(1, ...services.map((s) => s.types.length));
    this.#typeStride = stride;
    this.#typeCount = Int8Array.from(services, (s) => s.types.length);
    this.#typeCodes = new Int8Array(services.length * stride);
    services.forEach((s, i) =>
      s.types.forEach((t, j) => this.#typeCodes[i * stride + j] = TYPE_INDEX[t])
    );
    this.#depStart = world.depStart;
    this.#deps = world.deps;
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
    const w = this.#w;
    w.burst = w.burst ? !rng.bernoulli(this.#burstEnd) : rng.bernoulli(this.#burstStart);
    // Symptoms of incidents already running, on the services that depend on them.
    const n = w.incidentCount;
    const depStart = this.#depStart;
    const deps = this.#deps;
    const iStatus = w.iStatus;
    const iService = w.iService;
    const symptomProb = this.#symptomProb;
    for (let inc = 0; inc < n; inc++) {
      if (iStatus[inc] !== ACTIVE) continue;
      const s = iService[inc];
      for (let j = depStart[s], end = depStart[s + 1]; j < end; j++) {
        if (rng.float() < symptomProb) this.#symptom(rng, deps[j], inc);
      }
    }
    const incidents = rng.poissonFrom(this.#incidentLimit);
    for (let i = 0; i < incidents; i++) {
      const s = pick(this.#fragilityCdf, rng.float());
      if (w.serviceIncident[s] < 0) this.startIncident(s, -1, rng);
    }
    const noise = rng.poissonFrom(w.burst ? this.#burstNoiseLimit : this.#noiseLimit);
    for (let i = 0; i < noise; i++) this.#noise(rng, pick(this.#flakinessCdf, rng.float()));
    const transients = rng.poissonFrom(this.#transientLimit);
    for (let i = 0; i < transients; i++) this.#transient(rng, rng.int(this.#serviceCount));
    if (this.#replayCursor < this.#replay.tick.length) this.#replayArrivals();
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
    const visible = sev * (1 - this.#rootMildness * rng.uniform(0.3, 1));
    this.#w.iRoot[inc] = this.#alert(rng, s, CRITICAL, sev, visible, 0.72, inc, -1);
  }

  #openIncident(s: number, parent: number, sev: number): number {
    const w = this.#w;
    const inc = w.incidentCount++;
    if (inc === w.iService.length) w.growIncidents();
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
    const sev = rng.uniform(0.4, 0.65);
    const visible = sev + this.#symptomLoudness * rng.uniform(0.5, 1);
    this.#alert(rng, s, SYMPTOM, sev, visible, 0.7, inc, this.#w.tick + this.#noiseTtl);
  }

  #noise(rng: Rng, s: number): void {
    if (this.#tickArrivals >= MAX_ARRIVALS_PER_TICK) return;
    const sev = rng.uniform(0, 0.25);
    const visible = sev + this.#noiseLoud[s] * rng.uniform(0.5, 2);
    this.#alert(rng, s, NOISE, sev, visible, 0.45, -1, this.#w.tick + this.#noiseTtl);
  }

  #transient(rng: Rng, s: number): void {
    if (this.#tickArrivals >= MAX_ARRIVALS_PER_TICK) return;
    const sev = rng.uniform(0.3, 0.6);
    const life = this.#transientLo + rng.int(this.#transientSpan);
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
    const types = this.#typeCount[s];
    // Most alerts carry the service's main type; some carry one of its others.
    const t = types > 1 && rng.float() < 0.35 ? 1 + rng.int(types - 1) : 0;
    const type = this.#typeCodes[s * this.#typeStride + t];
    const vis = clamp01(visible + this.#severityNoise * rng.normal());
    const c = Math.min(
      0.99,
      Math.max(0.01, conf + this.#confidenceBias[type] + this.#confidenceNoise * rng.normal()),
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
    if (a === w.aService.length) w.growAlerts();
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
    if (w.queueLength < this.#maxQueue) {
      w.aOutcome[a] = PENDING;
      w.queue[w.queueLength++] = a;
    } else {
      w.aOutcome[a] = DROPPED;
      w.aOutcomeTick[a] = w.tick;
    }
    return a;
  }
}
