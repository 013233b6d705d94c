"""Minimal OpenEnv reference server (openenv-core 0.3.0) for protocol/benchmark comparison.

Run:   /work/venv-openenv/bin/python ref_server.py --port 8001 [--host 127.0.0.1]
                                                  [--max-sessions 1] [--max-steps 0]
Serves the stock create_app() routes: POST /reset, POST /step, GET /state, /health,
/metadata, /schema, POST+WS /mcp, WS /ws, /openapi.json, /docs.

Environment "EchoEnv":
  action      {"message": str}                       (extra keys -> 422 / VALIDATION_ERROR)
  reset(seed=None, episode_id=None, task_id="default", **kw)
  observation {"echoed_message": str, "message_length": int, "task_id": str, "seed": int|null}
  reward      0.1 * len(message)  (None after reset)
  done        step_count >= max_steps (never when max_steps == 0)
  state       {"episode_id": str, "step_count": int, "task_id": str}
"""

import argparse
import os
import uuid
from typing import Any, Optional

from pydantic import Field

from openenv.core.env_server.http_server import create_app
from openenv.core.env_server.interfaces import Environment
from openenv.core.env_server.types import Action, Observation, State

MAX_STEPS = int(os.environ.get("REF_MAX_STEPS", "0"))


class EchoAction(Action):
    message: str = Field(..., description="Message to echo back")


class EchoObservation(Observation):
    echoed_message: str = Field(default="", description="The echoed message")
    message_length: int = Field(default=0, description="Length of the echoed message")
    task_id: str = Field(default="default", description="Task id given to reset")
    seed: Optional[int] = Field(default=None, description="Seed given to reset")


class EchoState(State):
    task_id: str = "default"


class EchoEnv(Environment[EchoAction, EchoObservation, EchoState]):
    SUPPORTS_CONCURRENT_SESSIONS = True

    def __init__(self) -> None:
        super().__init__()
        self._state = EchoState(episode_id=str(uuid.uuid4()), step_count=0)
        self._seed: Optional[int] = None

    def reset(
        self,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        task_id: str = "default",
        **kwargs: Any,
    ) -> EchoObservation:
        self._seed = seed
        self._state = EchoState(
            episode_id=episode_id or str(uuid.uuid4()), step_count=0, task_id=task_id
        )
        return EchoObservation(
            echoed_message="", message_length=0, task_id=task_id, seed=seed,
            done=False, reward=None,
        )

    def step(self, action: EchoAction, timeout_s: Optional[float] = None, **kwargs: Any) -> EchoObservation:
        self._state.step_count += 1
        msg = action.message
        return EchoObservation(
            echoed_message=msg,
            message_length=len(msg),
            task_id=self._state.task_id,
            seed=self._seed,
            done=MAX_STEPS > 0 and self._state.step_count >= MAX_STEPS,
            reward=len(msg) * 0.1,
        )

    @property
    def state(self) -> EchoState:
        return self._state


def build_app(max_sessions: int = 1):
    return create_app(
        EchoEnv, EchoAction, EchoObservation, env_name="echo_env",
        max_concurrent_envs=max_sessions,
    )


def main() -> None:
    global MAX_STEPS
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--max-sessions", type=int, default=1,
                   help="max concurrent WS sessions (stock template uses 1)")
    p.add_argument("--max-steps", type=int, default=MAX_STEPS,
                   help="episode ends (done=true) after this many steps; 0 = never")
    p.add_argument("--log-level", default="warning")
    args = p.parse_args()
    MAX_STEPS = args.max_steps

    import uvicorn

    uvicorn.run(build_app(args.max_sessions), host=args.host, port=args.port,
                log_level=args.log_level)


if __name__ == "__main__":
    main()
