"""``Runtime``: the choices a person makes through the environment (``GUIDED_HOME``,
``GUIDED_CACHE_DIR``, ``GUIDED_DEBUG``, ``GUIDED_VOICES_DIR``,
``GUIDED_PYTTSX3_LOOP``), read once by the command line and handed down as one value.

Nothing here reads the environment: ``guided.commands.environment`` does, once per
run, at the command line (``guided.cli.main``), and gives the result to ``use``.
The modules that need one of these choices ask ``current()``: where guided's folders
are (``guided.paths``), whether to show the details (``guided.outputs.quiet``, the
speech worker), the extra folder of Piper voices, and which espeak-ng path the
pyttsx3 engine takes. A process that never went through the command line (a library
caller, a test) gets the defaults until it calls ``use``.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

# The variables' names (read only by guided.commands.environment)
HOME_ENV = "GUIDED_HOME"
CACHE_ENV = "GUIDED_CACHE_DIR"
DEBUG_ENV = "GUIDED_DEBUG"
VOICES_DIR_ENV = "GUIDED_VOICES_DIR"
PYTTSX3_LOOP_ENV = "GUIDED_PYTTSX3_LOOP"


@dataclass(frozen=True)
class Runtime:
    """The environment's choices, as one value (None or False: not chosen)."""

    home: Path | None = None  # GUIDED_HOME: the guided folder (else the platform's data folder)
    cache: Path | None = None  # GUIDED_CACHE_DIR: the clip cache (else a checkout's or the user's)
    debug: bool = False  # GUIDED_DEBUG: tracebacks, the sound system's and workers' messages
    voices_dir: Path | None = None  # GUIDED_VOICES_DIR: an extra folder of Piper voices
    pyttsx3_loop: bool = False  # GUIDED_PYTTSX3_LOOP: pyttsx3's own loop instead of espeak-ng calls


_lock = threading.Lock()
_current = Runtime()


def current() -> Runtime:
    """The choices this process was started with (the defaults until ``use``)."""
    return _current


def use(runtime: Runtime) -> Runtime:
    """Make ``runtime`` this process's choices (the command line, once per run); returns
    the ones it replaces."""
    global _current
    with _lock:
        previous, _current = _current, runtime
    return previous
