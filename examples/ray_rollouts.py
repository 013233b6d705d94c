#!/usr/bin/env python3
"""Evaluate an agent across many seeds with R Ray actors, each playing over the wire through the
balancer (``deno task cluster``), and write the files ``deno task eval`` writes.

Start the cluster, then::

    deno task cluster --replicas 2 &          # HAProxy on http://127.0.0.1:8000
    .venv/bin/python examples/ray_rollouts.py --url http://127.0.0.1:8000 --actors 4 \\
        --agent rules --tasks easy,medium,hard --episodes 200 --out eval_ray/

Each actor holds one WebSocket (``/ws``, the Gymnasium adapter's :class:`WireClient`) to the
balancer, which pins the connection to one replica (the ``X-Served-By`` header of the upgrade
says which). The driver keeps every actor busy with one episode at a time. An episode whose
connection fails (its replica died, was restarted, timed out) is **retried** from its reset on
a new connection, which HAProxy places on a live replica; the seed fixes the episode, so the
retry's result is the one the first attempt would have produced. ``--max-attempts`` bounds the
retries of one episode.

Outputs (``--out DIR``): ``episodes.jsonl`` (one ``EpisodeSummary`` per episode, the per-episode
row of ``deno task eval``), then — through ``scripts/cluster/eval_report.ts``, i.e. the same
summary code — ``eval.json``, ``eval.csv``, ``eval_episodes.csv``, ``eval.md``; and
``rollouts.json``: wall time, episodes/s, env-steps/s, episodes per replica, every failed
attempt and its retry, and the actors' CPU seconds.

Scores: ``wire_score`` is the server's ``task_score``; ``score`` is the grader's score recomputed
from ``task_score_breakdown`` with the grader's arithmetic (:func:`grader_score`), so ``rules``
here writes the same rows as ``deno task eval --agents rules`` on the same seeds (tested).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "python"))

import ray  # noqa: E402

from alert_triage_gym import HELD_OUT_SEED_START, WireClient, rule_action  # noqa: E402
from alert_triage_gym.encoding import rank_order, task_spec  # noqa: E402
from alert_triage_gym.ray_local import init_local_ray  # noqa: E402

REWARD_COMPONENTS = (
    "critical_resolved",
    "cascade_prevented",
    "false_positive_ignored",
    "unnecessary_investigation",
    "wasted_escalation",
    "critical_missed",
    "system_failure",
)


def grader_score(breakdown: dict[str, float], steps: int, horizon: int, terminated: bool) -> float:
    """The grader's score (``tasks/triage_score.ts``) from the wire breakdown: the normalised
    return (``return``, ``floor`` and ``ceiling`` are sums of whole reward events, so exact) times
    survival (``steps / horizon`` when terminated, else 1), rounded to 4 decimals as
    ``Math.round`` does — the same arithmetic on the same numbers, so the same float."""
    ret, lo, hi = (float(breakdown.get(k, 0.0)) for k in ("return", "floor", "ceiling"))
    span = hi - lo
    normalized = min(1.0, max(0.0, (ret - lo) / span)) if span > 0 else 1.0
    survival = min(1.0, max(0.0, steps / horizon)) if terminated else 1.0
    return math.floor(normalized * survival * 10000 + 0.5) / 10000


def random_action(obs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A uniformly random legal action: each alert gets one of the four actions, INVESTIGATE
    only while the budget lasts (seeded per episode; not the TypeScript ``random`` agent's
    stream, so its scores differ from ``deno task eval --agents random``)."""
    budget = int(obs.get("investigation_budget", 0))
    decisions = []
    alerts = list(obs.get("alerts", []))
    for i in rank_order(alerts):
        choice = rng.choice(["INVESTIGATE", "IGNORE", "ESCALATE", "DELAY"])
        if choice == "INVESTIGATE":
            if budget <= 0:
                choice = "DELAY"
            else:
                budget -= 1
        decisions.append({"alert_id": alerts[i]["id"], "action_type": choice})
    return {"decisions": decisions}


@ray.remote(num_cpus=0)
class RolloutActor:
    """Plays whole episodes over one WebSocket to the balancer; reconnects after a failure."""

    def __init__(self, url: str, agent: str, timeout: float):
        self.url = url
        self.agent = agent
        self.timeout = timeout
        self.client: WireClient | None = None
        self.served_by: str | None = None

    def _connect(self) -> WireClient:
        if self.client is None:
            self.client = WireClient(self.url, message_timeout=self.timeout)
            ws = self.client._connection()  # opens now, to read the replica that took it
            headers = getattr(getattr(ws, "response", None), "headers", None)
            self.served_by = headers.get("X-Served-By") if headers is not None else None
        return self.client

    def _drop(self) -> None:
        client, self.client = self.client, None
        if client is not None:
            client.close()

    def play(self, task: str, seed: int) -> dict[str, Any]:
        """One episode; ``{"ok": True, "row": EpisodeSummary, ...}`` or ``{"ok": False, ...}``."""
        started = time.perf_counter()
        served_by = None
        try:
            client = self._connect()
            served_by = self.served_by
            data = client.reset(seed=seed, task_id=task, agent=self.agent)
            rng = random.Random(seed)
            total = 0.0
            components = dict.fromkeys(REWARD_COMPONENTS, 0.0)
            steps = 0
            while not data.get("done"):
                obs = data["observation"]
                action = rule_action(obs) if self.agent == "rules" else random_action(obs, rng)
                data = client.step(action)
                steps += 1
                total += float(data.get("reward") or 0.0)
                for k, v in (data["observation"].get("reward_components") or {}).items():
                    components[k] = components.get(k, 0.0) + float(v)
            obs = data["observation"]
            breakdown = obs.get("task_score_breakdown") or {}
            terminated = bool(obs.get("terminated", False))
            score = grader_score(breakdown, steps, task_spec(task).horizon, terminated)
            row = {
                "agent": self.agent,
                "task": task,
                "seed": seed,
                "score": score,
                "wire_score": float(obs.get("task_score", 0.0)),
                "success": bool(obs.get("success", False)),
                "return": round(total, 6),
                "steps": steps,
                "terminated": terminated,
                "truncated": bool(obs.get("truncated", False)),
                "reward_components": components,
                "grade_components": breakdown,
            }
            return {
                "ok": True,
                "row": row,
                "served_by": served_by,
                "seconds": time.perf_counter() - started,
            }
        except Exception as e:  # noqa: BLE001 - any failure: the driver retries the episode
            self._drop()
            return {
                "ok": False,
                "error": f"{type(e).__name__}: {e}"[:300],
                "served_by": served_by,
                "seconds": time.perf_counter() - started,
            }

    def cpu_seconds(self) -> float:
        """User + system CPU seconds of this actor's process so far."""
        u = resource.getrusage(resource.RUSAGE_SELF)
        return u.ru_utime + u.ru_stime

    def close(self) -> None:
        """Closes the connection."""
        self._drop()


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Plays every (task, seed) with the actors; returns the rows and the run's record."""
    tasks = [t for t in args.tasks.split(",") if t]
    work = [(t, args.seed_start + i) for t in tasks for i in range(args.episodes)]
    actors = [RolloutActor.remote(args.url, args.agent, args.timeout) for _ in range(args.actors)]
    cpu0 = ray.get([a.cpu_seconds.remote() for a in actors])
    pending = list(reversed(work))
    attempts: dict[tuple[str, int], int] = {}
    running: dict[Any, tuple[Any, tuple[str, int]]] = {}
    rows: list[dict[str, Any]] = []
    failures: list[dict[str, Any]] = []
    per_replica: dict[str, int] = {}
    idle = list(actors)
    started = time.perf_counter()
    while pending or running:
        while idle and pending:
            actor, item = idle.pop(), pending.pop()
            attempts[item] = attempts.get(item, 0) + 1
            running[actor.play.remote(*item)] = (actor, item)
        done, _ = ray.wait(list(running), num_returns=1)
        for ref in done:
            actor, item = running.pop(ref)
            idle.append(actor)
            result = ray.get(ref)
            if result["ok"]:
                rows.append(result["row"])
                key = result["served_by"] or "?"
                per_replica[key] = per_replica.get(key, 0) + 1
                for f in failures:
                    if (f["task"], f["seed"]) == item and f["retried_on"] is None:
                        f["retried_on"] = key
                if not args.quiet:
                    print(
                        f"episode {len(rows)}/{len(work)} {item[0]} seed {item[1]} on {key}: "
                        f"score {result['row']['score']:.4f}",
                        flush=True,
                    )
                continue
            failures.append(
                {
                    "task": item[0],
                    "seed": item[1],
                    "attempt": attempts[item],
                    "served_by": result["served_by"],
                    "error": result["error"],
                    "retried_on": None,
                }
            )
            print(
                f"attempt {attempts[item]} of {item[0]} seed {item[1]} on "
                f"{result['served_by']} failed: {result['error']}",
                flush=True,
            )
            if attempts[item] >= args.max_attempts:
                raise RuntimeError(f"{item} failed {attempts[item]} times; giving up")
            time.sleep(args.retry_delay)
            pending.append(item)
    seconds = time.perf_counter() - started
    cpu1 = ray.get([a.cpu_seconds.remote() for a in actors])
    ray.get([a.close.remote() for a in actors])
    steps = sum(r["steps"] for r in rows)
    record = {
        "url": args.url,
        "agent": args.agent,
        "tasks": tasks,
        "actors": args.actors,
        "episodes": len(rows),
        "env_steps": steps,
        "seconds": round(seconds, 3),
        "episodes_per_s": round(len(rows) / seconds, 3),
        "env_steps_per_s": round(steps / seconds, 1),
        "actor_cpu_seconds": round(sum(cpu1) - sum(cpu0), 3),
        "episodes_per_replica": per_replica,
        "failed_attempts": failures,
    }
    return {"rows": rows, "record": record}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring)."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:8000", help="balancer (or one server)")
    p.add_argument("--actors", type=int, default=4, help="Ray actors (default 4)")
    p.add_argument("--agent", choices=["rules", "random"], default="rules")
    p.add_argument("--tasks", default="easy", help="comma-separated task ids (default easy)")
    p.add_argument("--episodes", type=int, default=200, help="seeds per task (default 200)")
    p.add_argument("--seed-start", type=int, default=HELD_OUT_SEED_START)
    p.add_argument("--out", default="eval_ray", help="output directory (default eval_ray/)")
    p.add_argument("--max-attempts", type=int, default=5, help="attempts per episode")
    p.add_argument("--retry-delay", type=float, default=0.2, help="seconds before a retry")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per reply")
    p.add_argument("--no-report", action="store_true", help="skip eval.json/csv/md (no deno)")
    p.add_argument("--quiet", action="store_true", help="no line per episode")
    args = p.parse_args(argv)
    if args.actors < 1 or args.episodes < 1:
        p.error("--actors and --episodes must be at least 1")
    init_local_ray(num_cpus=max(2, args.actors))
    try:
        result = run(args)
    finally:
        ray.shutdown()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "episodes.jsonl", "w") as f:
        for row in result["rows"]:
            f.write(json.dumps(row) + "\n")
    (out / "rollouts.json").write_text(json.dumps(result["record"], indent=2) + "\n")
    rec = result["record"]
    print(
        f"{rec['episodes']} episodes ({rec['env_steps']} env-steps) in {rec['seconds']} s with "
        f"{rec['actors']} actors: {rec['episodes_per_s']} episodes/s, "
        f"{rec['env_steps_per_s']} env-steps/s; per replica {rec['episodes_per_replica']}; "
        f"{len(rec['failed_attempts'])} failed attempts retried",
        flush=True,
    )
    if not args.no_report:
        subprocess.run(
            [
                os.environ.get("DENO", "deno"),
                "run",
                "--allow-read",
                "--allow-write",
                str(ROOT / "scripts/cluster/eval_report.ts"),
                "--episodes",
                str(out / "episodes.jsonl"),
                "--out",
                str(out),
                "--seconds",
                str(rec["seconds"]),
            ],
            check=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
