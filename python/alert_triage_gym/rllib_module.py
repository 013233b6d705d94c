"""The slot-wise actor-critic of :mod:`alert_triage_gym.sb3_policy` as an RLlib ``RLModule``
(RLlib's new API stack; optional: imports torch, Ray and Stable-Baselines3).

The same network as :class:`~alert_triage_gym.sb3_policy.SlotPolicy` — the shared per-slot
encoder (:class:`SlotFeatures`), the pooled critic (:class:`SlotLatent`) and the shared slot
scorer with padding forced to DELAY and INVESTIGATE masked at budget 0 (:class:`SlotHead`) —
with RLlib's ``MultiCategorical`` over the slots' 4 actions. ``model_config``: ``slots``,
``slot_features`` (from the env's encoder, see :func:`slot_module_config`), ``embed`` (64),
``value_hidden`` (64).

Example::

    from ray.rllib.core.rl_module.rl_module import RLModuleSpec
    spec = RLModuleSpec(module_class=SlotRLModule, model_config=slot_module_config(env))
"""

from __future__ import annotations

from typing import Any

import torch
from ray.rllib.core.columns import Columns
from ray.rllib.core.distribution.torch.torch_distribution import TorchMultiCategorical
from ray.rllib.core.rl_module.apis import ValueFunctionAPI
from ray.rllib.core.rl_module.torch import TorchRLModule
from torch import nn

from .sb3_policy import SlotFeatures, SlotHead, SlotLatent


def slot_module_config(env: Any, embed: int = 64, value_hidden: int = 64) -> dict[str, Any]:
    """``model_config`` of :class:`SlotRLModule` for an :class:`AlertTriageWireEnv`."""
    enc = env.unwrapped.encoder
    return {"slots": enc.slots, "slot_features": enc.slot_features, "embed": embed,
            "value_hidden": value_hidden}  # fmt: skip


class SlotRLModule(TorchRLModule, ValueFunctionAPI):
    """Slot-wise actor-critic (see the module docstring)."""

    def setup(self) -> None:
        """Builds the encoder, the critic and the slot head."""
        c = self.model_config
        slots, embed = int(c["slots"]), int(c.get("embed", 64))
        hidden = int(c.get("value_hidden", 64))
        self.features = SlotFeatures(self.observation_space, slots, int(c["slot_features"]), embed)
        self.latent = SlotLatent(slots, embed, hidden)
        self.head = SlotHead(slots, embed)
        self.value_out = nn.Linear(hidden, 1)
        self.action_dist_cls = TorchMultiCategorical.get_partial_dist_cls(input_lens=[4] * slots)

    def _logits(self, features: torch.Tensor) -> torch.Tensor:
        return self.head(self.latent.forward_actor(features))

    def _forward(self, batch: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {Columns.ACTION_DIST_INPUTS: self._logits(self.features(batch[Columns.OBS]))}

    def _forward_train(self, batch: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        features = self.features(batch[Columns.OBS])
        return {Columns.ACTION_DIST_INPUTS: self._logits(features), Columns.EMBEDDINGS: features}

    def compute_values(self, batch: dict[str, Any], embeddings: Any = None) -> torch.Tensor:
        """State values (the critic over the pooled slots and the global features)."""
        features = embeddings if embeddings is not None else self.features(batch[Columns.OBS])
        return self.value_out(self.latent.forward_critic(features)).squeeze(-1)
