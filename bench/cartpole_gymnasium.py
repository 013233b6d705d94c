"""Steps per second of Gymnasium's CartPole-v1 under gymnasium.utils.performance.benchmark_step.

Prints one JSON object: the official benchmark_step rate (wall clock, random actions, resets
included), the CPU time the process used meanwhile (to correct for contention on a shared
machine), and versions. Run by bench/cartpole_compare.ts; usable alone:

    .venv/bin/python bench/cartpole_gymnasium.py [--seconds 5] [--repeats 1]
"""

import argparse
import json
import platform
import time

import gymnasium
from gymnasium.utils.performance import benchmark_step


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    env = gymnasium.make("CartPole-v1")
    runs = []
    for i in range(args.repeats):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        rate = benchmark_step(env, target_duration=args.seconds, seed=args.seed + i)
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        runs.append(
            {
                "steps_per_second": rate,
                "seconds": wall,
                "cpu_seconds": cpu,
                # benchmark_step counts wall time; scale by the share of it this process ran.
                "steps_per_cpu_second": rate * wall / cpu if cpu > 0 else None,
            }
        )
    env.close()
    print(
        json.dumps(
            {
                "env": "CartPole-v1",
                "gymnasium": gymnasium.__version__,
                "python": platform.python_version(),
                "runs": runs,
            }
        )
    )


if __name__ == "__main__":
    main()
