"""hibari's voices loaded once per process and shared by every speech thread: the
phonemizer of each accent (``_G2P``, loaded in a background thread beside the model),
each voice's model (``_Model``), the small thread pool the clips' sentences are voiced
on, and warming the default voice in the background (``warm_in_background``), which
the process waits for at exit. ``guided.speech.hibari_engine`` speaks with them.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from guided.errors import SpeechError


class _G2P:
    """hibari's phonemizer, loaded in a background thread (while the voice model loads
    beside it) and shared by every voice of one accent. Parsing its gzipped JSON tables
    takes 0.5 to 1 s on a busy machine, so the parsed tables are kept in the cache
    (``guided.speech.hibari_fast``) and read from there in a few milliseconds."""

    def __init__(self, british: bool, folder: Path | None):
        self._british, self._folder = british, folder
        self._ready = threading.Event()
        self._real: Any = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._load, daemon=True, name="guided-hibari-g2p").start()

    def _load(self) -> None:
        try:
            from guided.speech.hibari_fast import load_g2p

            self._real = load_g2p(self._british, self._folder)
        except BaseException as exc:  # noqa: BLE001 - raised where it is used
            self._error = exc
        finally:
            self._ready.set()

    def __call__(self, text: str) -> str:
        self._ready.wait()
        if self._error is not None:
            raise SpeechError(f"hibari's phonemizer could not start ({self._error})")
        with self._lock:  # pure Python with caches: one sentence at a time
            return self._real(text)


class _Model:
    """One voice, loaded once per process and shared by every speech thread: the
    onnxruntime session is thread-safe; the phonemizer loads beside it, in parallel."""

    def __init__(self, name: str, path: Path, british: bool, folder: Path | None):
        self.name, self.path, self._folder = name, path, folder
        self._lock = threading.Lock()
        self._g2p = g2p(british, folder)
        self._tts: Any = None

    def tts(self) -> Any:
        with self._lock:
            if self._tts is None:
                from guided.speech.hibari_model import make_tts

                self._tts = make_tts(self.name, self.path, self._g2p, self._folder, threads=1)
            return self._tts

    def phonemize(self, text: str) -> list[str]:
        return list(self.tts().phonemize(text))


_MODELS: dict[tuple[str, Path | None], _Model] = {}
_G2PS: dict[tuple[bool, Path | None], _G2P] = {}
_MODELS_LOCK = threading.Lock()


_WARMING: list[threading.Thread] = []


def _finish_warming() -> None:
    """At exit (an error before the first clip, say): let a model still loading finish
    first. onnxruntime aborts the process ("terminate called ...") if the interpreter
    shuts down while one of its sessions is being made."""
    for thread in list(_WARMING):
        thread.join(10.0)


def g2p(british: bool, folder: Path | None) -> _G2P:
    with _MODELS_LOCK:
        if (british, folder) not in _G2PS:
            _G2PS[british, folder] = _G2P(british, folder)
        return _G2PS[british, folder]


def model(name: str, path: Path, info: dict[str, Any], folder: Path | None) -> _Model:
    with _MODELS_LOCK:
        found = _MODELS.get((name, folder))
    if found is None:  # made outside the lock: _Model takes it for its phonemizer
        made = _Model(name, path, bool(info.get("british")), folder)
        with _MODELS_LOCK:
            found = _MODELS.setdefault((name, folder), made)
    return found


def warm_in_background(warm: Callable[[], None]) -> None:
    """Run ``warm`` (load a voice) in a background thread that the process waits for
    at exit (``_finish_warming``)."""
    thread = threading.Thread(target=warm, daemon=True, name="guided-hibari-warm")
    with _MODELS_LOCK:
        if not _WARMING:
            atexit.register(_finish_warming)
        _WARMING.append(thread)
    thread.start()


_POOL: ThreadPoolExecutor | None = None


def pool() -> ThreadPoolExecutor:
    """One small pool for the whole process: the speech workers share the cores."""
    global _POOL
    with _MODELS_LOCK:
        if _POOL is None:
            _POOL = ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1),
                                       thread_name_prefix="guided-hibari")
        return _POOL
