/**
 * `deno task train`: trains a PPO policy for one task (or all), saves it as a small JSON file
 * and scores it on held-out seeds through the {@link PpoAgent} and the reference environment,
 * next to the rule baseline.
 *
 * ```sh
 * deno task train --task easy --steps 300000 --seed 1 --out policies/easy.json
 * deno task train --task all            # policies/{easy,medium,hard}.json
 * ```
 *
 * Flags: `--task easy|medium|hard|all`, `--steps N` (environment steps), `--seed N`,
 * `--out PATH` (file, or directory for `--task all`; default `policies/`), `--envs N`,
 * `--rollout N` (steps per environment per update), `--lr X`, `--ent X`, `--epochs N`,
 * `--minibatches N`, `--hidden 32,32` (actor widths), `--reward env|grader`, `--credit none|components`, `--eval N` (held-out episodes,
 * default 200; 0 to skip). A progress bar is drawn on a terminal; otherwise a log line is
 * printed every few updates.
 *
 * @example
 * ```ts
 * import { parseTrainArgs } from "./train.ts";
 * console.log(parseTrainArgs(["--task", "hard", "--steps", "1000"]).steps);
 * ```
 *
 * @module
 */
import type { Action } from "../src/models.ts";
import { imitate, type Teacher } from "../src/learn/imitation.ts";
import { loadTunedBaseline } from "../src/agents/tuned.ts";
import type { SlotPolicy } from "../src/learn/policy.ts";
import { RuleBasedAgent } from "../src/agents/rule_based.ts";
import { PpoAgent } from "../src/agents/ppo.ts";
import { scoreAgent } from "../src/eval/score_agent.ts";
import { getTask, TASK_IDS } from "../tasks/registry.ts";
import { heldOutSeeds, summarize } from "../src/learn/evaluate_policy.ts";
import { DEFAULT_POLICY_SPEC } from "../src/learn/policy.ts";
import { type PolicyFile, policyToFile } from "../src/learn/policy_file.ts";
import { DEFAULT_TRAIN, train, type UpdateReport } from "../src/learn/trainer.ts";
import { EXIT_OK, EXIT_USAGE, UsageError } from "./_usage.ts";

/** Parsed command line. */
export interface TrainArgs {
  /** Task ids to train, in order. */
  tasks: string[];
  /** Environment steps per task. */
  steps: number;
  /** Seed. */
  seed: number;
  /** Output file (one task) or directory. */
  out: string;
  /** Environments. */
  envs: number;
  /** Steps per environment per rollout. */
  rollout: number;
  /** Learning rate. */
  lr: number;
  /** Entropy coefficient. */
  ent: number;
  /** Update epochs. */
  epochs: number;
  /** Minibatches per epoch. */
  minibatches: number;
  /** Actor hidden widths. */
  hidden: number[];
  /** Training reward. */
  reward: "grader" | "env";
  /** Per-alert credit of the env reward: `components` shares each reward component among the
   * decisions that could cause it (public information only); `none` shares it all. */
  credit: "none" | "components";
  /** Warm start: behaviour-clone this observation-only baseline before PPO (`none`: off). */
  imitate: "none" | "linear" | "rules-tuned";
  /** Held-out evaluation episodes. */
  evalEpisodes: number;
}

/** The usage text of `deno task train`. */
export const TRAIN_USAGE: string = `Usage: deno task train [options]
  --task easy|medium|hard|all   task(s) to train (default all)
  --steps N                     environment steps per task (required)
  --seed N                      seed (default 1)
  --out PATH                    policy file, or directory for several tasks (default policies/)
  --envs N                      environments (default ${DEFAULT_TRAIN.numEnvs})
  --rollout N                   steps per environment per update (default ${DEFAULT_TRAIN.numSteps})
  --lr X                        learning rate (default ${DEFAULT_TRAIN.learningRate})
  --ent X                       entropy coefficient (default ${DEFAULT_TRAIN.entCoef})
  --epochs N                    update epochs (default ${DEFAULT_TRAIN.updateEpochs})
  --minibatches N               minibatches per epoch (default ${DEFAULT_TRAIN.numMinibatches})
  --hidden 32,32                actor hidden widths
  --reward env|grader           training reward (default env)
  --credit none|components      per-alert credit of the env reward (default none)
  --imitate none|linear|rules-tuned  behaviour-cloning warm start (default none)
  --eval N                      held-out evaluation episodes (default 200; 0 to skip)
  -h, --help                    this text`;

/** Whether the command line asks for the usage text (`--help` or `-h` anywhere). */
export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}

/** Parses `--flag value` pairs; throws {@link UsageError} on an unknown flag or a bad value. */
export function parseTrainArgs(argv: readonly string[]): TrainArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
    const eq = a.indexOf("=");
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else flags.set(a.slice(2), argv[++i] ?? "");
  }
  const known = [
    "task",
    "steps",
    "seed",
    "out",
    "envs",
    "rollout",
    "lr",
    "ent",
    "epochs",
    "minibatches",
    "hidden",
    "reward",
    "credit",
    "imitate",
    "eval",
  ];
  for (const k of flags.keys()) {
    if (!known.includes(k)) {
      throw new UsageError(`unknown flag --${k}; known: --${known.join(", --")}`);
    }
  }
  const num = (k: string, d: number) => {
    const v = flags.get(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) {
      throw new UsageError(`--${k} must be a non-negative number, got ${v}`);
    }
    return n;
  };
  const task = flags.get("task") ?? "all";
  const tasks = task === "all" ? [...TASK_IDS] : [getTask(task).id];
  const reward = flags.get("reward") ?? "env";
  if (reward !== "grader" && reward !== "env") {
    throw new UsageError(`--reward must be grader or env`);
  }
  const credit = flags.get("credit") ?? "none";
  if (credit !== "none" && credit !== "components") {
    throw new UsageError(`--credit must be none or components`);
  }
  const imitate = flags.get("imitate") ?? "none";
  if (imitate !== "none" && imitate !== "linear" && imitate !== "rules-tuned") {
    throw new UsageError(`--imitate must be none, linear or rules-tuned`);
  }
  return {
    tasks,
    credit,
    imitate,
    steps: num("steps", NaN),
    seed: Math.floor(num("seed", 1)),
    out: flags.get("out") ?? "policies/",
    envs: Math.floor(num("envs", DEFAULT_TRAIN.numEnvs)),
    rollout: Math.floor(num("rollout", DEFAULT_TRAIN.numSteps)),
    lr: num("lr", DEFAULT_TRAIN.learningRate),
    ent: num("ent", DEFAULT_TRAIN.entCoef),
    epochs: Math.floor(num("epochs", DEFAULT_TRAIN.updateEpochs)),
    minibatches: Math.floor(num("minibatches", DEFAULT_TRAIN.numMinibatches)),
    hidden: flags.has("hidden")
      ? flags.get("hidden")!.split(",").map(Number)
      : [...DEFAULT_POLICY_SPEC.actorHidden],
    reward,
    evalEpisodes: Math.floor(num("eval", 200)),
  };
}

function fmt(x: number, d = 3): string {
  return Number.isFinite(x) ? x.toFixed(d) : "-";
}

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** A progress line (bar on a terminal). */
function progressLine(r: UpdateReport, taskId: string, tty: boolean): string {
  const frac = r.update / r.updates;
  const eta = r.elapsedMs / frac - r.elapsedMs;
  const s = r.stats;
  const text =
    `${taskId} step ${r.globalStep} ret ${fmt(r.meanReturn, 1)} score ${fmt(r.meanScore)} ` +
    `ent ${fmt(s.entropy)} kl ${fmt(s.approxKl, 4)} clip ${fmt(s.clipFrac, 2)} ` +
    `ev ${fmt(s.explainedVariance, 2)} ${duration(r.elapsedMs)} eta ${duration(eta)}`;
  if (!tty) return `[${String(Math.round(frac * 100)).padStart(3)}%] ${text}`;
  const width = 24, full = Math.round(frac * width);
  return `[${"#".repeat(full)}${".".repeat(width - full)}] ${
    String(Math.round(frac * 100)).padStart(3)
  }% ${text}`;
}

/** Teacher episodes of the behaviour-cloning warm start. */
const IMITATION_EPISODES = 200;
/** Passes over them. */
const IMITATION_EPOCHS = 10;

async function trainOne(taskId: string, args: TrainArgs): Promise<void> {
  const task = getTask(taskId);
  const steps = Number.isFinite(args.steps) ? args.steps : task.trainingSteps ?? 400_000;
  const tty = Deno.stdout.isTerminal();
  const enc = new TextEncoder();
  const logEvery = Math.max(1, Math.floor(steps / (args.envs * args.rollout) / 20));
  console.log(
    `training ${taskId}: ${steps} steps, seed ${args.seed}, ${args.envs} envs x ${args.rollout}`,
  );
  let init: ((policy: SlotPolicy) => void) | undefined;
  if (args.imitate !== "none") {
    const teacher = await loadTunedBaseline(args.imitate, taskId, task.world.services);
    init = (policy) => {
      // The tuned baselines decide synchronously from the observation alone.
      const observer: Teacher = {
        act: (o) => teacher.act(o, { state: () => ({}) as never }) as Action,
      };
      const fit = imitate(policy, task, observer, {
        episodes: IMITATION_EPISODES,
        epochs: IMITATION_EPOCHS,
        seed: args.seed,
      });
      console.log(
        `warm start: cloned ${args.imitate} on ${fit.samples} observations ` +
          `(${IMITATION_EPISODES} training episodes), accuracy ${fit.accuracy.toFixed(3)}`,
      );
    };
  }
  const result = train({
    ...DEFAULT_TRAIN,
    task,
    init,
    totalSteps: steps,
    seed: args.seed,
    numEnvs: args.envs,
    numSteps: args.rollout,
    learningRate: args.lr,
    entCoef: args.ent,
    updateEpochs: args.epochs,
    numMinibatches: args.minibatches,
    policy: { actorHidden: args.hidden },
    reward: args.reward,
    componentCredit: args.credit === "components",
  }, (r) => {
    if (tty) Deno.stdout.writeSync(enc.encode(`\r\x1b[2K${progressLine(r, taskId, true)}`));
    else if (r.update % logEvery === 0 || r.update === r.updates) {
      console.log(progressLine(r, taskId, false));
    }
  });
  if (tty) Deno.stdout.writeSync(enc.encode("\n"));
  const last = result.history.slice(-5);
  const trainScore =
    last.reduce((a, r) => a + (Number.isFinite(r.meanScore) ? r.meanScore : 0), 0) / last.length;
  const training: Record<string, unknown> = {
    steps,
    seed: args.seed,
    envs: args.envs,
    rollout: args.rollout,
    learning_rate: args.lr,
    ent_coef: args.ent,
    reward: args.reward,
    credit: args.credit,
    imitate: args.imitate,
    wall_time_s: Math.round(result.elapsedMs / 100) / 10,
    final_train_score: Math.round(trainScore * 1000) / 1000,
    deno: Deno.version.deno,
  };
  let file: PolicyFile = policyToFile(result.policy, taskId, task.world, training);
  const path = args.out.endsWith(".json")
    ? args.out
    : `${args.out.replace(/\/?$/, "/")}${taskId}.json`;
  if (args.evalEpisodes > 0) {
    // Score the policy exactly as it is saved (float32), through the agent interface.
    const agent = PpoAgent.fromFile(JSON.parse(JSON.stringify(file)));
    const seeds = heldOutSeeds(args.evalEpisodes);
    const ppo = summarize(await scoreAgent(agent, taskId, seeds), task.successThreshold);
    const rules = summarize(
      await scoreAgent(new RuleBasedAgent(), taskId, seeds),
      task.successThreshold,
    );
    training.held_out = {
      seeds: `${seeds[0]}..${seeds[seeds.length - 1]}`,
      ppo_mean: round3(ppo.mean),
      ppo_ci95: round3(ppo.ci95),
      ppo_success_rate: round3(ppo.successRate),
      rules_mean: round3(rules.mean),
    };
    file = { ...file, training };
    console.log(
      `${taskId}: held-out (${seeds.length} seeds from ${seeds[0]}) ppo ${fmt(ppo.mean)} ± ${
        fmt(ppo.ci95)
      } ` +
        `(success ${fmt(ppo.successRate, 2)}), rules ${
          fmt(rules.mean)
        }, threshold ${task.successThreshold}, ` +
        `gap ${fmt(ppo.mean - rules.mean)}; trained in ${duration(result.elapsedMs)}`,
    );
  }
  const dir = path.slice(0, path.lastIndexOf("/"));
  if (dir) await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(path, JSON.stringify(file) + "\n");
  console.log(`saved ${path}`);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

if (import.meta.main) {
  if (wantsHelp(Deno.args)) {
    console.log(TRAIN_USAGE);
    Deno.exit(EXIT_OK);
  }
  let args: TrainArgs;
  try {
    args = parseTrainArgs(Deno.args);
  } catch (err) {
    console.error(`error: ${(err as Error).message}\n\n${TRAIN_USAGE}`);
    Deno.exit(EXIT_USAGE);
  }
  if (args.tasks.length > 1 && args.out.endsWith(".json")) {
    console.error("error: --out must be a directory when training several tasks");
    Deno.exit(EXIT_USAGE);
  }
  for (const taskId of args.tasks) await trainOne(taskId, args);
}
