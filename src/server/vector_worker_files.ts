/**
 * The files a vector worker loads: `src/server/vector_worker.ts` and every local module it
 * imports, relative to the repository root. Deno checks read permission on each local module a
 * Worker loads (its entry and its imports alike), so a server started with least privilege
 * (`deno task start`, the container image) grants read access to exactly these files when
 * `ALERT_TRIAGE_VECTOR_WORKERS` asks for workers (`cli/start.ts`). A test keeps the list equal
 * to the worker's module graph (`deno info`).
 *
 * @example
 * ```ts
 * import { VECTOR_WORKER_FILES, vectorWorkerReads } from "./vector_worker_files.ts";
 * console.assert(VECTOR_WORKER_FILES.includes("src/server/vector_worker.ts"));
 * const get = (name: string) => ({ ALERT_TRIAGE_VECTOR_WORKERS: "1" })[name];
 * console.assert(vectorWorkerReads(get, "/app/")[0].startsWith("/app/src/"));
 * ```
 *
 * @module
 */

/** The vector worker's module and the local modules it imports (repository-relative). */
export const VECTOR_WORKER_FILES: readonly string[] = [
  "src/action_codec.ts",
  "src/deps.ts",
  "src/env.ts",
  "src/errors.ts",
  "src/learn/batch_arrays.ts",
  "src/learn/episode_score.ts",
  "src/learn/features.ts",
  "src/learn/frame_buffer.ts",
  "src/learn/vector_layout.ts",
  "src/learn/vector_shard.ts",
  "src/learn/vector_wire.ts",
  "src/learn/world_batch.ts",
  "src/models.ts",
  "src/numbers.ts",
  "src/rewards.ts",
  "src/rng.ts",
  "src/server/vector_mailbox.ts",
  "src/server/vector_worker.ts",
  "src/sim/arrivals.ts",
  "src/sim/codes.ts",
  "src/sim/services.ts",
  "src/sim/truth.ts",
  "src/sim/world.ts",
  "src/sim/world_config.ts",
  "src/sim/world_helpers.ts",
  "tasks/easy.ts",
  "tasks/hard.ts",
  "tasks/medium.ts",
  "tasks/registry.ts",
  "tasks/task.ts",
  "tasks/triage_score.ts",
];

/**
 * The files the vector workers load, under the repository at `root` (absolute, ending in `/`),
 * when `ALERT_TRIAGE_VECTOR_WORKERS` (via `get`) asks for workers (set, and neither empty nor
 * `0`); none otherwise (the server itself validates the value). Throws a RangeError if `root`
 * contains a comma (permission flags are comma-separated lists: it would grant other paths).
 */
export function vectorWorkerReads(
  get: (name: string) => string | undefined,
  root: string,
): string[] {
  const raw = (get("ALERT_TRIAGE_VECTOR_WORKERS") ?? "").trim();
  if (raw === "" || raw === "0") return [];
  if (root.includes(",")) {
    throw new RangeError(`the server's directory must not contain a comma: ${root}`);
  }
  return VECTOR_WORKER_FILES.map((file) => root + file);
}
