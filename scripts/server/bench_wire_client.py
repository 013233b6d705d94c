"""Python side of ``deno task bench:wire``: env-steps/s of one Gymnasium client over the wire.

Usage: ``bench_wire_client.py URL MODE SECONDS [PYTHON_DIR]`` where MODE is ``lockstep`` (one
:class:`AlertTriageWireEnv` over ``/ws``, one request per step) or ``vector:N``
(:class:`AlertTriageVectorEnv`, N environments over one ``/ws/vector`` socket). Hard task,
uniformly random slot codes (the env clips INVESTIGATEs to the budget), episodes reset as they
end; encoding and decoding are included, as a trainer would see them. ``PYTHON_DIR`` (default:
this repository's ``python/``) is where ``alert_triage_gym`` is imported from (A/B runs of two
versions of the client). Prints one JSON line: ``{"mode", "env_steps", "frames", "seconds",
"env_steps_per_s", "p50_ms", "p99_ms", "client_cpu_s"}`` (``client_cpu_s``: this process's user +
system CPU time over the measured frames, ``time.process_time``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
PYTHON_DIR = sys.argv[4] if len(sys.argv) > 4 else str(Path(__file__).resolve().parents[2] / "python")
sys.path.insert(0, PYTHON_DIR)

import numpy as np  # noqa: E402

from alert_triage_gym import AlertTriageWireEnv  # noqa: E402
from alert_triage_gym.vector import AlertTriageVectorEnv  # noqa: E402


def main() -> None:
    """Measures one mode and prints the JSON line."""
    url, mode, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rng = np.random.default_rng(0)
    if mode == "lockstep":
        env = AlertTriageWireEnv(url, task_id="hard")
        env.reset(seed=0)
        pool = rng.integers(0, 4, size=(256, env.slots))
        n, seed = 1, 0

        def frame(i: int) -> None:
            nonlocal seed
            _, _, term, trunc, _ = env.step(pool[i % 256])
            if term or trunc:
                seed += 1
                env.reset(seed=seed)
    elif mode.startswith("vector:"):
        n = int(mode.split(":")[1])
        env = AlertTriageVectorEnv(url, task_id="hard", num_envs=n)
        env.reset(seed=0)
        pool = rng.integers(0, 4, size=(16, n, env.slots))

        def frame(i: int) -> None:
            env.step(pool[i % 16])
    else:
        raise SystemExit(f"unknown mode {mode}")
    for i in range(50):  # warm-up
        frame(i)
    times: list[float] = []
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    end = t0 + seconds
    i = 0
    while True:
        a = time.perf_counter()
        if a >= end:
            break
        frame(i)
        times.append(time.perf_counter() - a)
        i += 1
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    env.close()
    ms = np.array(times) * 1000
    print(json.dumps({
        "mode": mode, "env_steps": len(times) * n, "frames": len(times), "seconds": wall,
        "env_steps_per_s": len(times) * n / wall,
        "p50_ms": float(np.percentile(ms, 50)), "p99_ms": float(np.percentile(ms, 99)),
        "client_cpu_s": cpu,
    }))  # fmt: skip


if __name__ == "__main__":
    main()
