"""openenv-core's MCPToolClient against a running alert-triage server, over the WebSocket
(the default: tools as steps) and over HTTP `POST /mcp` (`use_production_mode`): tools are
listed before any reset, and `call_tool` returns the tool's payload itself (the `data` key),
not the MCP envelope. Prints one JSON document on stdout for the Deno test.

Usage: python mcp_tool_client.py BASE_URL
"""
import asyncio
import json
import sys

from openenv.core.mcp_client import MCPToolClient

URL = sys.argv[1]


async def session(production: bool) -> dict:
    async with MCPToolClient(base_url=URL) as env:
        env.use_production_mode = production
        tools = sorted(t.name for t in await env.list_tools(use_cache=False))
        reset = await env.call_tool("reset", seed=3, task_id="easy")
        alert = reset["observation"]["alerts"][0]["id"]
        step = await env.call_tool(
            "step", action={"decisions": [{"alert_id": alert, "action_type": "INVESTIGATE"}]}
        )
        state = await env.call_tool("state")
        return {
            "tools": tools,
            "reset_keys": sorted(reset),
            "reset_done": reset["done"],
            "step_reward_is_number": isinstance(step["reward"], (int, float)),
            "state_step_count": state["step_count"],
        }


async def main() -> None:
    print(json.dumps({"ws": await session(False), "http": await session(True)}))


asyncio.run(main())
