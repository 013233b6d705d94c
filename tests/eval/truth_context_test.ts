import assert from "node:assert/strict";
import { runEpisode } from "../../src/eval/episode.ts";
import { makeEnv } from "../../tasks/registry.ts";
import type { Agent } from "../../src/agents/agent.ts";
import type { Action, Observation } from "../../src/models.ts";

/** An agent that looks at the state on every tick and remembers whether it saw the truth. */
function peeker(readsTruth: boolean): Agent & { sawTruth: boolean[] } {
  const sawTruth: boolean[] = [];
  return {
    name: readsTruth ? "peeker-oracle" : "peeker",
    readsTruth,
    sawTruth,
    act(_o: Observation, context): Action {
      sawTruth.push(context.state().truth !== null);
      return { decisions: [] };
    },
  };
}

Deno.test("runEpisode hands the hidden truth only to an agent that declares readsTruth", async () => {
  const player = peeker(false), oracle = peeker(true);
  await runEpisode(makeEnv("medium"), player, 3);
  await runEpisode(makeEnv("medium"), oracle, 3);
  assert.ok(player.sawTruth.length > 5);
  assert.deepEqual(new Set(player.sawTruth), new Set([false]));
  assert.deepEqual(new Set(oracle.sawTruth), new Set([true]));
});
