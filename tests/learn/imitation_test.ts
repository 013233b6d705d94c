import assert from "node:assert/strict";
import { imitate } from "../../src/learn/imitation.ts";
import { SlotPolicy } from "../../src/learn/policy.ts";
import { Rng } from "../../src/rng.ts";
import { getTask } from "../../tasks/registry.ts";
import type { Observation } from "../../src/models.ts";

Deno.test("imitate() fits the actor to a teacher's decisions", () => {
  const task = getTask("easy");
  const policy = new SlotPolicy({ slots: task.world.maxQueue });
  policy.init(new Rng(3));
  // A teacher that ignores low-confidence alerts and delays the rest: learnable from features.
  const teacher = {
    act: (o: Observation) => ({
      decisions: o.alerts.map((a) => ({
        alert_id: a.id,
        action_type: a.confidence < 0.5 ? "IGNORE" as const : "DELAY" as const,
      })),
    }),
  };
  const before = imitate(policy, task, teacher, { episodes: 5, epochs: 1, seed: 1, lr: 0 });
  const after = imitate(policy, task, teacher, { episodes: 20, epochs: 40, seed: 2, lr: 3e-3 });
  assert.ok(after.samples > 100);
  assert.ok(after.accuracy > 0.9, `accuracy ${after.accuracy}`);
  assert.ok(after.accuracy > before.accuracy + 0.2, `${before.accuracy} -> ${after.accuracy}`);
});
