/**
 * Static checks of openenv.yaml: it agrees with the task registry and deno.json. The Dockerfile
 * is checked by tests/container/ (statically, and by building and running the image in CI).
 *
 * @module
 */
import { deepEqual, match } from "node:assert/strict";
import { listTasks } from "../../mod.ts";
import denoJson from "../../deno.json" with { type: "json" };

const root = new URL("../../", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, root));

Deno.test("openenv.yaml names the environment, its version, port 8000 and every task with its threshold", () => {
  const yaml = read("openenv.yaml");
  match(yaml, /^spec_version: 1$/m);
  match(yaml, /^name: alert_triage$/m);
  match(yaml, new RegExp(`^version: "${denoJson.version}"$`, "m"));
  match(yaml, /^port: 8000$/m);
  match(yaml, /^description: /m);
  const tasks = [...yaml.matchAll(
    /- id: (\w+)\n\s+name: (.+)\n\s+difficulty: (\w+)\n\s+version: (\d+)\n\s+k: (\d+)\n\s+horizon: (\d+)\n\s+success_threshold: ([\d.]+)/g,
  )].map((m) => ({
    id: m[1],
    name: m[2],
    difficulty: m[3],
    version: Number(m[4]),
    k: Number(m[5]),
    horizon: Number(m[6]),
    success_threshold: Number(m[7]),
  }));
  deepEqual(tasks, listTasks().map(({ description: _d, ...t }) => t));
});
