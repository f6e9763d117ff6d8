"""What the listener sees while a practice plays: section headings and captions as
they are spoken, one progress line (bar, elapsed, remaining) redrawn in place, and
the quiet countdown of ``--delay``. Nothing here knows about audio."""

from __future__ import annotations

import contextlib
import math
import os
import sys
import textwrap
import time
from collections.abc import Iterator
from typing import TextIO

from guided.i18n import N_, texts
from guided.outputs import liveline
from guided.outputs.safetext import printable
from guided.script.durations import format_clock

KEY_HELP = N_("space pause · n next section · b back · q quit")


def is_interactive() -> bool:
    """Both ends are a terminal: show captions, read keys, ask questions."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class PlayerScreen:
    """Captions and a progress line; silent (does nothing) when ``enabled`` is false."""

    def __init__(self, out: TextIO | None = None, enabled: bool = True, width: int | None = None,
                 language: str = "en"):
        self.out = out or sys.stdout
        self._ = texts(language)  # the screen's words, in the practice's language
        self.enabled = enabled
        self.width = width
        self._section: str | None = None
        self._caption_key: object = None
        self._last_draw = 0.0
        self._status = ""

    def _columns(self) -> int:
        if self.width:
            return self.width
        try:
            return os.get_terminal_size(self.out.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return 80

    @contextlib.contextmanager
    def live(self) -> Iterator[None]:
        """While playing, other messages (``liveline.echo``) go above the progress line."""
        if not self.enabled:
            yield
            return
        with liveline.live(self.out, lambda: self._draw(self._status)):
            yield

    def heading(self, title: str, total_seconds: float) -> None:
        if self.enabled:
            self._write(f"{printable(title)}  ({format_clock(total_seconds)})\n{self._(KEY_HELP)}\n\n")

    def caption(self, section: str, key: object, text: str) -> None:
        """Show a section heading when it changes, and ``text`` once per ``key``."""
        if not self.enabled:
            return
        lines = []
        if section and section != self._section:
            lines.append(f"\n── {printable(section)} ──")
        self._section = section
        if text and key != self._caption_key:
            width = max(20, self._columns() - 1)  # the last column would wrap on some terminals
            lines.extend(textwrap.wrap(printable(text), width, initial_indent="  ", subsequent_indent="  "))
        self._caption_key = key
        if lines:
            self._write("\r\x1b[K" + "\n".join(lines) + "\n")
            self._draw(self._status)

    def progress(self, elapsed: float, total: float, paused: bool = False, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.2:
            return
        self._last_draw = now
        elapsed = max(0.0, elapsed)
        total = max(total, elapsed)
        remaining = max(0.0, total - elapsed)  # never below zero, whatever the estimate said
        label = " " + self._("{elapsed} · {remaining} left").format(
            elapsed=format_clock(elapsed), remaining=format_clock(remaining))
        label += "  " + self._("paused (space resumes)") if paused else ""
        bar_width = max(10, min(40, self._columns() - len(label) - 4))
        filled = min(bar_width, int(bar_width * (elapsed / total))) if total > 0 else 0
        self._draw(f"[{'#' * filled}{'.' * (bar_width - filled)}]{label}")

    def finish(self) -> None:
        if self.enabled and self._status:
            self._write("\n")
            self._status = ""

    def _draw(self, status: str) -> None:
        self._status = status
        if status:
            self._write("\r\x1b[K" + status)

    def _write(self, text: str) -> None:
        with liveline.lock:  # never in the middle of a message written from another thread
            try:
                self.out.write(text)
                self.out.flush()
            except (OSError, ValueError):
                pass


def countdown(seconds: float, out: TextIO | None = None, interactive: bool = True,
              language: str = "en") -> None:
    """A calm countdown before the practice starts; quiet (just waits) off a terminal."""
    out = out or sys.stdout
    _ = texts(language)
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if not interactive:
            time.sleep(left)
            break
        whole = math.ceil(left)
        out.write("\r\x1b[K" + _("Starting in {seconds}… settle in, there is no hurry.").format(
            seconds=whole))
        out.flush()
        time.sleep(left - (whole - 1))  # until the next whole second
    if interactive:
        out.write("\r\x1b[K")
        out.flush()
