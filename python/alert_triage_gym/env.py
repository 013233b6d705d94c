"""``AlertTriageWireEnv``: a Gymnasium environment backed by a running alert-triage server.

Every ``reset``/``step`` is one request/reply over the server's OpenEnv WebSocket (``/ws``);
the episode itself runs on the server, so this adapter only encodes and decodes (see
:mod:`alert_triage_gym.encoding` for the observation vector and the action codes).

Seeding follows Gymnasium: ``reset(seed=S)`` reseeds ``self.np_random`` and plays server seed
``S``; ``reset()`` without a seed plays a seed drawn from ``self.np_random`` in
``[0, train_seed_high)`` (default ``10_000_000``), so a seeded run is reproducible and training
never touches the held-out evaluation seeds (``10_000_000`` and above).

``terminated``/``truncated`` come from the observation's ``terminated``/``truncated`` fields when
the server sends them; otherwise ``done`` with ``time_remaining == 0`` counts as truncated and
any other ``done`` as terminated.

``info`` keys: ``action_mask`` (``(slots, 4)`` int8), ``alert_ids`` (alert id per slot),
``seed`` (server seed of the episode), ``reward_components``, ``last_action_error``,
``investigations_clipped`` (INVESTIGATEs turned into DELAY by the budget rule), after a step
``server_reward`` and, when the episode ends, ``task_score``, ``success`` and
``task_score_breakdown``. The step reward is the server's, plus ``score_bonus x task_score``
on the last step when ``score_bonus`` is set (aligns training with the task's grader).

Example::

    env = AlertTriageWireEnv("http://127.0.0.1:8000", task_id="hard")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    env.close()
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np
from gymnasium import spaces

from .encoding import ObservationEncoder, task_spec
from .wire import WireClient

#: Seeds at or above this are reserved for held-out evaluation.
HELD_OUT_SEED_START = 10_000_000


class AlertTriageWireEnv(gym.Env):
    """Gymnasium view of one server session playing one task (see the module docstring)."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(
        self,
        url: str = "http://127.0.0.1:8000",
        task_id: str = "easy",
        slots: int | None = None,
        sort_by_rank: bool = True,
        render_mode: str | None = None,
        train_seed_high: int = HELD_OUT_SEED_START,
        message_timeout: float = 60.0,
        agent: str | None = None,
        score_bonus: float = 0.0,
    ):
        """Connects lazily (on the first ``reset``) to the server at ``url``.

        ``slots`` alert slots (default: the task's queue capacity, 32); ``sort_by_rank`` fills
        slots by severity x confidence; ``agent`` is an optional label the server files scores
        under (sent with every reset); ``score_bonus`` adds ``score_bonus x task_score`` to the
        reward of an episode's last step (0: the server's reward unchanged; the server's own
        reward is always in ``info["server_reward"]``).
        """
        if render_mode is not None and render_mode not in self.metadata["render_modes"]:
            raise ValueError(f"render_mode must be one of {self.metadata['render_modes']}")
        self.render_mode = render_mode
        self.task_id = task_id
        self.spec_task = task_spec(task_id)
        self.encoder = ObservationEncoder(self.spec_task, slots, sort_by_rank)
        self.slots = self.encoder.slots
        self.train_seed_high = int(train_seed_high)
        self.agent = agent
        self.score_bonus = float(score_bonus)
        self.observation_space = spaces.Box(
            low=0.0, high=1.0, shape=(self.encoder.size,), dtype=np.float32
        )
        self.action_space = spaces.MultiDiscrete(np.full(self.slots, 4, dtype=np.int64))
        self._client = WireClient(url, message_timeout=message_timeout)
        self._raw: dict[str, Any] | None = None
        self._alert_ids: list[str] = []
        self._mask = np.zeros((self.slots, 4), dtype=np.int8)
        self._episode_seed: int | None = None
        self._done = True
        self._closed = False

    # -- Gymnasium API ---------------------------------------------------------------------

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Starts an episode on the server (see the module docstring for the seed rule).

        ``options`` may hold ``{"seed": S}`` to play server seed ``S`` without reseeding the
        generator (evaluation on held-out seeds); other keys are ignored.
        """
        super().reset(seed=seed)
        options = options or {}
        if seed is not None:
            server_seed = int(seed)
        elif options.get("seed") is not None:
            server_seed = int(options["seed"])
        else:
            server_seed = int(self.np_random.integers(0, self.train_seed_high))
        params: dict[str, Any] = {"seed": server_seed, "task_id": self.task_id}
        if self.agent is not None:
            params["agent"] = self.agent
        self._closed = False
        data = self._client.reset(**params)
        self._episode_seed = server_seed
        self._done = bool(data.get("done", False))
        obs = self._ingest(data)
        return obs, self._info(data, clipped=0)

    def step(self, action: Any) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Decodes the slot codes, sends the decisions and returns the next transition."""
        if self._raw is None or self._done:
            raise RuntimeError("step() called without a running episode; call reset() first")
        budget = int(self._raw.get("investigation_budget", 0))
        wire_action, clipped = self.encoder.decode(action, self._alert_ids, budget)
        data = self._client.step(wire_action)
        obs = self._ingest(data)
        terminated, truncated = self._end_flags(data)
        self._done = terminated or truncated
        server_reward = float(data.get("reward") or 0.0)
        info = self._info(data, clipped)
        info["server_reward"] = server_reward
        reward = server_reward
        if self._done and self.score_bonus and "task_score" in info:
            reward += self.score_bonus * float(info["task_score"])
        return obs, reward, terminated, truncated, info

    def render(self) -> str | None:
        """``ansi``: the current queue as text (rank order); otherwise nothing."""
        if self.render_mode != "ansi" or self._raw is None:
            return None
        o = self._raw
        head = (
            f"{self.task_id} tick {o.get('tick')}  load {o.get('system_load')}  "
            f"budget {o.get('investigation_budget')}  queue {o.get('queue_length')}"
        )
        rows = [
            f"{a['id']:<6}{a['alert_type']:<12}{a['service']:<15}sev {a['visible_severity']:.2f}"
            f"  conf {a['confidence']:.2f}  age {a['age']}"
            for a in self.encoder.slot_alerts(o)
        ]
        return "\n".join([head, *rows])

    def close(self) -> None:
        """Closes the session; idempotent."""
        self._client.close()
        self._closed = True
        self._done = True

    # -- helpers -----------------------------------------------------------------------------

    def action_masks(self) -> np.ndarray:
        """Flat boolean mask of length ``4 * slots`` (the ``sb3-contrib`` MaskablePPO format)."""
        return self._mask.reshape(-1).astype(bool)

    @property
    def last_observation(self) -> dict[str, Any] | None:
        """The last wire observation (a dict), for baselines and debugging."""
        return self._raw

    def _ingest(self, data: dict[str, Any]) -> np.ndarray:
        raw = data.get("observation")
        if not isinstance(raw, dict):
            raise RuntimeError(f"reply without an observation object: {data!r}"[:500])
        self._raw = raw
        vec, self._alert_ids, self._mask = self.encoder.encode(raw)
        return vec

    def _end_flags(self, data: dict[str, Any]) -> tuple[bool, bool]:
        raw = self._raw or {}
        if "terminated" in raw or "truncated" in raw:
            return bool(raw.get("terminated", False)), bool(raw.get("truncated", False))
        if not data.get("done", False):
            return False, False
        if int(raw.get("time_remaining", 1)) == 0:
            return False, True
        return True, False

    def _info(self, data: dict[str, Any], clipped: int) -> dict[str, Any]:
        raw = self._raw or {}
        info: dict[str, Any] = {
            "action_mask": self._mask.copy(),
            "alert_ids": list(self._alert_ids),
            "seed": self._episode_seed,
            "investigations_clipped": clipped,
        }
        for key in ("reward_components", "last_action_error"):
            if key in raw:
                info[key] = raw[key]
        for key in ("task_score", "success", "task_score_breakdown"):
            if key in raw:
                info[key] = raw[key]
        return info
