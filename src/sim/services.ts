/**
 * The service catalogue: a small e-commerce estate whose dependency graph carries the cascades.
 * A task picks a subset of services; dependencies outside the subset are dropped.
 *
 * Each service has hidden traits that a learner can pick up from outcomes but that no single
 * alert states: how flaky its monitors are, how often it really breaks, which alert types it
 * raises, and how likely its failure spreads into each service that depends on it.
 *
 * @example
 * ```ts
 * import { pickServices } from "./services.ts";
 * const services = pickServices(["db-primary", "storage"]);
 * console.assert(services[0].dependsOn[0] === "storage");
 * ```
 *
 * @module
 */
import type { AlertType } from "../models.ts";

/** Static description of one service of the estate. */
export interface ServiceSpec {
  /** Service name, as shown on alerts. */
  readonly name: string;
  /** Services this one depends on: a failure there can cascade here. */
  readonly dependsOn: readonly string[];
  /** Relative rate of noise alerts raised on this service (monitor flakiness). */
  readonly flakiness: number;
  /** Relative rate at which real incidents start on this service. */
  readonly fragility: number;
  /** Alert types this service's monitors raise, most common first. */
  readonly types: readonly AlertType[];
  /** Probability that a failure here cascades into a service depending on it. */
  readonly cascade: number;
}

/**
 * The full estate. Infrastructure at the bottom (storage, db-primary, cache, queue) is fragile
 * and quiet: its alerts are rare, mostly real, and look mild, while the loud customer-facing
 * services at the top raise many alerts, most of them noise or symptoms.
 */
export const SERVICE_CATALOG: readonly ServiceSpec[] = [
  {
    name: "web-frontend",
    dependsOn: ["api-gateway"],
    flakiness: 3.0,
    fragility: 0.4,
    types: ["APPLICATION", "CPU", "NETWORK"],
    cascade: 0,
  },
  {
    name: "api-gateway",
    dependsOn: ["auth", "orders", "search"],
    flakiness: 2.5,
    fragility: 0.5,
    types: ["NETWORK", "CPU", "APPLICATION"],
    cascade: 0.5,
  },
  {
    name: "auth",
    dependsOn: ["db-primary", "cache"],
    flakiness: 1.0,
    fragility: 0.8,
    types: ["SECURITY", "APPLICATION"],
    cascade: 0.6,
  },
  {
    name: "orders",
    dependsOn: ["payments", "inventory", "queue", "db-primary"],
    flakiness: 1.5,
    fragility: 0.7,
    types: ["APPLICATION", "MEMORY"],
    cascade: 0.5,
  },
  {
    name: "payments",
    dependsOn: ["db-primary", "auth"],
    flakiness: 0.6,
    fragility: 0.8,
    types: ["APPLICATION", "SECURITY", "NETWORK"],
    cascade: 0.6,
  },
  {
    name: "search",
    dependsOn: ["cache", "storage"],
    flakiness: 2.0,
    fragility: 0.5,
    types: ["CPU", "MEMORY"],
    cascade: 0.4,
  },
  {
    name: "inventory",
    dependsOn: ["db-primary", "cache"],
    flakiness: 1.0,
    fragility: 0.6,
    types: ["APPLICATION", "DISK"],
    cascade: 0.5,
  },
  {
    name: "notifications",
    dependsOn: ["queue"],
    flakiness: 2.2,
    fragility: 0.3,
    types: ["NETWORK", "APPLICATION"],
    cascade: 0,
  },
  {
    name: "cache",
    dependsOn: [],
    flakiness: 0.5,
    fragility: 1.2,
    types: ["MEMORY", "CPU"],
    cascade: 0.7,
  },
  {
    name: "queue",
    dependsOn: ["storage"],
    flakiness: 0.5,
    fragility: 1.0,
    types: ["DISK", "NETWORK"],
    cascade: 0.7,
  },
  {
    name: "db-primary",
    dependsOn: ["storage"],
    flakiness: 0.3,
    fragility: 1.4,
    types: ["DISK", "MEMORY", "CPU"],
    cascade: 0.8,
  },
  {
    name: "storage",
    dependsOn: [],
    flakiness: 0.2,
    fragility: 1.3,
    types: ["DISK", "NETWORK"],
    cascade: 0.8,
  },
];

/**
 * Picks services from the catalogue by name, keeping only the dependencies inside the subset.
 * Throws if a name is unknown.
 *
 * @example
 * ```ts
 * import { pickServices } from "./services.ts";
 * console.assert(pickServices(["cache", "auth"]).length === 2);
 * ```
 */
export function pickServices(names: readonly string[]): ServiceSpec[] {
  const chosen = new Set(names);
  return names.map((name) => {
    const spec = SERVICE_CATALOG.find((s) => s.name === name);
    if (!spec) throw new RangeError(`unknown service ${JSON.stringify(name)}`);
    return { ...spec, dependsOn: spec.dependsOn.filter((d) => chosen.has(d)) };
  });
}

/**
 * For each service index, the indices of the services that depend on it (where its failure can
 * cascade to).
 *
 * @example
 * ```ts
 * import { dependentsOf, pickServices } from "./services.ts";
 * const deps = dependentsOf(pickServices(["db-primary", "storage"]));
 * console.assert(deps[1][0] === 0);
 * ```
 */
export function dependentsOf(services: readonly ServiceSpec[]): number[][] {
  const index = new Map(services.map((s, i) => [s.name, i]));
  const out: number[][] = services.map(() => []);
  services.forEach((s, i) => {
    for (const dep of s.dependsOn) out[index.get(dep)!].push(i);
  });
  return out;
}
