"""WebSocket steps/s of the real OpenEnv Python client (openenv-core GenericEnvClient) against
alert-triage and the OpenEnv reference server: the client-bound view of bench_ws.ts.

Usage: python bench_client.py OURS_URL REFERENCE_URL [SECONDS]   (prints one JSON line)
"""
import asyncio
import json
import sys
import time

from openenv import GenericEnvClient

OURS, REF = sys.argv[1], sys.argv[2]
SECONDS = float(sys.argv[3]) if len(sys.argv) > 3 else 5.0


async def measure(url, action, resets):
    async with GenericEnvClient(base_url=url) as env:
        seed = 0
        await env.reset(seed=seed)
        for _ in range(200):  # warm-up
            r = await env.step(action)
            if r.done and resets:
                seed += 1
                await env.reset(seed=seed)
        steps, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < SECONDS:
            r = await env.step(action)
            steps += 1
            if r.done and resets:
                seed += 1
                await env.reset(seed=seed)
        return steps, steps / (time.perf_counter() - t0)


async def main():
    ours = await measure(OURS, {"decisions": []}, True)
    ref = await measure(REF, {"message": "hello"}, False)
    print(json.dumps({"alert-triage": ours, "openenv-reference": ref}))


asyncio.run(main())
