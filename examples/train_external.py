#!/usr/bin/env python3
"""Train Stable-Baselines3 PPO against a running alert-triage server, over the WebSocket wire.

Start the server (``deno task start``, port 8000), then::

    .venv/bin/python examples/train_external.py --url http://127.0.0.1:8000 --task hard \\
        --timesteps 120000 --seed 0 --eval-episodes 200 --anneal-lr

Documented budget (tasks version 1, the env's own reward, ``--score-bonus 0``, one torch
thread): the per-task command lines below, each about 6-11 minutes wall-clock on a shared 2-core
machine (roughly 140-210 environment steps/s over the wire). Held-out mean task score on seeds
10,000,000 ... 10,000,199 (± s.e.), the rule baseline on the same seeds, and the paired
difference:

* easy: ``--task easy --timesteps 50000 --anneal-lr``: 0.763 ± 0.009 vs rules 0.690 ± 0.005,
  paired difference +0.073 ± 0.011;
* medium: ``--task medium --timesteps 120000``: 0.558 ± 0.018 vs rules 0.541 ± 0.017, paired
  difference +0.017 ± 0.016;
* hard: ``--task hard --timesteps 120000 --anneal-lr``: 0.472 ± 0.015 vs rules 0.454 ± 0.013,
  paired difference +0.018 ± 0.016.

On medium and hard the margin is about one standard error at this budget (the in-process PPO,
trained far longer, reaches 0.718 and 0.832). Without ``--anneal-lr`` the final greedy policy on
easy depends on where the last update lands (0.635 at 50,000 steps); ``--ent-coef 0.001``
did not help on medium (0.548) and destabilised hard.

What it does:

1. builds ``--n-envs`` :class:`AlertTriageWireEnv` instances (one server session each) in a
   ``DummyVecEnv``; training episodes play seeds drawn from the seeded env generators, all below
   10,000,000. With ``--vector N`` it trains on N environments over one ``/ws/vector`` socket
   instead (:class:`~alert_triage_gym.vector.AlertTriageSB3VecEnv`: the same observations and
   actions, one binary frame per step for all N; episode seeds from the server's stream seeded
   with ``--seed``, also below 10,000,000);
2. trains PPO (by default with :class:`~alert_triage_gym.sb3_policy.SlotPolicy`, which scores
   every alert slot with shared weights; ``--policy mlp`` for SB3's ``MlpPolicy``), logging a
   learning-curve CSV (``--curve-csv``): one row per rollout with timesteps, episodes, rolling
   mean episode return and task score of the last 50 training episodes, steps/s over the wire
   and, every ``--eval-every`` timesteps, the deterministic policy's mean task score on
   ``--val-episodes`` validation seeds (20,000,000 and up, disjoint from training and test
   seeds);
3. evaluates the deterministic policy on held-out seeds 10,000,000 ... 10,000,000 +
   ``--eval-episodes`` - 1 and runs the rule baseline over the wire on the same seeds, printing
   both mean task scores and their paired difference;
4. optionally saves the model (``--save``) and a JSON summary (``--summary-json``).

The same ``--seed`` gives the same run (torch uses one thread; everything is seeded).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from stable_baselines3 import PPO  # noqa: E402
from stable_baselines3.common.callbacks import BaseCallback  # noqa: E402
from stable_baselines3.common.vec_env import DummyVecEnv, VecMonitor  # noqa: E402

from alert_triage_gym import (  # noqa: E402
    HELD_OUT_SEED_START,
    AlertTriageWireEnv,
    rule_baseline_scores,
)
from alert_triage_gym.sb3_policy import SlotPolicy, slot_policy_kwargs  # noqa: E402
from alert_triage_gym.vector import AlertTriageSB3VecEnv  # noqa: E402

#: Validation seeds (learning curve) start here: above training, apart from the test seeds.
VALIDATION_SEED_START = 20_000_000
#: The rule baseline's mean task scores (tasks version 1) on the 200 held-out seeds
#: 10,000,000 ... 10,000,199, measured over the wire (for reference only: ``--baseline wire``
#: measures the baseline on exactly the evaluation seeds).
REFERENCE_BASELINE = {"easy": 0.690, "medium": 0.541, "hard": 0.454}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server base URL")
    p.add_argument("--task", default="easy", choices=["easy", "medium", "hard"])
    p.add_argument("--timesteps", type=int, default=50_000, help="training env steps")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-episodes", type=int, default=200, help="held-out test episodes")
    p.add_argument("--n-envs", type=int, default=4, help="parallel sessions (one socket each)")
    p.add_argument("--vector", type=int, default=0, metavar="N",
                   help="train on N envs over ONE /ws/vector socket (overrides --n-envs)")  # fmt: skip
    p.add_argument("--slots", type=int, default=None, help="alert slots (default 32)")
    p.add_argument("--n-steps", type=int, default=128, help="PPO rollout length per env")
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--n-epochs", type=int, default=10)
    p.add_argument("--learning-rate", type=float, default=1e-3)
    p.add_argument("--anneal-lr", action="store_true", help="decay the learning rate linearly to 0")
    p.add_argument("--ent-coef", type=float, default=0.01)
    p.add_argument("--gamma", type=float, default=0.99)
    p.add_argument("--score-bonus", type=float, default=0.0,
                   help="add this x task_score to each training episode's last reward")  # fmt: skip
    p.add_argument("--policy", choices=["slot", "mlp"], default="slot",
                   help="slot: shared per-slot scorer; mlp: SB3 MlpPolicy")  # fmt: skip
    p.add_argument("--embed", type=int, default=64, help="slot embedding size (slot policy)")
    p.add_argument("--net", default="256,256", help="MlpPolicy hidden layer sizes")
    p.add_argument("--eval-every", type=int, default=0, help="validation every N steps (0=off)")
    p.add_argument("--val-episodes", type=int, default=20)
    p.add_argument("--curve-csv", default=None, help="learning curve CSV path")
    p.add_argument("--summary-json", default=None, help="write the final numbers here")
    p.add_argument("--save", default=None, help="save the trained model (.zip) here")
    p.add_argument("--baseline", choices=["wire", "reference", "none"], default="wire",
                   help="wire: run the rule baseline over the wire on the same seeds; "
                        "reference/none: only print the published figure")  # fmt: skip
    p.add_argument("--torch-threads", type=int, default=1)
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def run_policy(
    env: AlertTriageWireEnv,
    act: Callable[[np.ndarray], np.ndarray],
    seeds: list[int],
    successes: list[bool] | None = None,
) -> list[float]:
    """Task score of each episode played by ``act`` (obs -> slot codes) on ``seeds``.

    Appends each episode's ``success`` flag to ``successes`` when given.
    """
    scores = []
    for s in seeds:
        obs, info = env.reset(seed=s)
        done = False
        while not done:
            obs, _, terminated, truncated, info = env.step(act(obs))
            done = terminated or truncated
        scores.append(float(info["task_score"]))
        if successes is not None:
            successes.append(bool(info.get("success", False)))
    return scores


def run_rule_baseline(url: str, task: str, seeds: list[int]) -> list[float]:
    """Task score of the rule baseline on each seed, played over the wire."""
    return rule_baseline_scores(url, task, seeds, agent="rules-wire")


def mean_se(xs: list[float]) -> tuple[float, float]:
    """Mean and standard error."""
    if not xs:
        return float("nan"), float("nan")
    m = sum(xs) / len(xs)
    if len(xs) < 2:
        return m, 0.0
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1)
    return m, math.sqrt(var / len(xs))


class CurveLogger(BaseCallback):
    """Writes one learning-curve row per rollout; optional validation of the greedy policy."""

    FIELDS = ["timesteps", "episodes", "train_return", "train_task_score", "val_task_score",
              "wall_s", "steps_per_s"]  # fmt: skip

    def __init__(self, path: str | None, eval_every: int, val_fn: Callable[[], float] | None,
                 quiet: bool):  # fmt: skip
        """``val_fn`` returns the validation score (called every ``eval_every`` steps)."""
        super().__init__()
        self.path, self.eval_every, self.val_fn, self.quiet = path, eval_every, val_fn, quiet
        self.returns: deque[float] = deque(maxlen=50)
        self.scores: deque[float] = deque(maxlen=50)
        self.episodes = 0
        self.rows: list[dict[str, Any]] = []
        self.next_eval = eval_every
        self.t0 = time.perf_counter()
        self.env_time = 0.0

    def _on_step(self) -> bool:
        for info, done in zip(self.locals["infos"], self.locals["dones"]):
            if not done:
                continue
            self.episodes += 1
            if "episode" in info:
                self.returns.append(float(info["episode"]["r"]))
            if "task_score" in info:
                self.scores.append(float(info["task_score"]))
        return True

    def _on_rollout_end(self) -> None:
        wall = time.perf_counter() - self.t0
        val = ""
        if self.val_fn is not None and self.eval_every > 0 and self.num_timesteps >= self.next_eval:
            val = round(self.val_fn(), 4)
            self.next_eval += self.eval_every
        row = {
            "timesteps": self.num_timesteps,
            "episodes": self.episodes,
            "train_return": round(float(np.mean(self.returns)), 4) if self.returns else "",
            "train_task_score": round(float(np.mean(self.scores)), 4) if self.scores else "",
            "val_task_score": val,
            "wall_s": round(wall, 2),
            "steps_per_s": round(self.num_timesteps / wall, 1) if wall > 0 else "",
        }
        self.rows.append(row)
        if self.path:
            new = not os.path.exists(self.path) or len(self.rows) == 1
            with open(self.path, "w" if new else "a", newline="") as f:
                w = csv.DictWriter(f, fieldnames=self.FIELDS)
                if new:
                    w.writeheader()
                w.writerow(row)
        if not self.quiet:
            print(
                f"[{row['timesteps']:>7} steps] episodes {row['episodes']:>5}  "
                f"return {row['train_return']}  score {row['train_task_score']}  "
                f"val {row['val_task_score']}  {row['steps_per_s']} steps/s",
                flush=True,
            )


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Trains, evaluates, prints and returns the summary."""
    args = parse_args(argv)
    torch.set_num_threads(args.torch_threads)
    if args.curve_csv:
        Path(args.curve_csv).parent.mkdir(parents=True, exist_ok=True)

    def make(i: int) -> Callable[[], AlertTriageWireEnv]:
        return lambda: AlertTriageWireEnv(
            args.url, task_id=args.task, slots=args.slots, agent=f"sb3-ppo-{i}",
            score_bonus=args.score_bonus,
        )  # fmt: skip

    if args.vector > 0:
        inner: Any = AlertTriageSB3VecEnv(args.url, args.task, args.vector, seed=args.seed,
                                          slots=args.slots)  # fmt: skip
    else:
        inner = DummyVecEnv([make(i) for i in range(args.n_envs)])
    venv = VecMonitor(inner, info_keywords=("task_score",))
    eval_env = AlertTriageWireEnv(args.url, task_id=args.task, slots=args.slots, agent="sb3-eval")
    if args.policy == "slot":
        policy: Any = SlotPolicy
        policy_kwargs = slot_policy_kwargs(eval_env, embed=args.embed)
    else:
        policy = "MlpPolicy"
        policy_kwargs = {"net_arch": [int(x) for x in args.net.split(",") if x.strip()]}
    model = PPO(
        policy,
        venv,
        n_steps=args.n_steps,
        batch_size=args.batch_size,
        n_epochs=args.n_epochs,
        learning_rate=(lambda left: args.learning_rate * left) if args.anneal_lr
        else args.learning_rate,
        ent_coef=args.ent_coef,
        gamma=args.gamma,
        gae_lambda=0.95,
        clip_range=0.2,
        policy_kwargs=policy_kwargs,
        seed=args.seed,
        device="cpu",
        verbose=0,
    )

    def greedy(obs: np.ndarray) -> np.ndarray:
        action, _ = model.predict(obs, deterministic=True)
        return action

    val_seeds = [VALIDATION_SEED_START + i for i in range(args.val_episodes)]
    curve = CurveLogger(
        args.curve_csv,
        args.eval_every,
        (lambda: mean_se(run_policy(eval_env, greedy, val_seeds))[0]) if args.eval_every else None,
        args.quiet,
    )
    t0 = time.perf_counter()
    model.learn(total_timesteps=args.timesteps, callback=curve)
    train_s = time.perf_counter() - t0
    if args.save:
        model.save(args.save)

    test_seeds = [HELD_OUT_SEED_START + i for i in range(args.eval_episodes)]
    t1 = time.perf_counter()
    ppo_success: list[bool] = []
    ppo_scores = run_policy(eval_env, greedy, test_seeds, ppo_success)
    eval_s = time.perf_counter() - t1
    ppo_mean, ppo_se = mean_se(ppo_scores)
    summary: dict[str, Any] = {
        "task": args.task,
        "seed": args.seed,
        "policy": args.policy,
        "score_bonus": args.score_bonus,
        "learning_rate": args.learning_rate,
        "anneal_lr": args.anneal_lr,
        "transport": f"vector x{args.vector}" if args.vector > 0 else f"ws x{args.n_envs}",
        "timesteps": model.num_timesteps,
        "train_seconds": round(train_s, 1),
        "train_steps_per_s": round(model.num_timesteps / train_s, 1),
        "train_episodes": curve.episodes,
        "eval_seeds": f"{test_seeds[0]}..{test_seeds[-1]}" if test_seeds else "",
        "ppo_mean_task_score": round(ppo_mean, 4),
        "ppo_se": round(ppo_se, 4),
        "ppo_success_rate": round(sum(ppo_success) / max(1, len(ppo_success)), 4),
        "eval_seconds": round(eval_s, 1),
        "reference_baseline": REFERENCE_BASELINE[args.task],
        "curve": curve.rows,
    }
    if args.baseline == "wire" and test_seeds:
        rule_scores = run_rule_baseline(args.url, args.task, test_seeds)
        rule_mean, rule_se = mean_se(rule_scores)
        summary["rule_mean_task_score"] = round(rule_mean, 4)
        summary["rule_se"] = round(rule_se, 4)
        diffs = [a - b for a, b in zip(ppo_scores, rule_scores)]
        d_mean, d_se = mean_se(diffs)
        summary["ppo_minus_rule"] = round(d_mean, 4)
        summary["ppo_minus_rule_se"] = round(d_se, 4)
    venv.close()
    eval_env.close()

    print(
        f"\n{args.task}: PPO (SB3, {model.num_timesteps} steps, {summary['train_seconds']} s, "
        f"{summary['train_steps_per_s']} steps/s over the wire)"
    )
    n = len(test_seeds)
    print(f"  PPO   mean task_score {ppo_mean:.4f} ± {ppo_se:.4f} (s.e.) on {n} held-out seeds")
    if "rule_mean_task_score" in summary:
        print(f"  rules mean task_score {summary['rule_mean_task_score']:.4f} ± "
              f"{summary['rule_se']:.4f} (same seeds, over the wire)")  # fmt: skip
        print(f"  PPO - rules: {summary['ppo_minus_rule']:+.4f} ± "
              f"{summary['ppo_minus_rule_se']:.4f} (paired s.e.)")  # fmt: skip
    print(f"  published rule-baseline figure: {REFERENCE_BASELINE[args.task]}")
    if args.summary_json:
        Path(args.summary_json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.summary_json).write_text(json.dumps(summary, indent=2) + "\n")
    return summary


if __name__ == "__main__":
    main()
