/**
 * Small worlds and drivers shared by the core tests.
 *
 * @module
 */
import { AlertTriageEnv } from "../src/env.ts";
import type { Action, AlertTruth, Observation } from "../src/models.ts";
import { DEFAULT_WORLD, type WorldConfig } from "../src/sim/world_config.ts";
import { pickServices, type ServiceSpec } from "../src/sim/services.ts";

/** A world with no background noise at all, for reward-component tests. */
export const QUIET: WorldConfig = {
  ...DEFAULT_WORLD,
  horizon: 20,
  incidentRate: 0,
  noiseRate: 0,
  transientRate: 0,
  burstStart: 0,
  symptomProb: 0,
  cascadeScale: 0,
};

/** Services with fragility overridden (only `fragile` breaks by itself). */
export function servicesWithOnlyFragile(names: string[], fragile: string): ServiceSpec[] {
  return pickServices(names).map((s) => ({ ...s, fragility: s.name === fragile ? 1 : 0 }));
}

/** An environment over `world`, reset with `seed`, until `predicate` holds for some alert. */
export function envWith(
  world: WorldConfig,
  predicate: (t: AlertTruth) => boolean,
  seedStart = 0,
): { env: AlertTriageEnv; observation: Observation; alert: AlertTruth; seed: number } {
  const env = new AlertTriageEnv({ world });
  for (let seed = seedStart; seed < seedStart + 500; seed++) {
    const { observation } = env.reset({ seed });
    const alert = env.state().truth!.alerts.find((t) =>
      t.outcome === "pending" && predicate(t) && observation.alerts.some((a) => a.id === t.id)
    );
    if (alert) return { env, observation, alert, seed };
  }
  throw new Error("no seed produced the wanted alert");
}

/** The hidden truth of one alert. */
export function truthOf(env: AlertTriageEnv, id: string): AlertTruth {
  return env.state().truth!.alerts.find((t) => t.id === id)!;
}

/** Everything observable about an environment, as one comparable string. */
export function snapshot(env: AlertTriageEnv): string {
  return JSON.stringify({ obs: env.observation(), state: env.state(), rng: env.rngState() });
}

/** Plays an episode with a decision function; returns the JSON trajectory. */
export function playEpisode(
  env: AlertTriageEnv,
  seed: number,
  decide: (o: Observation, step: number) => Action,
): string[] {
  const out: string[] = [];
  let { observation } = env.reset({ seed });
  out.push(JSON.stringify(observation));
  for (let step = 0;; step++) {
    const r = env.step(decide(observation, step));
    out.push(JSON.stringify([r.observation, r.reward, r.terminated, r.truncated]));
    observation = r.observation;
    if (r.terminated || r.truncated) return out;
  }
}

/** A deterministic, budget-respecting pseudo-random decision rule keyed on (step, index). */
export function mixedDecisions(o: Observation, step: number): Action {
  let budget = o.investigation_budget;
  const types = ["INVESTIGATE", "IGNORE", "ESCALATE", "DELAY"] as const;
  return {
    decisions: o.alerts.map((a, i) => {
      let t = types[(step * 7 + i * 3 + a.age) % 4];
      if (t === "INVESTIGATE" && budget-- <= 0) t = "DELAY";
      return { alert_id: a.id, action_type: t };
    }),
  };
}
