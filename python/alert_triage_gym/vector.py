"""N environments over one WebSocket: the server's vectorised protocol (``/ws/vector``).

:class:`AlertTriageVectorEnv` is a real ``gymnasium.vector.VectorEnv``: one socket holds all
``num_envs`` environments and one binary frame each way steps all of them (the frame format is
in the README, "Vectorised wire", and ``src/learn/vector_wire.ts``). Observations and actions
are exactly those of :class:`~alert_triage_gym.env.AlertTriageWireEnv` (the same
:mod:`~alert_triage_gym.encoding`, computed here with numpy for the whole batch), so a policy
trained on one runs on the other; the same episode seed and actions give the same observation
vectors on both (``tests/python/vector_env_check.py``).

Autoreset (Gymnasium 1.x): ``NextStep`` (default; the step after an episode ends resets that
environment and ignores its action) or ``SameStep`` (the ending step returns the next
episode's first observation; the last one is in ``info["final_obs"]``).

Seeding: ``reset(seed=S)`` restarts the server's stream of episode seeds at ``S`` (episode
seeds are drawn from ``[0, train_seed_high)``, below the held-out seeds); ``reset()`` keeps the
stream, and the first ``reset()`` without a seed starts it from fresh entropy (as Gymnasium's
vector envs do), so only a seeded run repeats. One stream serves all environments: a list of
per-environment seeds is refused with a ``ValueError``. ``info["seed"]`` holds each environment's
episode seed.

``info`` keys: ``seed`` and ``action_mask`` (``(N, slots, 4)`` int8) always; for ended
episodes ``task_score`` (the grader's score as it returns it, 4 decimals; ``/ws`` rounds it to 3
and clamps it to [0.001, 0.999]), ``episode_return``, ``episode_length`` and ``episode_seed``,
each with its ``_key`` mask, and in ``SameStep`` mode, as Gymnasium 1.x's ``SyncVectorEnv``
gives them, ``final_obs`` (``_final_obs``) and ``final_info`` (``_final_info``: a vector info
dict of the ended episodes' ``task_score``, ``episode_return``, ``episode_length`` and
``seed``, with their masks). Gymnasium's ``RecordEpisodeStatistics`` vector wrapper adds
``episode``.

:class:`AlertTriageSB3VecEnv` adapts it to Stable-Baselines3's ``VecEnv`` (``SameStep``, with
``terminal_observation``, ``task_score`` and ``TimeLimit.truncated`` in the infos).

Example::

    env = AlertTriageVectorEnv("http://127.0.0.1:8000", task_id="hard", num_envs=64)
    obs, info = env.reset(seed=0)
    obs, rewards, terminations, truncations, info = env.step(env.action_space.sample())
    env.close()
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from .encoding import (
    ALERT_TYPES,
    DELAY,
    INVESTIGATE,
    SLOT_BASE_FEATURES,
    ObservationEncoder,
    task_spec,
)
from .env import HELD_OUT_SEED_START
from .vector_wire import ObsBlock, VectorWireClient, step_request

__all__ = ["AlertTriageSB3VecEnv", "AlertTriageVectorEnv", "BatchEncoder", "VectorWireClient",
           "step_request"]  # fmt: skip

# Action-mask rows by (alert present) + 2 x (budget left): padding allows only DELAY.
_MASKS = np.array([[0, 0, 0, 1], [0, 1, 1, 1], [0, 0, 0, 1], [1, 1, 1, 1]], dtype=np.int8)
_MASK_WORDS = _MASKS.view(np.uint32).ravel()  # each row as one 4-byte word


class BatchEncoder:
    """:class:`ObservationEncoder`'s encoding for a whole observation block, with numpy."""

    def __init__(self, encoder: ObservationEncoder, max_queue: int):
        """Precomputes the dependency matrices of the encoder's task."""
        self.enc = encoder
        spec = encoder.spec
        self.max_queue = max_queue
        ns = len(spec.services)
        index = {name: i for i, name in enumerate(spec.services)}
        # up[t, s] = 1 if service t depends on service s (both in the task).
        self.up = np.zeros((ns, ns), dtype=np.float64)
        for t, name in enumerate(spec.services):
            for d in spec.depends_on(name):
                self.up[t, index[d]] = 1.0
        # counts @ mix -> per service s: [alerts on s, alerts on services depending on s,
        # alerts on services s depends on] (exact small integers).
        self._mix = np.stack([np.eye(ns), self.up, self.up.T], axis=2).reshape(ns, 3 * ns)
        self._shift = np.tile([1.0, 0.0, 0.0], ns)
        self._qpos = np.arange(max_queue)
        # Divisors of the block head rows (queue length, load, time left, budget, escalations,
        # tick), applied as true divisions like the single-env encoder's.
        self._div = np.array(
            [spec.max_queue, 10000.0, spec.horizon, spec.k, 8.0, spec.horizon], dtype=np.float64
        )[:, None]
        self._type_at = SLOT_BASE_FEATURES
        self._svc_at = SLOT_BASE_FEATURES + len(ALERT_TYPES)
        self._envs = np.arange(1024 * max_queue)  # 0, 1, 2, ... (environment and row numbers)

    def encode(self, block: ObsBlock) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(obs (M, size) float32, placed (M, slots) queue positions, present (M, slots),
        mask (M, slots, 4) int8)`` of a block."""
        enc, spec = self.enc, self.enc.spec
        m, slots, f = block.envs, enc.slots, enc.slot_features
        ns = len(spec.services)
        ql = block.queue_length.astype(np.intp)
        ends = np.cumsum(ql)
        starts = ends - ql
        sev_a = block.severity / 10000.0
        conf_a = block.confidence / 10000.0
        if enc.sort_by_rank:  # rank order: -score ascending, ties in queue order, padding last
            neg = np.full((m, self.max_queue), np.inf)
            neg[self._qpos < ql[:, None]] = -(sev_a * conf_a)
            placed = np.argsort(neg, axis=1, kind="stable")[:, :slots]
        else:
            placed = np.broadcast_to(self._qpos[:slots], (m, slots))
        present = placed < ql[:, None]
        env_of = np.repeat(self._envs[:m], ql)
        if slots >= self.max_queue:  # every alert is placed, its rank is its slot
            r_env, r_slot = env_of, self._envs[: env_of.size] - starts[env_of]
        else:
            r_env, r_slot = np.nonzero(present)
        k = (starts[:, None] + placed)[present]  # alert numbers of the placed alerts
        svc_a = block.service.astype(np.intp)
        counts = np.bincount(env_of * ns + svc_a, minlength=m * ns).reshape(m, ns)
        # Per (env, service): (same - 1, downstream, upstream) / 4, clipped to [0, 1].
        table = (counts @ self._mix - self._shift) / 4.0
        np.minimum(table, 1.0, out=table)
        g3 = block.cols[:, k]  # severity, confidence, age of the placed alerts
        s_sev = g3[0] / 10000.0
        s_conf = g3[1] / 10000.0
        s_age = g3[2].astype(np.float64)
        s_svc = svc_a[k]
        # One full row per placed alert (base features and both one-hots), then one row scatter.
        base = np.zeros((k.size, f), dtype=np.float32)
        base[:, 0] = 1.0
        base[:, 1] = s_sev
        base[:, 2] = s_conf
        base[:, 3] = s_sev * s_conf
        base[:, 4] = np.minimum(s_age / spec.horizon, 1.0)
        base[:, 5] = np.minimum(s_age, 8.0) / 8.0
        base[:, 6] = r_slot / slots
        base[:, 7:SLOT_BASE_FEATURES] = np.take(table.reshape(m * ns, 3), r_env * ns + s_svc, axis=0)
        rows = self._envs[: k.size]
        base[rows, self._type_at + block.type[k]] = 1.0
        base[rows, self._svc_at + s_svc] = 1.0
        out = np.zeros((m, enc.size), dtype=np.float32)
        out[:, : slots * f].reshape(m, slots, f)[r_env, r_slot] = base
        g = slots * f
        glob = block.head / self._div  # rows: queue, load, time left, budget, escalations, tick
        np.minimum(glob, 1.0, out=glob)
        out[:, g] = glob[1]
        out[:, g + 1] = glob[0]
        out[:, g + 2 : g + 6] = glob[2:].T
        out[:, g + 6] = ql > slots
        code = present.view(np.uint8) | ((block.budget > 0).view(np.uint8) << 1)[:, None]
        mask = np.take(_MASK_WORDS, code).view(np.int8).reshape(m, slots, 4)
        return out, placed, present, mask


class AlertTriageVectorEnv(VectorEnv):
    """``num_envs`` environments of one task over one ``/ws/vector`` socket."""

    metadata = {"autoreset_mode": AutoresetMode.NEXT_STEP}

    def __init__(
        self,
        url: str = "http://127.0.0.1:8000",
        task_id: str = "easy",
        num_envs: int = 16,
        slots: int | None = None,
        sort_by_rank: bool = True,
        autoreset_mode: AutoresetMode | str = AutoresetMode.NEXT_STEP,
        train_seed_high: int = HELD_OUT_SEED_START,
    ):
        """Opens the session (one socket) at once; see the module docstring."""
        mode = AutoresetMode(autoreset_mode)
        if mode not in (AutoresetMode.NEXT_STEP, AutoresetMode.SAME_STEP):
            raise ValueError(f"autoreset_mode must be NextStep or SameStep, got {mode}")
        self.metadata = {"autoreset_mode": mode}
        self.task_id = task_id
        self.num_envs = int(num_envs)
        self.spec_task = task_spec(task_id)
        self.encoder = ObservationEncoder(self.spec_task, slots, sort_by_rank)
        self.slots = self.encoder.slots
        self.single_observation_space = spaces.Box(
            low=0.0, high=1.0, shape=(self.encoder.size,), dtype=np.float32
        )
        self.single_action_space = spaces.MultiDiscrete(np.full(self.slots, 4, dtype=np.int64))
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self._client = VectorWireClient(url)
        self.opened = self._open(mode, int(train_seed_high))
        self.max_queue = int(self.opened["max_queue"])
        if self.slots > self.max_queue:
            self._client.close()
            raise ValueError(
                f"slots={self.slots} exceeds the task's queue of {self.max_queue} alerts; "
                f"pass slots <= {self.max_queue} (or None for the task's default)"
            )
        self._batch = BatchEncoder(self.encoder, self.max_queue)
        self._placed = np.zeros((self.num_envs, self.slots), dtype=np.int64)
        self._present = np.zeros((self.num_envs, self.slots), dtype=bool)
        self._mask = np.zeros((self.num_envs, self.slots, 4), dtype=np.int8)
        self._budget = np.zeros(self.num_envs, dtype=np.int64)
        self._rows = np.arange(self.num_envs)[:, None] * self.max_queue
        self._flat = np.zeros(0, dtype=np.intp)
        self._ready = False
        self._seeded = False
        self.closed = False

    def _open(self, mode: AutoresetMode, seed_limit: int) -> dict[str, Any]:
        wire_mode = "NextStep" if mode == AutoresetMode.NEXT_STEP else "SameStep"
        opened = self._client.open(
            task_id=self.task_id, num_envs=self.num_envs, autoreset_mode=wire_mode,
            seed_limit=seed_limit,
        )  # fmt: skip
        if opened.get("type") != "opened":
            raise RuntimeError(f"unexpected reply to open: {opened!r}"[:300])
        return opened

    def _ingest(self, block: ObsBlock) -> np.ndarray:
        obs, self._placed, self._present, self._mask = self._batch.encode(block)
        self._budget = block.budget.astype(np.int64)
        self._flat = (self._placed + self._rows).ravel()
        return obs

    def reset(
        self, *, seed: int | list[int] | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Resets every environment; ``seed`` restarts the episode-seed stream (the first reset
        without one starts it from fresh entropy)."""
        if isinstance(seed, (list, tuple, np.ndarray)):
            raise ValueError(
                "per-environment seeds are not supported: the server draws every environment's "
                "episode seeds from one stream; pass one int (it restarts the stream) or None"
            )
        if seed is None and not self._seeded:
            seed = int(np.random.SeedSequence().entropy % (2**53))
        frame = self._client.reset(None if seed is None else int(seed))
        self._seeded = True
        self._ready = True
        obs = self._ingest(frame.obs)
        return obs, {"seed": frame.seeds.astype(np.int64), "action_mask": self._mask.copy()}

    def decode_actions(self, actions: Any) -> np.ndarray:
        """Slot codes ``(N, slots)`` -> queue-order codes ``(N, max_queue)``; INVESTIGATEs
        beyond the budget become DELAY in slot order (as the single env does)."""
        codes = np.empty((self.num_envs, self.max_queue), dtype=np.int8)
        self._write_codes(actions, codes)
        return codes

    def _write_codes(self, actions: Any, codes: np.ndarray) -> None:
        """:meth:`decode_actions` into ``codes`` (a contiguous ``(N, max_queue)`` int8 view)."""
        raw = np.asarray(actions)
        if raw.size != self.num_envs * self.slots:
            raise ValueError(
                f"actions must have shape ({self.num_envs}, {self.slots}), got {raw.shape}"
            )
        if raw.dtype.kind not in "iub":
            if raw.dtype.kind != "f" or not np.array_equal(raw, np.floor(raw)):
                raise ValueError(f"action codes must be integers 0..3, got dtype {raw.dtype}")
        a = raw.astype(np.int64).reshape(self.num_envs, self.slots)
        if a.size and (a.min() < 0 or a.max() > 3):
            raise ValueError("action codes must be in 0..3")
        a = np.where(self._present, a, DELAY)
        inv = a == INVESTIGATE
        # INVESTIGATEs so far in the row = running count over the flat array minus the rows
        # before (one 1-D cumsum is much cheaper than a cumsum along axis 1).
        seen = np.cumsum(inv.ravel()).reshape(inv.shape)
        limit = self._budget.copy()
        limit[1:] += seen[:-1, -1]
        a[inv & (seen > limit[:, None])] = DELAY
        codes.fill(DELAY)
        codes.reshape(-1)[self._flat] = a.ravel()

    def step(
        self, actions: Any
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, Any]]:
        """Steps every environment with one frame each way."""
        if not self._ready:
            raise RuntimeError("step() before reset()")
        request = self._client.new_request(self.num_envs, self.max_queue)
        self._write_codes(actions, request.codes)
        frame = self._client.send(request)
        obs = self._ingest(frame.obs)
        rewards = frame.rewards.copy()
        terminations = frame.terminated.astype(bool)
        truncations = frame.truncated.astype(bool)
        info: dict[str, Any] = {
            "seed": frame.seeds.astype(np.int64),
            "action_mask": self._mask.copy(),
        }
        d = frame.done_env
        if d.size:
            n = self.num_envs
            done = np.zeros(n, dtype=bool)
            done[d] = True
            score = np.zeros(n)
            score[d] = frame.done_score
            ret = np.zeros(n)
            ret[d] = frame.done_return
            length = np.zeros(n, dtype=np.int64)
            length[d] = frame.done_length
            ep_seed = np.zeros(n, dtype=np.int64)
            ep_seed[d] = frame.done_seed
            info["episode_seed"], info["_episode_seed"] = ep_seed, done
            info["task_score"], info["_task_score"] = score, done
            info["episode_return"], info["_episode_return"] = ret, done
            info["episode_length"], info["_episode_length"] = length, done
            if frame.final is not None:
                final_obs, *_ = self._batch.encode(frame.final)
                objs = np.empty(n, dtype=object)
                for k, i in enumerate(d):
                    objs[i] = final_obs[k]
                info["final_obs"], info["_final_obs"] = objs, done
                info["final_info"] = {
                    "task_score": score, "_task_score": done,
                    "episode_return": ret, "_episode_return": done,
                    "episode_length": length, "_episode_length": done,
                    "seed": ep_seed, "_seed": done,
                }  # fmt: skip
                info["_final_info"] = done
        return obs, rewards, terminations, truncations, info

    def action_masks(self) -> np.ndarray:
        """``(N, 4 * slots)`` boolean masks (sb3-contrib's MaskablePPO format)."""
        return self._mask.reshape(self.num_envs, -1).astype(bool)

    def close_extras(self, **kwargs: Any) -> None:
        """Closes the socket."""
        self._client.close()


class AlertTriageSB3VecEnv:
    """Stable-Baselines3 ``VecEnv`` over :class:`AlertTriageVectorEnv` (``SameStep``).

    Built lazily as a subclass of SB3's ``VecEnv`` so that this module imports without SB3.
    """

    def __new__(cls, url: str, task_id: str, num_envs: int, **kwargs: Any):  # noqa: D102
        return _sb3_vec_env_class()(url, task_id, num_envs, **kwargs)


def _sb3_vec_env_class() -> type:
    from stable_baselines3.common.vec_env import VecEnv

    class _SB3VectorEnv(VecEnv):
        """SB3 view: ``step_async``/``step_wait`` on one frame per step."""

        def __init__(self, url: str, task_id: str, num_envs: int, seed: int = 0, **kwargs: Any):
            self.venv = AlertTriageVectorEnv(url, task_id=task_id, num_envs=num_envs,
                                             autoreset_mode=AutoresetMode.SAME_STEP, **kwargs)  # fmt: skip
            super().__init__(num_envs, self.venv.single_observation_space,
                             self.venv.single_action_space)  # fmt: skip
            self._seed: int | None = seed
            self._actions: np.ndarray | None = None

        def reset(self) -> np.ndarray:
            obs, _ = self.venv.reset(seed=self._seed)
            self._seed = None
            return obs

        def step_async(self, actions: np.ndarray) -> None:
            self._actions = actions

        def step_wait(self) -> Any:
            obs, rewards, term, trunc, info = self.venv.step(self._actions)
            dones = term | trunc
            infos: list[dict[str, Any]] = [{} for _ in range(self.num_envs)]
            for i in np.nonzero(dones)[0]:
                infos[i] = {
                    "terminal_observation": info["final_obs"][i],
                    "TimeLimit.truncated": bool(trunc[i] and not term[i]),
                    "task_score": float(info["task_score"][i]),
                    "seed": int(info["episode_seed"][i]),
                }
            return obs, rewards.astype(np.float32), dones, infos

        def close(self) -> None:
            self.venv.close()

        def seed(self, seed: int | None = None) -> list[int | None]:
            self._seed = seed
            return [seed] * self.num_envs

        def get_attr(self, attr_name: str, indices: Any = None) -> list[Any]:
            return [getattr(self.venv, attr_name)] * len(self._get_indices(indices))

        def set_attr(self, attr_name: str, value: Any, indices: Any = None) -> None:
            setattr(self.venv, attr_name, value)

        def env_method(self, method_name: str, *args: Any, indices: Any = None,
                       **kwargs: Any) -> list[Any]:  # fmt: skip
            """Calls the method once on the batch; a result with one row per environment
            (``action_masks``) is split into the rows of ``indices``, any other is repeated."""
            result = getattr(self.venv, method_name)(*args, **kwargs)
            index = self._get_indices(indices)
            if isinstance(result, np.ndarray) and result.shape[:1] == (self.num_envs,):
                return [result[i] for i in index]
            return [result] * len(index)

        def env_is_wrapped(self, wrapper_class: type, indices: Any = None) -> list[bool]:
            return [False] * len(self._get_indices(indices))

        def action_masks(self) -> np.ndarray:
            return self.venv.action_masks()

    return _SB3VectorEnv
