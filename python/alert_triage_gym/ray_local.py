"""Starting a local Ray for the examples (``ray_rollouts.py``, ``rllib_train.py``).

:func:`init_local_ray` starts Ray on this machine only (its node address is loopback), with this
package importable by every worker (``PYTHONPATH`` is inherited from the driver, so no runtime
environment has to be built), usage statistics off, and no dashboard. Ray gives its raylet a
fixed 30 s to register, and the raylet a fixed time for its metrics agent to start; on a heavily
loaded machine (a 2-core box at load average 15-25) either can run out, so a start that timed out
is retried (``attempts`` times in all; measured: 1 to 3 attempts at load 10-25, 1 when quiet).

Example::

    from alert_triage_gym.ray_local import init_local_ray
    init_local_ray(num_cpus=4)
"""

from __future__ import annotations

import os
import time
from pathlib import Path

PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent)


def init_local_ray(num_cpus: int, attempts: int = 4) -> None:
    """Starts a local Ray with ``num_cpus`` logical CPUs (see the module docstring)."""
    import ray

    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if PACKAGE_ROOT not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([PACKAGE_ROOT, *paths])
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    for attempt in range(1, attempts + 1):
        try:
            ray.init(
                num_cpus=num_cpus,
                include_dashboard=False,
                log_to_driver=False,
                _node_ip_address="127.0.0.1",
            )
            return
        except Exception as e:  # noqa: BLE001 - Ray raises a bare Exception on a slow start
            if "timed out during startup" not in str(e) or attempt == attempts:
                raise
            print(f"Ray start {attempt} timed out (loaded machine?); retrying", flush=True)
            ray.shutdown()
            time.sleep(2)
