"""A minimal lock-step client for the OpenEnv WebSocket protocol (``/ws``) of the server.

Frames (text, JSON), one request outstanding at a time::

    -> {"type": "reset", "data": {"seed": 7, "task_id": "hard"}}
    <- {"type": "observation", "data": {"observation": {...}, "reward": null, "done": false}}
    -> {"type": "step", "data": {"decisions": [{"alert_id": "A1", "action_type": "IGNORE"}]}}
    <- {"type": "observation", "data": {"observation": {...}, "reward": 0.25, "done": false}}
    -> {"type": "close"}

An ``{"type": "error", "data": {"message", "code"}}`` reply raises :class:`ServerError`, as the
reference ``openenv-core`` client does. Each connection is one server session (one
environment); it is opened lazily on the first request.
"""

from __future__ import annotations

import json
from typing import Any

from websockets.sync.client import ClientConnection, connect


class ServerError(RuntimeError):
    """The server answered a request with an error frame."""

    def __init__(self, message: str, code: str | None, frame: dict[str, Any]):
        """Keeps the error code and the whole frame for diagnostics."""
        super().__init__(f"Server error: {message} (code: {code})")
        self.code = code
        self.frame = frame


def ws_url(url: str) -> str:
    """The ``/ws`` URL of a server base URL (``http`` -> ``ws``, ``https`` -> ``wss``)."""
    base = url.rstrip("/")
    if base.startswith("https://"):
        base = "wss://" + base[len("https://") :]
    elif base.startswith("http://"):
        base = "ws://" + base[len("http://") :]
    elif not base.startswith(("ws://", "wss://")):
        base = "ws://" + base
    return base if base.endswith("/ws") else base + "/ws"


class WireClient:
    """One WebSocket session with the server, driven in lock-step."""

    def __init__(
        self,
        url: str,
        open_timeout: float = 10.0,
        message_timeout: float = 60.0,
        use_proxy: bool = False,
    ):
        """``url`` is the server base URL (``http://host:port``) or its ``/ws`` URL.

        ``use_proxy=False`` (the default) ignores ``HTTP(S)_PROXY`` settings, which would
        otherwise route a local server's traffic through a proxy.
        """
        self.url = ws_url(url)
        self.open_timeout = open_timeout
        self.message_timeout = message_timeout
        self.use_proxy = use_proxy
        self._ws: ClientConnection | None = None

    @property
    def connected(self) -> bool:
        """Whether a connection is open."""
        return self._ws is not None

    def _connection(self) -> ClientConnection:
        if self._ws is None:
            self._ws = connect(
                self.url,
                open_timeout=self.open_timeout,
                compression=None,  # small local frames: deflate costs more than it saves
                max_size=16 * 2**20,
                proxy=True if self.use_proxy else None,
                legacy=True,
            )
        return self._ws

    def request(self, frame: dict[str, Any]) -> dict[str, Any]:
        """Sends one frame and returns the ``data`` of the reply; raises on an error frame."""
        ws = self._connection()
        ws.send(json.dumps(frame, separators=(",", ":")))
        reply = json.loads(ws.recv(timeout=self.message_timeout))
        if not isinstance(reply, dict):
            raise ServerError("reply is not a JSON object", None, {"reply": reply})
        if reply.get("type") == "error":
            data = reply.get("data") or {}
            raise ServerError(str(data.get("message")), data.get("code"), reply)
        return reply.get("data") or {}

    def reset(self, **params: Any) -> dict[str, Any]:
        """``reset`` with the given parameters (``seed``, ``task_id``, ...)."""
        return self.request({"type": "reset", "data": params})

    def step(self, action: dict[str, Any]) -> dict[str, Any]:
        """``step`` with an action dict (sent directly as ``data``)."""
        return self.request({"type": "step", "data": action})

    def close(self) -> None:
        """Sends ``close`` and closes the socket; idempotent, never raises."""
        ws, self._ws = self._ws, None
        if ws is None:
            return
        try:
            ws.send(json.dumps({"type": "close"}))
        except Exception:  # noqa: BLE001 - the server may already be gone
            pass
        try:
            ws.close()
        except Exception:  # noqa: BLE001
            pass
