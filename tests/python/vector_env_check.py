#!/usr/bin/env python3
"""Checks of the vector adapter (``/ws/vector``) against a running server (plain asserts).

Usage: ``vector_env_check.py URL``. Checks: on fixed seeds, every observation vector of
:class:`AlertTriageVectorEnv` (both autoreset modes) is byte-identical to the one
:class:`AlertTriageWireEnv` gets over ``/ws`` for the same episode seed and actions, and so are
rewards, flags and task scores; Gymnasium's vector conventions hold (batched spaces contain
what is returned, ``reset(seed)`` determinism, fresh arrays per call, the
``RecordEpisodeStatistics`` vector wrapper, ``autoreset_mode`` metadata); bad actions raise and
server errors surface as ``ServerError``; the step request written in place equals the public
``step_request(decode_actions(...))``; a silent server raises ``TimeoutError``; the SB3 ``VecEnv``
adapter steps and reports terminal observations. Prints ``OK``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

import numpy as np  # noqa: E402
from gymnasium.vector import AutoresetMode  # noqa: E402
from gymnasium.wrappers.vector import RecordEpisodeStatistics  # noqa: E402

from alert_triage_gym import AlertTriageWireEnv, ServerError  # noqa: E402
from alert_triage_gym.vector import AlertTriageSB3VecEnv, AlertTriageVectorEnv  # noqa: E402


def wire_score(score: float) -> float:
    """The /ws transports report the grader score as toWireScore does (3 decimals, in
    [0.001, 0.999]); the vector protocol sends it exactly, like the in-process VectorEnv."""
    return min(0.999, max(0.001, float(np.floor(score * 1000 + 0.5)) / 1000))


def check_matches_single(url: str, task: str, mode: AutoresetMode, n: int, steps: int) -> None:
    """Vector env == N single envs over /ws, byte for byte, on the same seeds and actions."""
    venv = AlertTriageVectorEnv(url, task_id=task, num_envs=n, autoreset_mode=mode)
    singles = [AlertTriageWireEnv(url, task_id=task) for _ in range(n)]
    rng = np.random.default_rng(7)
    try:
        obs, info = venv.reset(seed=21)
        for i, env in enumerate(singles):
            o, _ = env.reset(seed=int(info["seed"][i]))
            assert o.tobytes() == obs[i].tobytes(), f"reset obs differs for env {i}"
        pending = np.zeros(n, dtype=bool)
        ended = 0
        for t in range(steps):
            actions = rng.integers(0, 4, size=(n, venv.slots))
            obs, rewards, term, trunc, info = venv.step(actions)
            assert venv.observation_space.contains(obs)
            for i, env in enumerate(singles):
                if pending[i]:  # NextStep: this step reset env i
                    o, _ = env.reset(seed=int(info["seed"][i]))
                    assert rewards[i] == 0 and not term[i] and not trunc[i]
                    assert o.tobytes() == obs[i].tobytes(), f"t={t} env {i}: reset obs differs"
                    pending[i] = False
                    continue
                o, r, te, tr, inf = env.step(actions[i])
                assert (te, tr) == (bool(term[i]), bool(trunc[i])), (t, i, te, tr)
                assert abs(r - rewards[i]) < 1e-9, (t, i, r, rewards[i])
                if te or tr:
                    ended += 1
                    assert info["_task_score"][i]
                    assert abs(wire_score(info["task_score"][i]) - inf["task_score"]) < 1e-9
                    if mode == AutoresetMode.NEXT_STEP:
                        assert o.tobytes() == obs[i].tobytes(), f"t={t} env {i}: last obs"
                        pending[i] = True
                    else:
                        assert o.tobytes() == info["final_obs"][i].tobytes(), f"t={t} final"
                        final = info["final_info"]  # Gymnasium 1.x SyncVectorEnv's layout
                        assert info["_final_info"][i] and final["_task_score"][i]
                        assert final["task_score"][i] == info["task_score"][i]
                        assert final["seed"][i] == info["episode_seed"][i]
                        assert final["episode_length"][i] == info["episode_length"][i]
                        o2, _ = env.reset(seed=int(info["seed"][i]))
                        assert o2.tobytes() == obs[i].tobytes(), f"t={t} env {i}: new episode"
                else:
                    assert o.tobytes() == obs[i].tobytes(), f"t={t} env {i}: obs differs"
        assert ended >= n, ended
    finally:
        venv.close()
        for env in singles:
            env.close()


def check_gymnasium_conventions(url: str) -> None:
    """Spaces, metadata, seeding, fresh arrays, the vector RecordEpisodeStatistics wrapper."""
    venv = AlertTriageVectorEnv(url, task_id="easy", num_envs=4)
    try:
        assert venv.metadata["autoreset_mode"] == AutoresetMode.NEXT_STEP
        assert venv.observation_space.shape == (4, venv.single_observation_space.shape[0])
        assert venv.action_space.shape == (4, venv.slots)
        a, info_a = venv.reset(seed=5)
        b, info_b = venv.reset(seed=5)
        assert a.tobytes() == b.tobytes() and a is not b
        assert (info_a["seed"] == info_b["seed"]).all()
        assert (info_a["seed"] < 10_000_000).all()
        c, _ = venv.reset()  # the stream goes on: new episodes
        assert c.tobytes() != a.tobytes()
        prev = venv.reset(seed=5)[0]
        nxt = venv.step(venv.action_space.sample())[0]
        assert nxt is not prev and prev.tobytes() == a.tobytes()  # not overwritten
        bad_actions = (
            np.full((4, venv.slots), 4),
            np.full((4, venv.slots), -1),
            np.full((4, venv.slots), 0.7),  # not an integer code
            np.zeros((4, venv.slots + 1), dtype=np.int64),  # wrong shape
        )
        for bad in bad_actions:
            try:
                venv.step(bad)
                raise AssertionError(f"bad actions accepted: {bad.dtype} {bad.shape}")
            except ValueError:
                pass
        venv.step(np.ones((4, venv.slots)))  # integral floats are codes
        for seeds in ([0, 1, 2, 3], (5,), np.arange(4)):
            try:
                venv.reset(seed=seeds)
                raise AssertionError(f"per-environment seeds {seeds!r} accepted")
            except ValueError:
                pass
    finally:
        venv.close()
    # Unseeded: the first reset starts the stream from entropy, as Gymnasium's vector envs do.
    fresh = [AlertTriageVectorEnv(url, task_id="easy", num_envs=4) for _ in range(2)]
    try:
        first = [v.reset()[1]["seed"] for v in fresh]
        assert not np.array_equal(first[0], first[1]), first
    finally:
        for v in fresh:
            v.close()
    try:
        AlertTriageVectorEnv(url, task_id="easy", num_envs=2, slots=10_000)
        raise AssertionError("slots beyond the queue accepted")
    except ValueError as err:
        assert "slots" in str(err), err
    wrapped = RecordEpisodeStatistics(AlertTriageVectorEnv(url, task_id="easy", num_envs=3))
    wrapped.reset(seed=1)
    episodes = 0
    for _ in range(70):
        *_, info = wrapped.step(wrapped.action_space.sample())
        if "episode" in info:
            episodes += int(info["_episode"].sum())
    assert episodes >= 3, episodes
    wrapped.close()
    try:
        AlertTriageVectorEnv(url, task_id="nope", num_envs=2)
        raise AssertionError("unknown task accepted")
    except ValueError:
        pass  # rejected by the Python task table before the socket opens


def check_server_errors(url: str) -> None:
    """A server error frame surfaces as ServerError with its code."""
    from alert_triage_gym.vector_wire import VectorWireClient

    client = VectorWireClient(url)
    try:
        try:
            client.open(task_id="hard", num_envs=5000)
            raise AssertionError("num_envs 5000 accepted")
        except ServerError as err:
            assert err.code == "VALIDATION_ERROR", err.code
        try:
            client.step(b"\x00" * 40)
            raise AssertionError("step before open accepted")
        except ServerError as err:
            assert err.code == "NOT_OPEN", err.code
    finally:
        client.close()


def check_request_in_place(url: str) -> None:
    """The request the env writes in place equals step_request(decode_actions(...)) byte for
    byte (the public helpers and the fast path agree), for rank and queue order, 5 and all
    slots, over steps that end episodes."""
    from alert_triage_gym.vector_wire import step_request

    rng = np.random.default_rng(11)
    for slots, sort in ((None, True), (5, True), (None, False)):
        venv = AlertTriageVectorEnv(url, task_id="hard", num_envs=6, slots=slots,
                                    sort_by_rank=sort)  # fmt: skip
        try:
            venv.reset(seed=2)
            for _ in range(60):
                actions = rng.integers(0, 4, size=(6, venv.slots))
                request = venv._client.new_request(6, venv.max_queue)
                venv._write_codes(actions, request.codes)
                sent = request.buf[request.at : request.at + request.size].tobytes()
                assert sent == step_request(venv.decode_actions(actions))
                venv.step(actions)
        finally:
            venv.close()


def check_timeout() -> None:
    """A server that accepts the WebSocket and then never answers raises TimeoutError after the
    client's I/O timeout (kernel-side, the socket itself is blocking)."""
    import base64
    import hashlib
    import socket
    import threading
    import time

    from alert_triage_gym.vector_wire import VectorWireClient, _RawSocket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    done = threading.Event()

    def silent() -> None:
        conn, _ = listener.accept()
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(4096)
        key = next(line.split(b": ")[1] for line in head.split(b"\r\n")
                   if line.lower().startswith(b"sec-websocket-key"))  # fmt: skip
        accept = base64.b64encode(hashlib.sha1(key + _RawSocket.GUID).digest())
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                     b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n")  # fmt: skip
        done.wait(10)
        conn.close()

    threading.Thread(target=silent, daemon=True).start()
    saved = _RawSocket.IO_TIMEOUT
    _RawSocket.IO_TIMEOUT = 0.3
    try:
        client = VectorWireClient(f"http://127.0.0.1:{listener.getsockname()[1]}")
        start = time.perf_counter()
        try:
            client.open(task_id="hard", num_envs=2)
            raise AssertionError("a silent server did not time out")
        except TimeoutError:
            assert 0.25 < time.perf_counter() - start < 5
    finally:
        _RawSocket.IO_TIMEOUT = saved
        done.set()
        listener.close()


def check_sb3_adapter(url: str) -> None:
    """The SB3 VecEnv adapter: SameStep with terminal observations and task scores."""
    venv = AlertTriageSB3VecEnv(url, "easy", 4, seed=3)
    try:
        obs = venv.reset()
        assert obs.shape == (4, venv.observation_space.shape[0])
        # sb3-contrib's MaskablePPO stacks env_method("action_masks"): one row per environment.
        masks = venv.env_method("action_masks")
        assert len(masks) == 4 and np.stack(masks).shape == (4, 4 * venv.venv.slots)
        assert len(venv.env_method("action_masks", indices=[1, 3])) == 2
        done_seen = 0
        for _ in range(40):
            actions = np.stack([venv.action_space.sample() for _ in range(4)])
            obs, rewards, dones, infos = venv.step(actions)
            assert rewards.dtype == np.float32 and dones.shape == (4,)
            for i in np.nonzero(dones)[0]:
                done_seen += 1
                assert infos[i]["terminal_observation"].shape == obs[i].shape
                assert 0.0 <= infos[i]["task_score"] <= 1.0
        assert done_seen >= 4, done_seen
    finally:
        venv.close()


def main() -> None:
    """Runs every check."""
    url = sys.argv[1]
    check_matches_single(url, "hard", AutoresetMode.NEXT_STEP, 4, 120)
    check_matches_single(url, "hard", AutoresetMode.SAME_STEP, 4, 120)
    check_matches_single(url, "easy", AutoresetMode.SAME_STEP, 3, 70)
    check_matches_single(url, "medium", AutoresetMode.NEXT_STEP, 2, 90)
    check_gymnasium_conventions(url)
    check_server_errors(url)
    check_request_in_place(url)
    check_timeout()
    check_sb3_adapter(url)
    print("OK")


if __name__ == "__main__":
    main()
