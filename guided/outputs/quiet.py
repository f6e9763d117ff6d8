"""Keep the sound system's own C-level messages off the listener's screen.

PortAudio and ALSA write straight to file descriptor 2 from C (``Expression
'alsa_snd_pcm_poll_descriptors_revents( … )' failed``, ``ALSA lib pcm.c: … underrun``),
from any thread, bypassing Python. While audio is in use, ``captured()`` points fd 2 at
a temporary file and gives Python's own ``sys.stderr`` (our calm messages, click's
errors) a private copy of the real terminal, so only what we write reaches the screen.

What was captured is kept on the returned ``Captured``: with ``show=True`` (the command
passes ``GUIDED_DEBUG=1`` here) it is printed after playback, for a bug report.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass

KEEP_BYTES = 64 * 1024  # the last this many bytes of captured messages are kept


def debug_requested() -> bool:
    """``GUIDED_DEBUG=1``: the person asked for the details (read once at the command line,
    ``guided.runtime``)."""
    from guided.runtime import current

    return current().debug


@dataclass
class Captured:
    text: str = ""


@contextlib.contextmanager
def captured(show: bool = False) -> Iterator[Captured]:
    """While inside, C-level writes to fd 2 go to a temporary file; Python's ``sys.stderr``
    still reaches the terminal. On leaving, ``Captured.text`` holds what C wrote."""
    result = Captured()
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to protect
        yield result
        return
    with tempfile.TemporaryFile() as sink:
        previous = sys.stderr
        private = _text_stream(saved, previous)
        os.dup2(sink.fileno(), 2)
        sys.stderr = private
        try:
            yield result
        finally:
            with contextlib.suppress(Exception):
                private.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sys.stderr = previous
            with contextlib.suppress(Exception):
                private.close()
            result.text = _tail(sink)
            if show and result.text.strip():  # also when leaving with an error: that is when it helps
                print("Messages from the sound system while playing (GUIDED_DEBUG):", file=sys.stderr)
                print(result.text.rstrip("\n"), file=sys.stderr)

def _text_stream(fd: int, like: object) -> io.TextIOWrapper:
    raw = os.fdopen(os.dup(fd), "wb", buffering=0)
    encoding = getattr(like, "encoding", None) or "utf-8"
    return io.TextIOWrapper(raw, encoding=encoding, errors="backslashreplace",
                            line_buffering=True, write_through=True)


def _tail(sink: object) -> str:
    try:
        size = sink.seek(0, os.SEEK_END)  # type: ignore[attr-defined]
        sink.seek(max(0, size - KEEP_BYTES))  # type: ignore[attr-defined]
        return sink.read().decode("utf-8", "replace")  # type: ignore[attr-defined]
    except (OSError, ValueError):
        return ""
