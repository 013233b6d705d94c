#!/usr/bin/env python3
"""Smoke training: a few thousand steps of Stable-Baselines3 PPO against a running server.

Usage: ``sb3_smoke.py URL OUT_DIR [TIMESTEPS [VECTOR_N]]``. Runs
``examples/train_external.py`` in process (easy task, 2 sessions over ``/ws``, or ``--vector
VECTOR_N`` environments over one ``/ws/vector`` socket; seed 0), then checks the summary (finite scores in (0, 1), the
timesteps done, a rule-baseline comparison on the same held-out seeds) and the learning-curve
CSV (one row per rollout, timesteps increasing). Prints ``OK`` and the summary line.
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep examples/ and python/ free of __pycache__
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))

import train_external  # noqa: E402


def main() -> None:
    """Trains briefly and checks the outputs."""
    url, out = sys.argv[1], Path(sys.argv[2])
    timesteps = int(sys.argv[3]) if len(sys.argv) > 3 else 4096
    vector = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    transport = ["--vector", str(vector)] if vector else ["--n-envs", "2"]
    rollout = 256 * 2 // (vector or 2)
    curve = out / "curve.csv"
    summary = train_external.main([
        "--url", url, "--task", "easy", "--timesteps", str(timesteps), "--seed", "0",
        *transport, "--n-steps", str(rollout), "--batch-size", "128", "--n-epochs", "4",
        "--net", "64,64", "--eval-episodes", "5", "--eval-every", "1024", "--val-episodes", "2",
        "--curve-csv", str(curve), "--summary-json", str(out / "summary.json"), "--quiet",
    ])  # fmt: skip
    assert summary["timesteps"] >= timesteps, summary["timesteps"]
    for key in ("ppo_mean_task_score", "rule_mean_task_score"):
        v = summary[key]
        assert math.isfinite(v) and 0.0 < v < 1.0, (key, v)
    with open(curve, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == timesteps // 512, len(rows)
    steps = [int(r["timesteps"]) for r in rows]
    assert steps == sorted(steps) and steps[-1] == summary["timesteps"]
    assert any(r["val_task_score"] for r in rows) and any(r["train_task_score"] for r in rows)
    print(
        f"OK sb3 smoke ({summary['transport']}): {summary['timesteps']} steps in {summary['train_seconds']} s "
        f"({summary['train_steps_per_s']} steps/s); PPO {summary['ppo_mean_task_score']} vs "
        f"rules {summary['rule_mean_task_score']} on {summary['eval_seeds']}"
    )


if __name__ == "__main__":
    main()
