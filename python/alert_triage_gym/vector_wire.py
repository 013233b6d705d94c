"""The client side of the server's vectorised wire protocol (``/ws/vector``): frames and socket.

The frame format is in the README ("Vectorised wire") and ``src/learn/vector_wire.ts``. Binary
frames are little-endian; each starts with six ``u32`` (magic ``ATV1``, kind, N, three counts) and
every section starts at a multiple of 8 bytes. :class:`Frame` parses a reply as slices of one
byte view; :class:`VectorWireClient` speaks the protocol over its own ``TCP_NODELAY`` socket
(:class:`_RawSocket`, RFC 6455, one ``send`` per frame) for ``ws://`` URLs and over
``websockets`` otherwise; :func:`step_request` builds a step request. The Gymnasium and
Stable-Baselines3 environments on top are in :mod:`~alert_triage_gym.vector`.

Example::

    client = VectorWireClient("http://127.0.0.1:8000")
    opened = client.open(task_id="easy", num_envs=4, seed=0, autoreset_mode="NextStep")
    frame = client.reset()  # frame.obs: the observation block; client.step(step_request(codes))
    client.close()
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import socket
import struct
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from websockets.sync.client import connect

from .wire import ServerError

MAGIC = 0x31565441
KIND_RESET, KIND_STEP, KIND_STEP_REQUEST = 1, 2, 16
HEADER = 24


def _align8(n: int) -> int:
    return (n + 7) & ~7


def vector_url(url: str) -> str:
    """The ``/ws/vector`` URL of a server base URL."""
    base = url.rstrip("/")
    for http, ws in (("https://", "wss://"), ("http://", "ws://")):
        if base.startswith(http):
            base = ws + base[len(http) :]
    if not base.startswith(("ws://", "wss://")):
        base = "ws://" + base
    return base if base.endswith("/ws/vector") else base + "/ws/vector"


class ObsBlock:
    """An observation block of a frame as numpy views (see the module docstring)."""

    __slots__ = ("envs", "alerts", "head", "queue_length", "load", "time_remaining", "budget",
                 "escalations", "tick", "cols", "severity", "confidence", "age", "type",
                 "service")  # fmt: skip

    def __init__(self, u8: np.ndarray, at: int, m: int, a: int):
        """Reads ``m`` environments holding ``a`` alerts at byte ``at`` of the frame's bytes."""
        self.envs, self.alerts = m, a
        self.head = head = u8[at : at + 12 * m].view("<u2").reshape(6, m)
        self.queue_length, self.load, self.time_remaining = head[0], head[1], head[2]
        self.budget, self.escalations, self.tick = head[3], head[4], head[5]
        al = at + _align8(12 * m)
        self.cols = cols = u8[al : al + 6 * a].view("<u2").reshape(3, a)
        self.severity, self.confidence, self.age = cols[0], cols[1], cols[2]
        b = al + _align8(6 * a)
        self.type = u8[b : b + a]
        self.service = u8[b + a : b + 2 * a]


_EMPTY_U4 = np.zeros(0, dtype="<u4")
_EMPTY_F8 = np.zeros(0, dtype="<f8")


class Frame:
    """A reset or step reply (see the module docstring); the arrays are views into ``buf``."""

    def __init__(self, buf: bytes | bytearray):
        """Parses ``buf``; raises ``ValueError`` for anything but a reset/step reply."""
        if len(buf) < HEADER:
            raise ValueError("frame shorter than its header")
        magic, kind, n, a, d, f = _HEAD.unpack_from(buf)
        if magic != MAGIC:
            raise ValueError(f"bad magic {magic:#x}")
        u8 = np.frombuffer(buf, dtype=np.uint8)
        self.kind, self.num_envs = kind, n
        if kind == KIND_RESET:
            self.seeds = u8[HEADER : HEADER + 8 * n].view("<f8")
            self.obs = ObsBlock(u8, HEADER + 8 * n, n, a)
            self.final = None
            self.done_env = np.zeros(0, dtype=np.int64)
            self.done_return = self.done_score = self.done_seed = _EMPTY_F8
            self.done_length = _EMPTY_U4
            return
        if kind != KIND_STEP:
            raise ValueError(f"unknown frame kind {kind}")
        term_at = HEADER + 8 * n
        trunc_at = term_at + _align8(n)
        seeds_at = trunc_at + _align8(n)
        env_at = seeds_at + 8 * n
        ret_at = env_at + _align8(4 * d)
        len_at = ret_at + 24 * d
        self.rewards = u8[HEADER:term_at].view("<f8")
        self.terminated = u8[term_at : term_at + n]
        self.truncated = u8[trunc_at : trunc_at + n]
        self.seeds = u8[seeds_at:env_at].view("<f8")
        if d:
            self.done_env = u8[env_at : env_at + 4 * d].view("<u4").astype(np.int64)
            self.done_return = u8[ret_at : ret_at + 8 * d].view("<f8")
            self.done_score = u8[ret_at + 8 * d : ret_at + 16 * d].view("<f8")
            self.done_seed = u8[ret_at + 16 * d : len_at].view("<f8")
            self.done_length = u8[len_at : len_at + 4 * d].view("<u4")
        else:
            self.done_env = np.zeros(0, dtype=np.int64)
            self.done_return = self.done_score = self.done_seed = _EMPTY_F8
            self.done_length = _EMPTY_U4
        obs_at = len_at + _align8(4 * d)
        self.obs = ObsBlock(u8, obs_at, n, a)
        final_at = obs_at + _align8(12 * n) + _align8(6 * a) + _align8(2 * a)
        self.final = ObsBlock(u8, final_at, d, f) if d > 0 and len(buf) > final_at else None


_HEAD = struct.Struct("<6I")


class _RawSocket:
    """A blocking RFC 6455 client on a ``TCP_NODELAY`` socket for ``ws://`` URLs: each frame is
    sent in one ``sendall`` and read on the calling thread (no reader thread, no queue hand-off;
    the generic ``websockets`` client costs about 0.3 ms per frame more at N = 64). Messages are
    read into a fresh ``bytearray`` (one copy out of the receive buffer), masks are applied 4
    bytes at a time with numpy."""

    GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
    #: Seconds a send or a receive may block before ``TimeoutError``.
    IO_TIMEOUT = 60.0

    def __init__(self, url: str, timeout: float):
        """Connects and completes the opening handshake."""
        u = urlsplit(url)
        self.sock = socket.create_connection((u.hostname, u.port or 80), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        key = base64.b64encode(os.urandom(16))
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {u.netloc}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key.decode()}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n".encode()
        )
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            chunk = self.sock.recv(1)
            if not chunk:
                raise ConnectionError("connection closed during the WebSocket handshake")
            head += chunk
        accept = base64.b64encode(hashlib.sha1(key + self.GUID).digest())
        if not head.startswith(b"HTTP/1.1 101") or accept not in head:
            status = head.split(b"\r\n")[0]
            raise ConnectionError(f"WebSocket handshake refused: {status!r}")
        # Blocking mode with kernel-side timeouts: a Python-level timeout would poll() before
        # every send and receive (two extra system calls per frame).
        self.sock.settimeout(None)
        limit = struct.pack("@ll", int(self.IO_TIMEOUT), int(self.IO_TIMEOUT % 1 * 1e6))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, limit)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, limit)
        # Received bytes not consumed yet: self._rb[self._r : self._w].
        self._rb = bytearray(1 << 18)
        self._rv = memoryview(self._rb)
        self._r = self._w = 0

    @staticmethod
    def frame_buffer(payload_bytes: int) -> tuple[np.ndarray, int]:
        """A zeroed buffer for one binary message of ``payload_bytes`` with room for its header
        and mask, and the offset of the payload in it (a multiple of 4)."""
        hl = 6 if payload_bytes < 126 else 8 if payload_bytes < 65536 else 14
        at = (hl + 3) & ~3
        return np.zeros(at + ((payload_bytes + 3) & ~3), dtype=np.uint8), at

    def send_buffer(self, buf: np.ndarray, at: int, n: int, opcode: int = 0x2) -> None:
        """Masks and sends the ``n``-byte payload at ``buf[at:]`` (from :meth:`frame_buffer`)
        as one message; the payload is masked in place."""
        if n < 126:
            head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        mask = os.urandom(4)
        start = at - len(head) - 4
        buf[start : at - 4] = np.frombuffer(head, dtype=np.uint8)
        buf[at - 4 : at] = np.frombuffer(mask, dtype=np.uint8)
        words = buf[at:].view(np.uint32)
        np.bitwise_xor(words, np.frombuffer(mask, dtype=np.uint32)[0], out=words)
        try:
            self.sock.sendall(memoryview(buf)[start : at + n])
        except BlockingIOError:  # SO_SNDTIMEO expired
            raise TimeoutError(f"the server did not read for {self.IO_TIMEOUT} s") from None

    def send(self, data: str | bytes) -> None:
        """Sends a text (``str``) or binary message as one masked frame."""
        payload = data.encode() if isinstance(data, str) else data
        buf, at = self.frame_buffer(len(payload))
        buf[at : at + len(payload)] = np.frombuffer(payload, dtype=np.uint8)
        self.send_buffer(buf, at, len(payload), 0x1 if isinstance(data, str) else 0x2)

    def _fill(self, n: int) -> None:
        """Receives until at least ``n`` unread bytes are buffered (``n`` <= buffer size)."""
        if self._r + n > len(self._rb):  # move the unread tail to the front
            rest = self._w - self._r
            self._rb[:rest] = self._rb[self._r : self._w]
            self._r, self._w = 0, rest
        while self._w - self._r < n:
            got = self._recv_into(self._rv[self._w :])
            if not got:
                raise ConnectionError("the server closed the connection")
            self._w += got

    def _recv_into(self, view: memoryview) -> int:
        try:
            return self.sock.recv_into(view)
        except BlockingIOError:  # SO_RCVTIMEO expired
            raise TimeoutError(f"no data from the server in {self.IO_TIMEOUT} s") from None

    def _read(self, n: int) -> bytes:
        self._fill(n)
        out = bytes(self._rv[self._r : self._r + n])
        self._r += n
        return out

    def _read_payload(self, n: int) -> bytearray:
        """The next ``n`` bytes, in a fresh ``bytearray``."""
        out = bytearray(n)
        have = min(n, self._w - self._r)
        out[:have] = self._rv[self._r : self._r + have]
        self._r += have
        if have < n:
            view = memoryview(out)
            while have < n:
                got = self._recv_into(view[have:])
                if not got:
                    raise ConnectionError("the server closed the connection")
                have += got
        return out

    def recv(self) -> str | bytes | bytearray:
        """The next text or binary message (answers pings, raises on close); binary messages
        come as a ``bytearray``."""
        parts: list[bytearray] = []
        opcode = 0
        while True:
            self._fill(2)
            b0, b1 = self._rb[self._r], self._rb[self._r + 1]
            self._r += 2
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._read(8))[0]
            payload = self._read_payload(n)
            op = b0 & 0x0F
            if op == 0x8:
                raise ConnectionError("the server closed the WebSocket")
            if op == 0x9:
                self.send_control(0xA, bytes(payload))
                continue
            if op == 0xA:
                continue
            if op:
                opcode = op
            parts.append(payload)
            if b0 & 0x80:
                data = parts[0] if len(parts) == 1 else bytearray().join(parts)
                return data.decode() if opcode == 0x1 else data

    def send_control(self, opcode: int, payload: bytes) -> None:
        """Sends a control frame (pong, close)."""
        mask = os.urandom(4)
        body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(struct.pack("!BB", 0x80 | opcode, 0x80 | len(payload)) + mask + body)

    def close(self) -> None:
        """Sends a close frame and closes the socket."""
        try:
            self.send_control(0x8, b"\x03\xe8")
        except OSError:
            pass
        self.sock.close()


class StepRequest:
    """A step request being built: ``codes`` (``(N, slots)`` int8) is a view into ``buf``,
    whose ``size`` bytes at ``at`` are the message."""

    __slots__ = ("buf", "at", "size", "codes")

    def __init__(self, buf: np.ndarray, at: int, size: int, codes: np.ndarray):
        """Wraps the buffer and its codes view."""
        self.buf, self.at, self.size, self.codes = buf, at, size, codes


class VectorWireClient:
    """The socket of one ``/ws/vector`` session, in lock-step."""

    def __init__(self, url: str, open_timeout: float = 10.0, use_proxy: bool = False):
        """Connects to the server at ``url`` (base URL or its ``/ws/vector`` URL); ``ws://``
        URLs use the no-delay client above, ``wss://`` the ``websockets`` library."""
        self.url = vector_url(url)
        self._ws: Any
        if self.url.startswith("ws://") and not use_proxy:
            self._ws = _RawSocket(self.url, open_timeout)
        else:
            self._ws = connect(
                self.url,
                open_timeout=open_timeout,
                compression=None,
                max_size=64 * 2**20,
                proxy=True if use_proxy else None,
            )

    def _check(self, reply: str | bytes | bytearray) -> str | bytes | bytearray:
        if isinstance(reply, str):
            frame = json.loads(reply)
            if frame.get("type") == "error":
                err = frame.get("error", {})
                raise ServerError(err.get("message", ""), err.get("code"), frame)
        return reply

    def _ask(self, data: str | bytes) -> str | bytes | bytearray:
        if self._ws is None:
            raise RuntimeError("the vector client is closed")
        self._ws.send(data)
        return self._check(self._ws.recv())

    def open(self, **params: Any) -> dict[str, Any]:
        """Sends ``open`` and returns the ``opened`` answer."""
        reply = self._ask(json.dumps({"type": "open", **params}))
        return json.loads(reply)

    def reset(self, seed: int | None = None) -> Frame:
        """Resets every environment (``seed`` restarts the seed stream)."""
        msg: dict[str, Any] = {"type": "reset"}
        if seed is not None:
            msg["seed"] = int(seed)
        return Frame(self._ask(json.dumps(msg)))  # type: ignore[arg-type]

    def step(self, request: bytes) -> Frame:
        """Sends an encoded step request (see :func:`step_request`)."""
        return Frame(self._ask(request))  # type: ignore[arg-type]

    def new_request(self, n: int, slots: int) -> StepRequest:
        """A fresh step request of ``n x slots`` codes for :meth:`send`: its header written,
        its codes zero, laid out so that the no-delay client sends it without a copy."""
        size = HEADER + n * slots
        if isinstance(self._ws, _RawSocket):
            buf, at = _RawSocket.frame_buffer(size)
        else:
            buf, at = np.zeros(size, dtype=np.uint8), 0
        buf[at : at + 16].view("<u4")[:] = (MAGIC, KIND_STEP_REQUEST, n, slots)
        codes = buf[at + HEADER : at + size].view(np.int8).reshape(n, slots)
        return StepRequest(buf, at, size, codes)

    def send(self, request: StepRequest) -> Frame:
        """Sends a request from :meth:`new_request` (once: it is masked in place) and returns
        the reply."""
        if self._ws is None:
            raise RuntimeError("the vector client is closed")
        if isinstance(self._ws, _RawSocket):
            self._ws.send_buffer(request.buf, request.at, request.size)
            return Frame(self._check(self._ws.recv()))  # type: ignore[arg-type]
        data = request.buf[request.at : request.at + request.size].tobytes()
        return Frame(self._ask(data))  # type: ignore[arg-type]

    def close(self) -> None:
        """Closes the socket; idempotent."""
        if self._ws is not None:
            try:
                self._ws.send(json.dumps({"type": "close"}))
            except Exception:  # noqa: BLE001 - closing anyway
                pass
            self._ws.close()
            self._ws = None


def step_request(codes: np.ndarray) -> bytes:
    """The step request of ``(N, slots)`` queue-order codes."""
    n, s = codes.shape
    head = np.array([MAGIC, KIND_STEP_REQUEST, n, s, 0, 0], dtype="<u4").tobytes()
    return head + np.ascontiguousarray(codes, dtype=np.int8).tobytes()
