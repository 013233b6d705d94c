/**
 * Static checks of the Dockerfile and .dockerignore (CI also builds and runs the image:
 * image_smoke_test.ts): official base, a dependency layer that only the manifest, the lockfile
 * and the lock cutter reach (a source edit does not download again), `--frozen`, root-owned code
 * with the permission fix in the same layer as the install, non-root user, a deno health check,
 * and a command that execs what `deno task start --cached-only --print` prints.
 *
 * @module
 */
import { deepEqual, equal, match, ok } from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };

const root = new URL("../../", import.meta.url);
const read = (name: string) => Deno.readTextFileSync(new URL(name, root));
const dockerfile = read("Dockerfile");
/** Instructions with continuation lines joined and comments dropped. */
const instructions = dockerfile.replace(/^#.*\n/gm, "").replace(/\\\n/g, " ").split("\n")
  .filter((l) => l.trim() !== "");

Deno.test("the Dockerfile builds FROM denoland/deno:2.9.6 and installs dependencies before the sources", () => {
  equal(instructions[0], "FROM denoland/deno:2.9.6");
  const install = instructions.findIndex((l) => /^RUN .*deno install --frozen/.test(l));
  ok(install > 0, "no RUN ... deno install --frozen");
  // before the install, only the manifest, the lockfile and the cutter are copied
  const copiedBefore = instructions.slice(0, install).filter((l) => l.startsWith("COPY "));
  deepEqual(copiedBefore, [
    "COPY deno.json deno.lock ./",
    "COPY scripts/container/server_lock.ts /tmp/server_lock.ts",
  ]);
  match(instructions[install], /deno run --allow-read=\. --allow-write=\. \/tmp\/server_lock\.ts/);
  // ownership and modes fixed in the install's own layer, never in a later one
  match(
    instructions[install],
    /chown -R root:root \/deno-dir \/app .*chmod -R a\+rX,go-w \/deno-dir/,
  );
  const later = instructions.slice(install + 1).join("\n");
  ok(!/chmod[^\n]*\/deno-dir|chown/.test(later), "a later layer rewrites /deno-dir or owners");
  // the sources come after, cached --frozen against the cut lockfile
  ok(instructions.slice(install).includes("COPY src/ ./src/"));
  match(
    later,
    /^RUN deno cache --frozen cli\/server\.ts cli\/server_compiled\.ts cli\/start\.ts /m,
  );
  match(later, /chmod 1777 \/app\/data/);
});

Deno.test("the CA bundle of the build is a secret mount, never copied or set in the image", () => {
  match(dockerfile, /RUN --mount=type=secret,id=ca_bundle,required=false /);
  ok(!/^(ENV|ARG)\s+.*DENO_CERT/m.test(dockerfile));
  ok(!/^(COPY|ADD)\s.*(\.crt|\.pem|ca-certificates)/m.test(dockerfile));
});

Deno.test("the image runs as deno with a deno health check and deno task start's launcher", () => {
  ok(instructions.includes("USER deno"));
  ok(instructions.includes("EXPOSE 8000"));
  match(dockerfile, /^HEALTHCHECK .*\n\s+CMD \["deno", "eval", "--no-config", .*\/health/m);
  ok(!/curl|wget/.test(instructions.join("\n")));
  ok(!/ -A\b|--allow-all/.test(instructions.join("\n")));
  // sh execs the `deno serve` arguments that `deno task start --cached-only --print` prints
  const cmd: string[] = JSON.parse(instructions.find((l) => l.startsWith("CMD "))!.slice(4));
  deepEqual(cmd.slice(0, 2), ["sh", "-c"]);
  const script = cmd[2];
  const launcher = /^args=\$\((deno run [^)]*)\) \|\| exit; set -f; IFS='\n'; exec deno \$args$/
    .exec(script);
  ok(launcher, script);
  const run = launcher[1].split(" ");
  // the task's launcher, which needs no --allow-run when it only prints
  const task = denoJson.tasks.start.split(" ").filter((a) => a !== "--allow-run=deno");
  deepEqual(run.filter((a) => a !== "--cached-only" && a !== "--print"), task);
  deepEqual(run.slice(0, 3), ["deno", "run", "--cached-only"]);
  deepEqual(run.slice(-2), ["--cached-only", "--print"]);
  ok(!script.includes("--parallel"));
});

Deno.test(".dockerignore keeps the context to what the image copies", () => {
  const ignore = read(".dockerignore").split("\n");
  for (const entry of [".git", ".venv", "tests", "notebooks", "node_modules", "scripts", "data"]) {
    ok(ignore.includes(entry), entry);
  }
  ok(ignore.includes("!scripts/container/server_lock.ts"));
});
