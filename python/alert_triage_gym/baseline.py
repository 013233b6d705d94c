"""The rule baseline (``src/agents/rule_based.ts``) in Python, to run it over the wire.

Rank alerts by ``visible_severity x confidence``; ESCALATE when severity >= 0.85 and
confidence >= 0.8; otherwise INVESTIGATE the top ones while the budget lasts when the score is
>= 0.3; IGNORE when the score is < 0.2; DELAY the rest. Same thresholds, same stable ordering,
same arithmetic on the same (4-decimal) numbers, so it makes the same decisions as the
TypeScript agent and scores the same on the same seeds.
"""

from __future__ import annotations

from typing import Any, Mapping

from .encoding import rank_order
from .wire import WireClient

ESCALATE_SEVERITY = 0.85
ESCALATE_CONFIDENCE = 0.8
IGNORE_BELOW = 0.2
INVESTIGATE_ABOVE = 0.3


def rule_action(obs: Mapping[str, Any]) -> dict[str, Any]:
    """The rule baseline's wire action for one wire observation."""
    alerts = list(obs.get("alerts", []))
    budget = int(obs.get("investigation_budget", 0))
    decisions = []
    for i in rank_order(alerts):
        a = alerts[i]
        sev, conf = float(a["visible_severity"]), float(a["confidence"])
        score = sev * conf
        action = "DELAY"
        if sev >= ESCALATE_SEVERITY and conf >= ESCALATE_CONFIDENCE:
            action = "ESCALATE"
        elif score >= INVESTIGATE_ABOVE and budget > 0:
            action = "INVESTIGATE"
            budget -= 1
        elif score < IGNORE_BELOW:
            action = "IGNORE"
        decisions.append({"alert_id": a["id"], "action_type": action})
    return {"decisions": decisions}


def rule_baseline_scores(
    url: str, task: str, seeds: list[int], agent: str | None = None
) -> list[float]:
    """Task score of the rule baseline on each seed, played over the wire (``/ws``).

    ``agent`` names the player in the server's metrics (``reset``'s ``agent`` field), if given.
    """
    client = WireClient(url)
    scores = []
    try:
        for s in seeds:
            params: dict[str, Any] = {"seed": s, "task_id": task}
            if agent is not None:
                params["agent"] = agent
            data = client.reset(**params)
            while not data.get("done"):
                data = client.step(rule_action(data["observation"]))
            scores.append(float(data["observation"]["task_score"]))
    finally:
        client.close()
    return scores
