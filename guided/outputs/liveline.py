"""One live status line on the terminal, and messages that never share it.

A progress bar (``guided export``) or the player's progress line is redrawn in
place with a carriage return. Any other line written while it is showing would be
glued to it (``Preparing grounding  [------]  0%Using Piper's natural voice``). So
whoever draws such a line registers it here, and messages go through ``echo``:
the live line is wiped, the message is written on a line of its own, and the live
line is drawn again beneath it.

Only one live line exists at a time (the terminal has one cursor). Off a terminal
nothing is drawn live, and ``echo`` is plain ``click.echo``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

import click

CLEAR = "\r\x1b[K"

lock = threading.RLock()  # held while a live line or a message is being written
_stream: TextIO | None = None
_redraw: Callable[[], None] | None = None


@contextmanager
def live(stream: TextIO, redraw: Callable[[], None]) -> Iterator[None]:
    """While inside, ``stream`` shows a line that ``redraw()`` draws again (without a newline)."""
    global _stream, _redraw
    with lock:
        previous = (_stream, _redraw)
        _stream, _redraw = stream, redraw
    try:
        yield
    finally:
        with lock:
            _stream, _redraw = previous


def clear() -> None:
    """Wipe the live line (the next write starts at the left edge of an empty line)."""
    with lock:
        if _stream is not None:
            _write(_stream, CLEAR)


def redraw() -> None:
    """Draw the live line again (after someone else wrote a line of their own above it)."""
    with lock:
        if _redraw is not None:
            _redraw()


def echo(message: str = "", err: bool = False, nl: bool = True, file: TextIO | None = None) -> None:
    """``click.echo`` on a line of its own, with the live line (if any) drawn again below."""
    with lock:
        if _stream is None or _redraw is None:
            click.echo(message, file=file, err=err, nl=nl)
            return
        _write(_stream, CLEAR)
        click.echo(message, file=file, err=err, nl=nl)
        _redraw()


def _write(stream: TextIO, text: str) -> None:
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass
