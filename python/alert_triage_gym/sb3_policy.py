"""A slot-wise actor-critic policy for Stable-Baselines3 (optional: imports torch and SB3).

A flat MLP over 32 alert slots must learn the same rule 32 times, once per slot. This policy
scores every slot with **shared weights** instead (the design of the in-process PPO):

* encoder (shared across slots, DeepSets style): ``h_i = phi([slot_i, global])``, context
  ``c = masked mean of h_i``, ``z_i = rho([h_i, c])``;
* actor: the same linear layer maps each ``z_i`` to the slot's 4 logits, plus a learned bias
  per slot position (slots are in rank order, so position carries a prior); padding slots are
  forced to DELAY and INVESTIGATE is masked when the tick's budget is 0 (so padding adds
  nothing to the log-probabilities, the entropy or the gradient);
* critic: an MLP over ``[masked mean of z_i, global]``.

Works with the flat ``Box`` observations of :class:`~alert_triage_gym.env.AlertTriageWireEnv`
(see :mod:`~alert_triage_gym.encoding`); :func:`slot_policy_kwargs` builds the ``policy_kwargs``
for an env. Usage::

    model = PPO(SlotPolicy, venv, policy_kwargs=slot_policy_kwargs(env))
"""

from __future__ import annotations

from typing import Any

import torch
from gymnasium import spaces
from stable_baselines3.common.policies import ActorCriticPolicy
from stable_baselines3.common.torch_layers import BaseFeaturesExtractor
from torch import nn

from .encoding import GLOBAL_FEATURES

#: Logit given to masked actions.
MASKED = -1e8
#: Index of ``investigation_budget / K`` among the global features.
BUDGET_FEATURE = 3


def slot_policy_kwargs(env: Any, embed: int = 64, value_hidden: int = 64) -> dict[str, Any]:
    """``policy_kwargs`` for :class:`SlotPolicy` on an :class:`AlertTriageWireEnv`."""
    enc = env.unwrapped.encoder
    return {"slots": enc.slots, "slot_features": enc.slot_features, "embed": embed,
            "value_hidden": value_hidden}  # fmt: skip


def _split(obs: torch.Tensor, slots: int, f: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(slot rows (B, N, F), global row (B, G))`` of a batch of flat observations."""
    return obs[:, : slots * f].reshape(-1, slots, f), obs[:, slots * f :]


class SlotFeatures(BaseFeaturesExtractor):
    """Shared per-slot encoder.

    Output: ``[z (N*d), present (N), invest_ok (N), pooled z (d), global (G)]``.
    """

    def __init__(self, observation_space: spaces.Box, slots: int, slot_features: int, embed: int):
        """Builds ``phi`` and ``rho`` for ``slots`` slots of ``slot_features`` numbers."""
        self.slots, self.f, self.d = slots, slot_features, embed
        super().__init__(observation_space, slots * (embed + 2) + embed + GLOBAL_FEATURES)
        assert observation_space.shape == (slots * slot_features + GLOBAL_FEATURES,)
        self.phi = nn.Sequential(
            nn.Linear(slot_features + GLOBAL_FEATURES, embed), nn.Tanh(),
            nn.Linear(embed, embed), nn.Tanh(),
        )  # fmt: skip
        self.rho = nn.Sequential(nn.Linear(2 * embed, embed), nn.Tanh())

    def forward(self, obs: torch.Tensor) -> torch.Tensor:
        """Encodes a batch of flat observations."""
        x, g = _split(obs, self.slots, self.f)
        present = x[:, :, 0]
        w = present.unsqueeze(-1)
        n = w.sum(dim=1).clamp(min=1.0)
        h = self.phi(torch.cat([x, g.unsqueeze(1).expand(-1, self.slots, -1)], dim=-1))
        c = (h * w).sum(dim=1) / n
        z = self.rho(torch.cat([h, c.unsqueeze(1).expand(-1, self.slots, -1)], dim=-1))
        pooled = (z * w).sum(dim=1) / n
        invest_ok = (g[:, BUDGET_FEATURE : BUDGET_FEATURE + 1] > 0).float().expand(-1, self.slots)
        return torch.cat([z.flatten(1), present, invest_ok * present, pooled, g], dim=1)


class SlotLatent(nn.Module):
    """Splits the features: the actor gets the slot part, the critic an MLP of the rest."""

    def __init__(self, slots: int, embed: int, value_hidden: int):
        """``latent_dim_pi = slots * (embed + 2)``, ``latent_dim_vf = value_hidden``."""
        super().__init__()
        self.cut = slots * (embed + 2)
        self.latent_dim_pi = self.cut
        self.latent_dim_vf = value_hidden
        self.value = nn.Sequential(
            nn.Linear(embed + GLOBAL_FEATURES, value_hidden), nn.Tanh(),
            nn.Linear(value_hidden, value_hidden), nn.Tanh(),
        )  # fmt: skip

    def forward(self, features: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``(latent_pi, latent_vf)``."""
        return self.forward_actor(features), self.forward_critic(features)

    def forward_actor(self, features: torch.Tensor) -> torch.Tensor:
        """The slot part of the features."""
        return features[:, : self.cut]

    def forward_critic(self, features: torch.Tensor) -> torch.Tensor:
        """The critic's hidden layer."""
        return self.value(features[:, self.cut :])


class SlotHead(nn.Module):
    """The shared slot scorer: 4 logits per slot, padding forced to DELAY, INVESTIGATE masked."""

    def __init__(self, slots: int, embed: int):
        """A ``Linear(embed, 4)`` with a small orthogonal initialisation (near-uniform start)."""
        super().__init__()
        self.slots, self.d = slots, embed
        self.score = nn.Linear(embed, 4)
        nn.init.orthogonal_(self.score.weight, gain=0.01)
        nn.init.zeros_(self.score.bias)
        # A learned bias per slot position: with rank-ordered slots, "investigate the top K,
        # ignore the tail" is a positional prior the shared scorer would learn only slowly.
        self.position_bias = nn.Parameter(torch.zeros(slots, 4))

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        """Flat logits ``(B, slots * 4)`` in slot order (the MultiDiscrete layout)."""
        n, d = self.slots, self.d
        z = latent[:, : n * d].reshape(-1, n, d)
        present = latent[:, n * d : n * d + n].unsqueeze(-1)
        invest_ok = latent[:, n * d + n : n * d + 2 * n].unsqueeze(-1)
        logits = self.score(z) + self.position_bias
        logits = torch.cat([torch.where(invest_ok > 0, logits[..., :1], MASKED), logits[..., 1:]],
                           dim=-1)  # fmt: skip
        pad = torch.tensor([MASKED, MASKED, MASKED, 0.0], dtype=logits.dtype, device=logits.device)
        logits = torch.where(present > 0, logits, pad)
        return logits.reshape(-1, n * 4)


class SlotPolicy(ActorCriticPolicy):
    """Actor-critic with the shared slot encoder, slot head and pooled critic (see module doc)."""

    def __init__(
        self,
        observation_space: spaces.Box,
        action_space: spaces.MultiDiscrete,
        lr_schedule: Any,
        slots: int = 32,
        slot_features: int = 35,
        embed: int = 64,
        value_hidden: int = 64,
        **kwargs: Any,
    ):
        """Extra arguments: the slot layout (``slots``, ``slot_features``) and layer sizes."""
        self._slot_args = {"slots": slots, "slot_features": slot_features, "embed": embed,
                           "value_hidden": value_hidden}  # fmt: skip
        kwargs["features_extractor_class"] = SlotFeatures
        kwargs["features_extractor_kwargs"] = {
            "slots": slots, "slot_features": slot_features, "embed": embed,
        }  # fmt: skip
        super().__init__(observation_space, action_space, lr_schedule, **kwargs)

    def _build_mlp_extractor(self) -> None:
        a = self._slot_args
        self.mlp_extractor = SlotLatent(a["slots"], a["embed"], a["value_hidden"])

    def _build(self, lr_schedule: Any) -> None:
        super()._build(lr_schedule)
        a = self._slot_args
        self.action_net = SlotHead(a["slots"], a["embed"])
        # The optimizer built by super() holds the replaced head's parameters: rebuild it.
        self.optimizer = self.optimizer_class(
            self.parameters(), lr=lr_schedule(1), **self.optimizer_kwargs
        )

    def _get_constructor_parameters(self) -> dict[str, Any]:
        data = super()._get_constructor_parameters()
        data.update(self._slot_args)
        data.pop("features_extractor_class", None)
        data.pop("features_extractor_kwargs", None)
        return data
