"""Play alert-triage remotely with the real OpenEnv client (openenv-core's GenericEnvClient).

    deno task start                                   # the server on :8000
    .venv/bin/python examples/openenv_client.py [http://127.0.0.1:8000] [SEED]

One episode per task with a simple threshold policy; prints the inference-style log lines
([START] / [STEP] / [END]) and the task score carried by the final observation.
"""
import asyncio
import sys

from openenv import GenericEnvClient

URL = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0


def policy(obs):
    """Escalate the loud and sure, investigate the top of the rest within budget, ignore the faint."""
    budget = obs["investigation_budget"]
    decisions = []
    for a in sorted(obs["alerts"], key=lambda a: -a["visible_severity"] * a["confidence"]):
        score = a["visible_severity"] * a["confidence"]
        if a["visible_severity"] >= 0.85 and a["confidence"] >= 0.8:
            action = "ESCALATE"
        elif score >= 0.3 and budget > 0:
            action, budget = "INVESTIGATE", budget - 1
        elif score < 0.2:
            action = "IGNORE"
        else:
            action = "DELAY"
        decisions.append({"alert_id": a["id"], "action_type": action})
    return {"decisions": decisions}


async def main():
    async with GenericEnvClient(base_url=URL) as env:
        for task in ("easy", "medium", "hard"):
            print(f"[START] task={task} env=alert_triage model=rules", flush=True)
            result = await env.reset(seed=SEED, task_id=task, agent="example-rules")
            rewards = []
            while not result.done:
                action = policy(result.observation)
                result = await env.step(action)
                rewards.append(result.reward)
                error = result.observation["last_action_error"] or "null"
                print(
                    f"[STEP] step={len(rewards)} action={len(action['decisions'])}_decisions "
                    f"reward={result.reward:.2f} done={str(result.done).lower()} error={error}",
                    flush=True,
                )
            obs = result.observation
            print(
                f"[END] success={str(obs['success']).lower()} steps={len(rewards)} "
                f"score={obs['task_score']:.3f} rewards={','.join(f'{r:.2f}' for r in rewards)}",
                flush=True,
            )


asyncio.run(main())
