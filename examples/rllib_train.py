#!/usr/bin/env python3
"""Train RLlib PPO over the wire: ``num_env_runners`` Ray env runners, each a Gymnasium
:class:`AlertTriageWireEnv` (one WebSocket session) through the balancer, then evaluate the
greedy policy on held-out seeds next to the rule baseline on the same seeds.

Start the cluster (or one server), then::

    deno task cluster --replicas 2 &
    .venv/bin/python examples/rllib_train.py --url http://127.0.0.1:8000 --task easy \\
        --env-runners 2 --timesteps 60000 --eval-episodes 200 \\
        --curve-csv rllib_curve.csv --summary-json rllib_summary.json

What it does:

1. builds PPO (RLlib's new API stack, torch; by default :class:`SlotRLModule`, the slot-wise
   actor-critic of the Stable-Baselines3 example, or ``--model mlp``) on ``AlertTriageWireEnv``
   (``alert_triage_gym``; the action is one of INVESTIGATE/IGNORE/ESCALATE/DELAY per alert slot,
   ``MultiDiscrete``) with ``--env-runners`` remote env runners; training episodes play seeds
   drawn from the seeded env generators, all below 10,000,000; rewards are the server's, times
   ``--reward-scale`` (the value function learns a smaller target);
2. trains for ``--timesteps`` env steps, logging one learning-curve row per iteration
   (``--curve-csv``): env steps, episodes, mean training return and mean task score of the
   episodes finished in the iteration, steps/s;
3. evaluates the greedy policy (arg-max per slot) on held-out seeds 10,000,000 ...
   10,000,000 + ``--eval-episodes`` - 1 and the rule baseline on the same seeds, both over the
   wire, and prints both means and their paired difference (± s.e.).

``--smoke`` is the CI version: 2 env runners, 3 small iterations, 4 evaluation episodes.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import ray  # noqa: E402
import torch  # noqa: E402
from ray.rllib.algorithms.ppo import PPOConfig  # noqa: E402
from ray.rllib.callbacks.callbacks import RLlibCallback  # noqa: E402
from ray.rllib.core.columns import Columns  # noqa: E402
from ray.rllib.core.rl_module.rl_module import RLModuleSpec  # noqa: E402

from alert_triage_gym import HELD_OUT_SEED_START, AlertTriageWireEnv  # noqa: E402
from alert_triage_gym import rule_baseline_scores  # noqa: E402
from alert_triage_gym.ray_local import init_local_ray  # noqa: E402
from alert_triage_gym.rllib_module import SlotRLModule, slot_module_config  # noqa: E402


class ScaledRewardEnv(gym.Wrapper):
    """The wire env with its reward times ``scale`` (the server's stays in ``info``)."""

    def __init__(self, config: dict[str, Any]):
        """``config``: ``url``, ``task_id``, ``reward_scale``."""
        super().__init__(AlertTriageWireEnv(config["url"], task_id=config["task_id"]))
        self.scale = float(config.get("reward_scale", 1.0))

    def step(self, action):
        """One step, reward scaled."""
        obs, reward, terminated, truncated, info = self.env.step(action)
        return obs, reward * self.scale, terminated, truncated, info


class TaskScoreCallback(RLlibCallback):
    """Logs each finished training episode's task score (``task_score`` metric)."""

    def on_episode_end(self, *, episode, metrics_logger=None, **kwargs) -> None:
        """Reads the last info of the episode."""
        infos = episode.get_infos()
        last = infos[-1] if len(infos) else {}
        if metrics_logger is not None and "task_score" in last:
            metrics_logger.log_value("task_score", float(last["task_score"]), reduce="mean")


def mean_se(xs: list[float]) -> tuple[float, float]:
    """Mean and standard error."""
    n = len(xs)
    m = sum(xs) / n
    if n < 2:
        return m, float("nan")
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (n - 1))
    return m, sd / math.sqrt(n)


def play_greedy(module, url: str, task: str, seeds: list[int]) -> list[float]:
    """Task score of the greedy policy on each seed, over the wire."""
    env = AlertTriageWireEnv(url, task_id=task)
    n_slots = env.slots
    scores = []
    try:
        for s in seeds:
            obs, info = env.reset(seed=s)
            done = False
            while not done:
                with torch.no_grad():
                    out = module.forward_inference({Columns.OBS: torch.from_numpy(obs[None, :])})
                logits = out[Columns.ACTION_DIST_INPUTS][0].numpy().reshape(n_slots, 4)
                obs, _, terminated, truncated, info = env.step(logits.argmax(axis=1))
                done = terminated or truncated
            scores.append(float(info["task_score"]))
    finally:
        env.close()
    return scores


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="balancer (or one server)")
    p.add_argument("--task", default="easy", choices=["easy", "medium", "hard"])
    p.add_argument("--env-runners", type=int, default=2, help="RLlib num_env_runners (>= 2)")
    p.add_argument("--timesteps", type=int, default=60_000, help="training env steps")
    p.add_argument("--batch", type=int, default=1000, help="train batch (env steps) per iteration")
    p.add_argument("--minibatch", type=int, default=128)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--entropy", type=float, default=0.01)
    p.add_argument("--model", choices=["slot", "mlp"], default="slot",
                   help="slot: shared per-slot scorer; mlp: RLlib's default MLP")  # fmt: skip
    p.add_argument("--embed", type=int, default=64, help="slot embedding size (slot model)")
    p.add_argument("--net", default="256,256", help="MLP hidden layer sizes (mlp model)")
    p.add_argument("--reward-scale", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-episodes", type=int, default=200)
    p.add_argument("--curve-csv", default=None, help="learning curve CSV path")
    p.add_argument("--summary-json", default=None, help="final numbers as JSON")
    p.add_argument("--smoke", action="store_true", help="CI: 3 tiny iterations, 4 eval episodes")
    args = p.parse_args(argv)
    if args.smoke:
        args.batch, args.minibatch, args.epochs = 200, 50, 2
        args.timesteps, args.eval_episodes = 600, 4
    if args.env_runners < 2:
        p.error("--env-runners must be at least 2 (the issue's num_env_runners >= 2)")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Trains, evaluates, writes the curve and the summary; returns the summary."""
    args = parse_args(argv)
    torch.set_num_threads(1)
    init_local_ray(num_cpus=args.env_runners + 1)
    env_config = {"url": args.url, "task_id": args.task, "reward_scale": args.reward_scale}
    if args.model == "slot":
        probe = AlertTriageWireEnv(args.url, task_id=args.task)  # layout only; never connects
        module_spec = RLModuleSpec(
            module_class=SlotRLModule, model_config=slot_module_config(probe, embed=args.embed)
        )
    else:
        hidden = [int(x) for x in args.net.split(",") if x]
        module_spec = RLModuleSpec(model_config={"fcnet_hiddens": hidden})
    config = (
        PPOConfig()
        .environment(ScaledRewardEnv, env_config=env_config)
        .framework("torch")
        .env_runners(
            num_env_runners=args.env_runners,
            num_envs_per_env_runner=1,
            num_cpus_per_env_runner=1,
            rollout_fragment_length="auto",
        )
        .learners(num_learners=0)
        .training(
            train_batch_size_per_learner=args.batch,
            minibatch_size=args.minibatch,
            num_epochs=args.epochs,
            lr=args.lr,
            gamma=args.gamma,
            lambda_=0.95,
            entropy_coeff=args.entropy,
            vf_clip_param=100.0,
        )
        .rl_module(rl_module_spec=module_spec)
        .callbacks(TaskScoreCallback)
        .debugging(seed=args.seed)
    )
    algo = config.build_algo()
    curve: list[dict[str, Any]] = []
    started = time.perf_counter()
    steps = 0
    try:
        while steps < args.timesteps:
            t0 = time.perf_counter()
            result = algo.train()
            runners = result.get("env_runners", {})
            new_steps = int(result.get("num_env_steps_sampled_lifetime", 0)) - steps
            steps += new_steps
            row = {
                "iteration": len(curve) + 1,
                "env_steps": steps,
                "episodes": int(runners.get("num_episodes_lifetime", 0)),
                "return_mean": runners.get("episode_return_mean", float("nan")) / args.reward_scale,
                "task_score_mean": runners.get("task_score", float("nan")),
                "steps_per_s": round(new_steps / (time.perf_counter() - t0), 1),
                "seconds": round(time.perf_counter() - started, 1),
            }
            curve.append(row)
            print(
                f"iter {row['iteration']}: {steps} steps, return {row['return_mean']:.1f}, "
                f"task score {row['task_score_mean']:.3f}, {row['steps_per_s']} steps/s",
                flush=True,
            )
        train_seconds = time.perf_counter() - started
        module = algo.get_module()
        seeds = list(range(HELD_OUT_SEED_START, HELD_OUT_SEED_START + args.eval_episodes))
        ppo = play_greedy(module, args.url, args.task, seeds)
        rules = rule_baseline_scores(args.url, args.task, seeds)
    finally:
        algo.stop()
        ray.shutdown()
    (pm, pse), (rm, rse) = mean_se(ppo), mean_se(rules)
    dm, dse = mean_se([a - b for a, b in zip(ppo, rules)])
    summary = {
        "task": args.task,
        "env_runners": args.env_runners,
        "timesteps": steps,
        "train_seconds": round(train_seconds, 1),
        "eval_seeds": [seeds[0], seeds[-1]],
        "rllib_ppo_score": pm,
        "rllib_ppo_se": pse,
        "rules_score": rm,
        "rules_se": rse,
        "paired_difference": dm,
        "paired_difference_se": dse,
        "curve": curve,
    }
    print(
        f"held-out {args.task} ({len(seeds)} seeds): RLlib PPO {pm:.3f} ± {pse:.3f}, "
        f"rules {rm:.3f} ± {rse:.3f}, paired difference {dm:+.3f} ± {dse:.3f} "
        f"({steps} steps, {train_seconds:.0f} s training)",
        flush=True,
    )
    if args.curve_csv:
        with open(args.curve_csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(curve[0]))
            w.writeheader()
            w.writerows(curve)
    if args.summary_json:
        Path(args.summary_json).write_text(json.dumps(summary, indent=2) + "\n")
    return summary


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    main()
