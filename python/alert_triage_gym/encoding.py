"""Fixed-size numeric encoding of alert-triage observations and decoding of slot actions.

Pure functions and small classes with no network access, so they can be tested offline and
reused by any trainer that talks to the server.

Observation vector (``float32``, every entry in ``[0, 1]``):

* ``slots`` alert slots of :data:`SLOT_BASE_FEATURES` ``+ len(ALERT_TYPES) + len(services) + 1``
  numbers each, in this order:

  - present flag (1 for an alert, 0 for padding);
  - visible severity, confidence, and their product (the rule baseline's ranking score);
  - ``age / horizon``, and ``min(age, 8) / 8`` (noise and symptoms leave the queue within a
    few ticks, critical alerts do not, so a small age is evidence);
  - the slot's position ``i / slots`` (with rank order: 0 = the most severe-looking alert);
  - other queued alerts on the same service, on services that directly depend on this one (loud
    downstream symptoms point at a mild root cause) and on services this one depends on
    (upstream trouble: this may be a symptom), each divided by 4 and clipped to 1;
  - one-hot alert type (``CPU, MEMORY, DISK, NETWORK, APPLICATION, SECURITY``);
  - one-hot service over the task's service list, plus one "other" bucket for a service the
    task does not list (replayed real alerts may name one).

* :data:`GLOBAL_FEATURES` numbers: system load, ``queue_length / max_queue``,
  ``time_remaining / horizon``, ``investigation_budget / K``, ``escalations_pending / 8``,
  ``tick / horizon``, and a queue-overflow flag (more alerts queued than slots).

Slots are filled in **rank order** by default: highest ``severity x confidence`` first, ties in
queue order (oldest first). Slot ``i`` of the action always refers to the alert in slot ``i``
of the observation it was chosen from. Alerts that do not fit in the slots are left undecided,
which the server treats as DELAY.

Action: ``MultiDiscrete([4] * slots)`` with codes ``0 INVESTIGATE, 1 IGNORE, 2 ESCALATE,
3 DELAY``. Codes for padding slots are ignored. INVESTIGATE decisions beyond the tick's
``investigation_budget`` (which the server would reject as a whole) are turned into DELAY, in
slot order, so the best-ranked investigations are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

#: Alert categories in the server's order (``ALERT_TYPES`` in ``src/models.ts``).
ALERT_TYPES: tuple[str, ...] = ("CPU", "MEMORY", "DISK", "NETWORK", "APPLICATION", "SECURITY")
#: Decisions in the server's order (``ACTION_TYPES`` in ``src/models.ts``); codes 0..3.
ACTION_TYPES: tuple[str, ...] = ("INVESTIGATE", "IGNORE", "ESCALATE", "DELAY")
INVESTIGATE, IGNORE, ESCALATE, DELAY = range(4)
#: Per-slot numbers before the one-hot blocks.
SLOT_BASE_FEATURES = 10
#: Numbers of global context.
GLOBAL_FEATURES = 7

#: The public service catalogue (``SERVICE_CATALOG`` in ``src/sim/services.ts``): each
#: service and the services it depends on. A task keeps the dependencies inside its subset.
CATALOG_DEPENDS_ON: dict[str, tuple[str, ...]] = {
    "web-frontend": ("api-gateway",),
    "api-gateway": ("auth", "orders", "search"),
    "auth": ("db-primary", "cache"),
    "orders": ("payments", "inventory", "queue", "db-primary"),
    "payments": ("db-primary", "auth"),
    "search": ("cache", "storage"),
    "inventory": ("db-primary", "cache"),
    "notifications": ("queue",),
    "cache": (),
    "queue": ("storage",),
    "db-primary": ("storage",),
    "storage": (),
}
_CATALOG: tuple[str, ...] = tuple(CATALOG_DEPENDS_ON)


@dataclass(frozen=True)
class TaskSpec:
    """Public facts about one task that the encoding needs (mirrors ``tasks/*.ts``)."""

    task_id: str
    services: tuple[str, ...]
    k: int
    horizon: int
    max_queue: int = 32

    def depends_on(self, service: str) -> tuple[str, ...]:
        """The task's services that ``service`` depends on (empty for an unknown service)."""
        return tuple(d for d in CATALOG_DEPENDS_ON.get(service, ()) if d in self.services)


#: The three tasks (version 1); ``tests/python`` checks these against the TypeScript registry.
TASKS: dict[str, TaskSpec] = {
    "easy": TaskSpec(
        "easy", ("web-frontend", "api-gateway", "auth", "search", "cache", "storage"), 3, 30
    ),
    "medium": TaskSpec(
        "medium",
        ("web-frontend", "api-gateway", "auth", "orders", "payments", "search",
         "notifications", "cache", "db-primary"),
        1,
        40,
    ),  # fmt: skip
    "hard": TaskSpec("hard", _CATALOG, 1, 50),
}


def task_spec(task_id: str) -> TaskSpec:
    """The :class:`TaskSpec` of a task id; raises ``ValueError`` naming the known ids."""
    try:
        return TASKS[task_id]
    except KeyError:
        raise ValueError(f"unknown task {task_id!r}; known tasks: {', '.join(TASKS)}") from None


def rank_order(alerts: Sequence[Mapping[str, Any]]) -> list[int]:
    """Indices of ``alerts`` by ``severity x confidence`` descending, ties oldest first."""
    scores = [float(a["visible_severity"]) * float(a["confidence"]) for a in alerts]
    return sorted(range(len(alerts)), key=lambda i: -scores[i])


class ObservationEncoder:
    """Encodes wire observations into fixed vectors and decodes slot actions into decisions."""

    def __init__(self, spec: TaskSpec, slots: int | None = None, sort_by_rank: bool = True):
        """Builds an encoder for ``spec`` with ``slots`` alert slots (default: queue capacity)."""
        self.spec = spec
        self.slots = int(slots if slots is not None else spec.max_queue)
        if self.slots < 1:
            raise ValueError(f"slots must be >= 1, got {self.slots}")
        self.sort_by_rank = sort_by_rank
        self._service_index = {name: i for i, name in enumerate(spec.services)}
        self._type_index = {name: i for i, name in enumerate(ALERT_TYPES)}
        self._upstream = {name: spec.depends_on(name) for name in spec.services}
        self._downstream: dict[str, list[str]] = {name: [] for name in spec.services}
        for name, deps in self._upstream.items():
            for d in deps:
                self._downstream[d].append(name)
        self.slot_features = SLOT_BASE_FEATURES + len(ALERT_TYPES) + len(spec.services) + 1
        self.size = self.slots * self.slot_features + GLOBAL_FEATURES

    def slot_alerts(self, obs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        """The alerts placed in the slots, in slot order (at most ``slots``)."""
        alerts = list(obs.get("alerts", []))
        order = rank_order(alerts) if self.sort_by_rank else range(len(alerts))
        return [alerts[i] for i in order][: self.slots]

    def encode(self, obs: Mapping[str, Any]) -> tuple[np.ndarray, list[str], np.ndarray]:
        """Returns ``(vector, slot_alert_ids, action_mask)`` for one wire observation.

        ``action_mask`` has shape ``(slots, 4)`` (``int8``, 1 = allowed): padding slots allow
        only DELAY; INVESTIGATE is allowed while the budget is positive. The mask cannot express
        "at most K INVESTIGATEs in total"; :meth:`decode` enforces that.
        """
        spec, f = self.spec, self.slot_features
        placed = self.slot_alerts(obs)
        vec = np.zeros(self.size, dtype=np.float32)
        mask = np.zeros((self.slots, 4), dtype=np.int8)
        mask[:, DELAY] = 1
        per_service: dict[str, int] = {}
        for a in obs.get("alerts", []):
            per_service[a["service"]] = per_service.get(a["service"], 0) + 1
        budget = int(obs.get("investigation_budget", 0))
        t_base = SLOT_BASE_FEATURES
        s_base = t_base + len(ALERT_TYPES)
        for i, a in enumerate(placed):
            o = i * f
            sev, conf = float(a["visible_severity"]), float(a["confidence"])
            vec[o] = 1.0
            vec[o + 1] = sev
            vec[o + 2] = conf
            vec[o + 3] = sev * conf
            age, service = float(a["age"]), a["service"]
            vec[o + 4] = age / spec.horizon
            vec[o + 5] = min(age, 8.0) / 8.0
            vec[o + 6] = i / self.slots
            vec[o + 7] = (per_service[service] - 1) / 4.0
            down = sum(per_service.get(t, 0) for t in self._downstream.get(service, ()))
            up = sum(per_service.get(t, 0) for t in self._upstream.get(service, ()))
            vec[o + 8] = down / 4.0
            vec[o + 9] = up / 4.0
            ti = self._type_index.get(a["alert_type"])
            if ti is not None:  # an unknown type leaves the block zero
                vec[o + t_base + ti] = 1.0
            si = self._service_index.get(service, len(spec.services))
            vec[o + s_base + si] = 1.0
            mask[i] = (1 if budget > 0 else 0, 1, 1, 1)
        g = self.slots * f
        queue_length = int(obs.get("queue_length", len(obs.get("alerts", []))))
        vec[g] = float(obs.get("system_load", 0.0))
        vec[g + 1] = queue_length / spec.max_queue
        vec[g + 2] = float(obs.get("time_remaining", 0)) / spec.horizon
        vec[g + 3] = budget / spec.k
        vec[g + 4] = float(obs.get("escalations_pending", 0)) / 8.0
        vec[g + 5] = float(obs.get("tick", 0)) / spec.horizon
        vec[g + 6] = 1.0 if queue_length > self.slots else 0.0
        np.clip(vec, 0.0, 1.0, out=vec)
        return vec, [str(a["id"]) for a in placed], mask

    def decode(
        self, action: Sequence[int] | np.ndarray, alert_ids: Sequence[str], budget: int
    ) -> tuple[dict[str, Any], int]:
        """Turns slot codes into a wire action ``{"decisions": [...]}``.

        Every placed alert gets an explicit decision. INVESTIGATEs beyond ``budget`` become
        DELAY in slot order. Returns the action and how many INVESTIGATEs were turned into DELAY.
        """
        codes = np.asarray(action).reshape(-1)
        if codes.shape[0] != self.slots:
            raise ValueError(f"expected {self.slots} slot codes, got {codes.shape[0]}")
        left, clipped = max(0, int(budget)), 0
        decisions = []
        for i, alert_id in enumerate(alert_ids):
            code = int(codes[i])
            if not 0 <= code < 4:
                raise ValueError(f"slot {i}: action code {code} is not in 0..3")
            if code == INVESTIGATE:
                if left > 0:
                    left -= 1
                else:
                    code, clipped = DELAY, clipped + 1
            decisions.append({"alert_id": alert_id, "action_type": ACTION_TYPES[code]})
        return {"decisions": decisions}, clipped
