#!/usr/bin/env python3
"""Checks of the Gymnasium wire adapter against a running server (no pytest: plain asserts).

Usage: ``wire_env_check.py URL EXPECTED_JSON`` where ``EXPECTED_JSON`` (written by
``sb3_smoke_test.ts`` from the TypeScript registry) holds, per task, its services, K, horizon
and queue capacity, and the rule baseline's in-process task scores on a few seeds.

Checks: the Python task table matches the TypeScript one; ``gymnasium``'s ``check_env`` passes
on every task (a direct instance and one made from the registered spec) with no warning; the
encoding stays in the observation space and its masks and budget clipping behave; seeding
follows Gymnasium (same seed, same trajectory; unseeded resets reproducible from the seeded
generator and below the held-out seeds); ``close`` is idempotent; and the rule baseline played
over the wire scores exactly what it scores in process. Prints ``OK`` and exits 0 on success.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

sys.dont_write_bytecode = True  # keep examples/ and python/ free of __pycache__
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))
sys.path.insert(0, str(ROOT / "examples"))

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
from gymnasium.utils.env_checker import check_env  # noqa: E402

from alert_triage_gym import (  # noqa: E402
    HELD_OUT_SEED_START,
    TASKS,
    AlertTriageWireEnv,
    ObservationEncoder,
    ServerError,
    WireClient,
    ws_url,
)
from alert_triage_gym.encoding import DELAY, INVESTIGATE  # noqa: E402


def check_task_table(expected: dict) -> None:
    """The Python task table equals the TypeScript registry's."""
    assert set(TASKS) == set(expected["tasks"]), (set(TASKS), set(expected["tasks"]))
    for tid, e in expected["tasks"].items():
        t = TASKS[tid]
        got = {"services": list(t.services), "k": t.k, "horizon": t.horizon,
               "max_queue": t.max_queue,
               "depends_on": {s: list(t.depends_on(s)) for s in t.services}}  # fmt: skip
        assert got == e, f"{tid}: python {got} != typescript {e}"


def check_env_all(url: str) -> None:
    """``check_env`` passes without warnings on every task, direct and via ``gym.make``."""
    for tid in TASKS:
        for make in ("direct", "registered"):
            if make == "direct":
                env = AlertTriageWireEnv(url, task_id=tid, render_mode="ansi")
            else:
                env = gym.make("AlertTriage/Wire-v0", url=url, task_id=tid).unwrapped
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                check_env(env)
            msgs = [str(w.message) for w in caught]
            if make == "direct":  # without a spec check_env cannot make the other render modes
                msgs = [m for m in msgs if "not having a spec" not in m]
            assert not msgs, f"{tid}/{make}: check_env warned: {msgs}"
            env.close()
            env.close()  # idempotent


def check_encoding_and_masks(url: str) -> None:
    """Observations stay in the space; masks and the budget rule hold over whole episodes."""
    env = AlertTriageWireEnv(url, task_id="hard")
    rng = np.random.default_rng(7)
    for ep in range(3):
        obs, info = env.reset(seed=100 + ep)
        done = False
        while not done:
            assert env.observation_space.contains(obs), "observation outside its space"
            raw = env.last_observation
            mask = info["action_mask"]
            n = len(info["alert_ids"])
            assert n == min(raw["queue_length"], env.slots)
            assert (mask[n:, :3] == 0).all() and (mask[:, DELAY] == 1).all()
            assert (mask[:n, INVESTIGATE] == (1 if raw["investigation_budget"] > 0 else 0)).all()
            action = rng.integers(0, 4, size=env.slots)
            action[: min(n, 6)] = INVESTIGATE  # always more than the budget when alerts exist
            obs, reward, terminated, truncated, info = env.step(action)
            assert info["last_action_error"] is None, info["last_action_error"]
            assert isinstance(reward, float) and np.isfinite(reward)
            done = terminated or truncated
        assert 0.0 < info["task_score"] < 1.0 and "success" in info
    env.close()
    enc = ObservationEncoder(TASKS["easy"], slots=4)
    act, clipped = enc.decode([0, 0, 0, 0], ["A1", "A2", "A3"], budget=2)
    kinds = [d["action_type"] for d in act["decisions"]]
    assert kinds == ["INVESTIGATE", "INVESTIGATE", "DELAY"] and clipped == 1, (kinds, clipped)
    vec, ids, _ = enc.encode({"alerts": [
        {"id": "B", "visible_severity": 0.2, "confidence": 0.5, "alert_type": "CPU",
         "service": "not-a-service", "age": 99},
        {"id": "A", "visible_severity": 0.9, "confidence": 0.9, "alert_type": "DISK",
         "service": "auth", "age": 1}],
        "queue_length": 40, "investigation_budget": 9, "tick": 3, "time_remaining": 27,
        "system_load": 0.4, "escalations_pending": 20})  # fmt: skip
    assert ids == ["A", "B"], ids  # rank order
    assert vec.dtype == np.float32 and vec.min() >= 0.0 and vec.max() <= 1.0
    assert ws_url("http://h:1") == "ws://h:1/ws" and ws_url("https://h/") == "wss://h/ws"


def trajectory(env: AlertTriageWireEnv, seed: int | None, steps: int = 8) -> list:
    """Observations and rewards of a few fixed-action steps after a reset."""
    obs, info = env.reset(seed=seed)
    out = [obs.tobytes(), info["seed"]]
    for i in range(steps):
        obs, r, te, tr, info = env.step(np.full(env.slots, i % 4))
        out.append((obs.tobytes(), r))
        if te or tr:
            break
    return out


def check_seeding(url: str) -> None:
    """Gymnasium seeding: reproducible with and without explicit seeds."""
    a = AlertTriageWireEnv(url, task_id="medium")
    b = AlertTriageWireEnv(url, task_id="medium")
    assert trajectory(a, 5) == trajectory(b, 5)
    seq_a = [trajectory(a, None)[1] for _ in range(3)]
    assert trajectory(b, 5) and [trajectory(b, None)[1] for _ in range(3)] == seq_a
    assert all(0 <= s < HELD_OUT_SEED_START for s in seq_a) and len(set(seq_a)) == 3
    assert trajectory(a, 5) != trajectory(a, 6)
    a.close()
    b.close()


def check_errors(url: str) -> None:
    """Server errors surface as ``ServerError``; stepping without an episode raises."""
    c = WireClient(url)
    try:
        c.reset(task_id="no-such-task")
        raise AssertionError("unknown task accepted")
    except ServerError as err:
        assert err.code, err
    c.close()
    env = AlertTriageWireEnv(url, task_id="easy")
    try:
        env.step(np.zeros(env.slots, dtype=np.int64))
        raise AssertionError("step before reset accepted")
    except RuntimeError:
        pass
    env.close()


def check_rule_parity(url: str, expected: dict) -> None:
    """The rule baseline over the wire scores what it scores in process."""
    from train_external import run_rule_baseline

    for tid, e in expected["rules"].items():
        got = run_rule_baseline(url, tid, e["seeds"])
        assert got == e["scores"], f"{tid}: wire {got} != in-process {e['scores']}"


def main() -> None:
    """Runs every check."""
    url, expected = sys.argv[1], json.loads(Path(sys.argv[2]).read_text())
    check_task_table(expected)
    check_env_all(url)
    check_encoding_and_masks(url)
    check_seeding(url)
    check_errors(url)
    check_rule_parity(url, expected)
    print("OK")


if __name__ == "__main__":
    main()
