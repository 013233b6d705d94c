"""Gymnasium adapter for the alert-triage server, spoken over its OpenEnv WebSocket (``/ws``).

``AlertTriageWireEnv(url, task_id)`` is a ``gymnasium.Env`` whose episodes run on a server
started with ``deno task start``; any Gymnasium trainer (Stable-Baselines3, CleanRL, ...) can
use it. Also registered as ``AlertTriage/Wire-v0`` (pass ``url=`` and ``task_id=`` to
``gymnasium.make``).

Modules: :mod:`.encoding` (observation vector, action codes), :mod:`.wire` (WebSocket client),
:mod:`.env` (the environment), :mod:`.vector` (``AlertTriageVectorEnv``: N environments over one
``/ws/vector`` socket, a ``gymnasium.vector.VectorEnv``, and ``AlertTriageSB3VecEnv`` for
Stable-Baselines3), :mod:`.baseline` (the rule baseline, for over-the-wire comparison).
"""

from gymnasium.envs.registration import register, registry

from .baseline import rule_action, rule_baseline_scores
from .encoding import ACTION_TYPES, ALERT_TYPES, TASKS, ObservationEncoder, TaskSpec, task_spec
from .env import HELD_OUT_SEED_START, AlertTriageWireEnv
from .vector import AlertTriageSB3VecEnv, AlertTriageVectorEnv
from .wire import ServerError, WireClient, ws_url

__all__ = [
    "ACTION_TYPES",
    "ALERT_TYPES",
    "HELD_OUT_SEED_START",
    "TASKS",
    "AlertTriageSB3VecEnv",
    "AlertTriageVectorEnv",
    "AlertTriageWireEnv",
    "ObservationEncoder",
    "ServerError",
    "TaskSpec",
    "WireClient",
    "rule_action",
    "rule_baseline_scores",
    "task_spec",
    "ws_url",
]

ENV_ID = "AlertTriage/Wire-v0"
if ENV_ID not in registry:
    register(
        id=ENV_ID, entry_point="alert_triage_gym.env:AlertTriageWireEnv", nondeterministic=False
    )
