"""Run a speech engine in a worker process, so a hang or crash cannot take the
program with it.

pyttsx3 is known to hang or fail silently when one engine object speaks many
utterances. Each worker here is a small ``python -m guided.speech.worker
module:Class`` process hosting one in-process engine; ``WorkerEngine`` (the parent's
side, itself an ``Engine``) sends it one request at a time with a deadline. A worker
that hangs is killed, one that crashes is noticed at once; either way a fresh worker
is started and the utterance retried a bounded number of times, then a
``SpeechError`` names the text.

The hosted object (a *backend*) is small and speaks plain data, so the worker starts
fast (no numpy): ``version() -> str``, ``voices() -> list[dict]`` (``Voice`` fields),
``default_voice(language) -> str | None``, ``synthesize_pcm16(text, voice, rate) ->
(bytes, sample_rate)`` and ``close()``. It raises ``GuidedError`` for problems a retry
cannot fix (an unknown voice); anything else counts as a failure worth a retry.

Protocol (one request at a time): the parent writes one JSON line to the worker's
stdin; the worker answers on its original stdout with one JSON line, followed for
``synthesize`` by exactly ``nbytes`` of little-endian int16 PCM. The worker points
file descriptor 1 at /dev/null first, so engine chatter ("Audio saved to ...")
never reaches the user or the protocol.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guided.errors import GuidedError, SpeechError
from guided.runtime import Runtime, current, use

PYTTSX3_LOOP_ARG = "--pyttsx3-loop"  # the worker's own option: GUIDED_PYTTSX3_LOOP in the parent

if TYPE_CHECKING:
    import numpy as np

    from guided.speech.base import Voice

BASE_TIMEOUT = 15.0  # seconds for any request (covers the worker's own start-up)
SECONDS_PER_CHAR = 0.01  # espeak-ng speaks ~200x real time; this is very generous
RETRIES = 2  # a failed utterance is tried this many more times on a fresh worker


def load_class(target: str) -> Any:
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


class WorkerEngine:
    """An ``Engine`` whose work happens in a child process hosting ``target``
    (``"module:Class"``, a backend as described above). Not thread-safe: one per
    thread. ``version`` may be a string or a function computing it (called once)."""

    def __init__(self, name: str, target: str, *, version: str | Callable[[], str] = "",
                 timeout: float = BASE_TIMEOUT, retries: int = RETRIES):
        self.name = name
        self.target = target
        self.timeout = timeout
        self.retries = retries
        self.restarts = 0  # workers started after the first (hangs and crashes survived)
        self._version = version
        self._proc: subprocess.Popen[bytes] | None = None
        self._buffer = bytearray()  # bytes read from the worker, not yet used
        self._aborted = False
        self._chunks: queue.Queue[bytes] | None = None  # what the reader thread got

    # -- Engine -----------------------------------------------------------------
    def version(self) -> str:
        if callable(self._version):
            self._version = self._version()
        if not self._version:
            self._version = str(self._call("version"))
        return self._version

    def voices(self) -> list[Voice]:
        from guided.speech.base import Voice

        return [Voice(**v) for v in self._call("voices")]

    def default_voice(self, language: str) -> str | None:
        return self._call("default_voice", language)

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        import numpy as np

        request = {"op": "synthesize", "text": text, "voice": voice, "rate": rate}
        header, payload = self._request(request, self.timeout + SECONDS_PER_CHAR * len(text), text)
        return np.frombuffer(payload, dtype="<i2").copy(), int(header["rate"])

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.stdin:
                proc.stdin.close()  # the worker exits at end of input
            proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
        finally:
            if proc.stdout:
                proc.stdout.close()

    def abort(self) -> None:
        """Stop at once, from any thread: the worker is killed, the request in
        progress fails with ``SpeechError`` and no new worker is started."""
        self._aborted = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()

    def start(self) -> None:
        """Start the worker now (it warms up while the caller does other work)."""
        if self._aborted:
            raise SpeechError("speech was stopped")
        if self._proc is None or self._proc.poll() is not None:
            if self._proc is not None:
                self.restarts += 1
                self._discard()
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "guided.speech.worker", self.target, *_runtime_args()],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=None if current().debug else subprocess.DEVNULL,
                env=_worker_env(), close_fds=True,
            )
            self._buffer = bytearray()
            # A reader thread per process (pipes cannot be waited on with a timeout on
            # Windows); a new process gets a new queue, so no stale bytes mix in.
            self._chunks = queue.Queue()
            threading.Thread(target=_pump, args=(self._proc.stdout, self._chunks),
                             daemon=True, name=f"guided-{self.name}-reader").start()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    # -- plumbing ---------------------------------------------------------------
    def _call(self, method: str, *args: Any) -> Any:
        header, _ = self._request({"op": "call", "method": method, "args": list(args)},
                                  self.timeout, None)
        return header["result"]

    def _request(self, request: dict[str, Any], timeout: float,
                 text: str | None) -> tuple[dict[str, Any], bytes]:
        what = f"the text {_quote(text)}" if text is not None else f"'{request.get('method')}'"
        last = ""
        for _attempt in range(self.retries + 1):
            self.start()
            try:
                return self._exchange(request, time.monotonic() + timeout)
            except _WorkerFailed as exc:
                last = str(exc)
                self._kill()
        raise SpeechError(f"the {self.name} speech engine failed on {what} ({last}), "
                          f"even after {self.retries} fresh starts")

    def _exchange(self, request: dict[str, Any], deadline: float) -> tuple[dict[str, Any], bytes]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(json.dumps(request).encode() + b"\n")
            proc.stdin.flush()
        except (BrokenPipeError, OSError) as exc:
            raise _WorkerFailed("worker went away") from exc
        line = self._read_until(b"\n", deadline)
        try:
            header = json.loads(line)
        except ValueError as exc:
            raise _WorkerFailed("the worker answered garbage") from exc
        if header.get("retry"):
            raise _WorkerFailed(header.get("error") or "engine error")
        if not header.get("ok"):
            # The engine itself refused (unknown voice, ...): retrying will not help.
            raise SpeechError(header.get("error") or "the speech engine failed")
        payload = self._read_exact(int(header.get("nbytes", 0)), deadline)
        return header, payload

    def _read_until(self, sep: bytes, deadline: float) -> bytes:
        while (end := self._buffer.find(sep)) < 0:
            self._fill(deadline)
        line = bytes(self._buffer[:end])
        del self._buffer[: end + len(sep)]
        return line

    def _read_exact(self, n: int, deadline: float) -> bytes:
        while len(self._buffer) < n:
            self._fill(deadline)
        data = bytes(self._buffer[:n])
        del self._buffer[:n]
        return data

    def _fill(self, deadline: float) -> None:
        proc, chunks = self._proc, self._chunks
        assert proc is not None and chunks is not None
        try:
            chunk = chunks.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise _WorkerFailed("no answer in time; the worker was restarted") from None
        if not chunk:
            raise _WorkerFailed(f"worker stopped unexpectedly (exit code {proc.poll()})")
        self._buffer += chunk

    def _kill(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def _discard(self) -> None:
        if self._proc is not None:
            for stream in (self._proc.stdin, self._proc.stdout):
                try:
                    if stream:
                        stream.close()
                except OSError:
                    pass
            self._proc = None

    def __del__(self) -> None:  # a forgotten close() must not leave a stray process
        with contextlib.suppress(Exception):  # interpreter shutdown
            self._kill()


def _pump(stream: Any, chunks: queue.Queue[bytes]) -> None:
    """Move everything the worker writes into ``chunks``; ``b""`` marks its end."""
    try:
        while chunk := stream.read1(1 << 20):
            chunks.put(chunk)
    except (OSError, ValueError):  # closed under us: the worker is being replaced
        pass
    chunks.put(b"")


class _WorkerFailed(Exception):
    """The worker hung, crashed or answered nonsense (worth a retry)."""


def _quote(text: str | None, limit: int = 60) -> str:
    text = text or ""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _runtime_args() -> list[str]:
    """What the worker needs of this process's ``Runtime``, on its command line (the
    worker reads no guided variable from its environment)."""
    return [PYTTSX3_LOOP_ARG] if current().pyttsx3_loop else []


def _worker_env() -> dict[str, str]:
    """The worker's environment: this process's (a child process's convention: it needs
    ``PATH``, the locale, the audio and espeak-ng settings its parent has), with this
    checkout's guided on ``PYTHONPATH``."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])  # the folder holding the guided package
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


# -- the worker process -----------------------------------------------------------

def serve(target: str, options: Sequence[str] = ()) -> int:
    """The worker's loop: requests on stdin, answers on the original stdout. ``options``
    are the parent's choices the backend needs (``_runtime_args``)."""
    use(Runtime(pyttsx3_loop=PYTTSX3_LOOP_ARG in options))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    proto = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # engine chatter on fd 1 (C or Python) goes nowhere
    os.close(devnull)
    try:
        backend = load_class(target)()
    except GuidedError as exc:  # e.g. espeak-ng missing: say so to every request
        backend, refusal = None, {"ok": False, "error": str(exc)}
    try:
        for line in sys.stdin.buffer:
            if not line.strip():
                continue
            header, payload = (refusal, b"") if backend is None else _handle(backend, json.loads(line))
            proto.write(json.dumps(header).encode() + b"\n" + payload)
            proto.flush()
    finally:
        if backend is not None:
            backend.close()
    return 0


def _handle(backend: Any, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    try:
        if request["op"] == "synthesize":
            payload, rate = backend.synthesize_pcm16(request["text"], request["voice"],
                                                     request["rate"])
            return {"ok": True, "rate": int(rate), "nbytes": len(payload)}, bytes(payload)
        if request["method"] not in ("version", "voices", "default_voice"):
            raise GuidedError(f"unknown request {request['method']!r}")
        result = getattr(backend, request["method"])(*request.get("args", []))
        return {"ok": True, "result": result}, b""
    except GuidedError as exc:
        return {"ok": False, "error": str(exc)}, b""
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which retries
        return {"ok": False, "retry": True, "error": f"{type(exc).__name__}: {exc}"}, b""


if __name__ == "__main__":
    sys.exit(serve(sys.argv[1], sys.argv[2:]))
