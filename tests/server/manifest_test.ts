/**
 * Static checks of the deployment files (the image cannot be built here: no Docker engine):
 * openenv.yaml agrees with the task registry and deno.json, the Dockerfile follows the rules
 * (official base image, cached dependencies, non-root, health check with deno, port 8000,
 * least-privilege flags identical to `deno task start`).
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import { listTasks } from "../../mod.ts";
import { serveCommand } from "../../cli/start.ts";
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

Deno.test("the Dockerfile uses deno:2.9.6, caches dependencies, runs as non-root with a deno health check", () => {
  const dockerfile = read("Dockerfile");
  match(dockerfile, /^FROM denoland\/deno:2\.9\.6$/m);
  match(dockerfile, /^RUN deno install --entrypoint cli\/server\.ts/m);
  match(dockerfile, /^USER deno$/m);
  match(dockerfile, /^EXPOSE 8000$/m);
  match(dockerfile, /^HEALTHCHECK .*\n\s+CMD \["deno", "eval", .*\/health/m);
  ok(!/curl|wget/.test(dockerfile.replace(/^#.*$/gm, "")));
  ok(!/ -A\b|--allow-all/.test(dockerfile));
  const cmd = /^CMD (\[[\s\S]*?\])$/m.exec(dockerfile)![1].replace(/\\\n/g, "");
  const args: string[] = JSON.parse(cmd);
  // what `deno task start` runs with its defaults (cli/start.ts launches `deno serve`)
  const start = ["deno", ...serveCommand({ port: 8000, hostname: "0.0.0.0" })];
  deepEqual(args.filter((a) => a !== "--cached-only"), start);
  equal(start.includes("--parallel"), false);
});

Deno.test(".dockerignore keeps the virtualenv, git and tests out of the build context", () => {
  const ignore = read(".dockerignore").split("\n");
  for (const entry of [".git", ".venv", "tests", "notebooks", "node_modules"]) {
    ok(ignore.includes(entry), entry);
  }
});
