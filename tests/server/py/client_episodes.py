"""Full episodes on every task against a running alert-triage server with the REAL OpenEnv
client (openenv-core's GenericEnvClient, async and sync), playing a Python port of the
rule-based baseline agent. Prints one JSON document on stdout for the Deno test to compare
with in-process runs.

Usage: python client_episodes.py BASE_URL [SEED]
"""
import asyncio
import json
import sys
import urllib.request

from openenv import GenericEnvClient

URL = sys.argv[1]
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 7


def rule_act(obs):
    """Port of src/agents/rule_based.ts (same thresholds, same stable ordering)."""
    ranked = sorted(obs["alerts"], key=lambda a: -(a["visible_severity"] * a["confidence"]))
    budget = obs["investigation_budget"]
    decisions = []
    for a in ranked:
        score = a["visible_severity"] * a["confidence"]
        action = "DELAY"
        if a["visible_severity"] >= 0.85 and a["confidence"] >= 0.8:
            action = "ESCALATE"
        elif score >= 0.3 and budget > 0:
            action = "INVESTIGATE"
            budget -= 1
        elif score < 0.2:
            action = "IGNORE"
        decisions.append({"alert_id": a["id"], "action_type": action})
    return {"decisions": decisions}


async def episode(env, task, seed):
    r = await env.reset(seed=seed, task_id=task)
    assert r.reward is None and r.done is False, r
    steps, total = 0, 0.0
    while not r.done:
        r = await env.step(rule_act(r.observation))
        steps += 1
        total += r.reward
    obs = r.observation
    state = await env.state()
    return {
        "task": task,
        "seed": seed,
        "steps": steps,
        "total_reward": total,
        "task_score": obs["task_score"],
        "success": obs["success"],
        "breakdown": obs["task_score_breakdown"],
        "state_step_count": state["step_count"],
        "state_task_id": state["task_id"],
    }


async def main():
    with urllib.request.urlopen(URL + "/tasks") as res:
        tasks = [t["id"] for t in json.load(res)]
    out = {"episodes": [], "errors": {}}
    async with GenericEnvClient(base_url=URL) as env:
        for task in tasks:
            out["episodes"].append(await episode(env, task, SEED))
        # a rejected action raises, and leaves the episode where it was
        await env.reset(seed=SEED, task_id=tasks[0])
        try:
            await env.step({"alert_id": "A999", "action_type": "IGNORE"})
            out["errors"]["unknown_alert"] = None
        except RuntimeError as e:
            out["errors"]["unknown_alert"] = str(e)
        out["errors"]["step_count_after_rejection"] = (await env.state())["step_count"]
    # the synchronous wrapper works too
    with GenericEnvClient(base_url=URL).sync() as env:
        r = env.reset(seed=SEED, task_id=tasks[-1])
        r = env.step({"decisions": []})
        out["sync"] = {"reward_is_number": isinstance(r.reward, (int, float)), "done": r.done}
    print(json.dumps(out))


asyncio.run(main())
