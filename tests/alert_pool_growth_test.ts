/**
 * The world's alert and incident arrays start small and grow on demand (`World.growAlerts`,
 * `World.growIncidents`): a fresh world, whose arrays grow in the middle of its episodes, plays
 * every episode exactly as a world whose arrays already grew (same observations, rewards and
 * hidden truth), on the built-in tasks and on a world with so many incidents that the incident
 * arrays grow several times; and a world holds far less than the worst case it could need.
 *
 * @module
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { World } from "../src/sim/world.ts";
import { readTruth } from "../src/sim/truth.ts";
import { Rng } from "../src/rng.ts";
import { getTask } from "../tasks/registry.ts";
import type { WorldConfig } from "../src/sim/world_config.ts";

/** Plays one episode on seeded random codes; a transcript of everything a player or grader sees. */
function play(world: World, seed: number, actionSeed: number): string {
  const rng = new Rng(actionSeed);
  world.reset(seed);
  const out: unknown[] = [];
  while (!world.terminated && !world.truncated) {
    const codes = new Int8Array(world.queueLength);
    for (let i = 0; i < codes.length; i++) codes[i] = rng.int(4);
    world.step(codes);
    const q = Array.from(world.queue.subarray(0, world.queueLength));
    out.push(world.lastReward(), world.load, q.map((a) => [world.aVisSev[a], world.aConf[a]]));
  }
  return JSON.stringify([out, readTruth(world)]);
}

const STORMY: WorldConfig = {
  ...getTask("hard").world,
  incidentRate: 1.5,
  horizon: 60,
};

for (const config of [getTask("easy").world, getTask("hard").world, STORMY]) {
  const name = config === STORMY ? "a world of many incidents" : "a built-in task";
  Deno.test(`world growth: a growing world plays like a grown one (${name})`, () => {
    const grownWorld = new World(config);
    for (let s = 0; s < 20; s++) play(grownWorld, 1_000 + s, s); // its arrays grow here
    fc.assert(
      fc.property(fc.nat(1_000_000), fc.nat(1_000_000), (seed, actionSeed) => {
        const fresh = new World(config);
        assert.equal(play(fresh, seed, actionSeed), play(grownWorld, seed, actionSeed));
      }),
      { numRuns: 40 },
    );
  });
}

Deno.test("world growth: the incident arrays grow past their first size, and stay far below the worst case", () => {
  const world = new World(STORMY);
  const first = world.iService.length;
  let incidents = 0, alerts = 0;
  for (let s = 0; s < 10; s++) {
    play(world, s, s);
    incidents = Math.max(incidents, world.incidentCount);
    alerts = Math.max(alerts, world.alertCount);
  }
  assert.ok(incidents > first, `episodes reached only ${incidents} incidents (arrays of ${first})`);
  assert.ok(world.iService.length >= incidents && world.aService.length >= alerts);
  assert.ok(world.aService.length < 2 * alerts + 64, "the alert arrays grew beyond doubling");
  assert.ok(world.aService.length * 4 < world.alertCapacity, "a world holds the worst case");
});
