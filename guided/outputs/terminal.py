"""What the listener sees and presses while a practice plays.

- ``Keys``: single key presses in cbreak mode (no Enter needed, Ctrl-C still works);
  the terminal is restored on exit, also after an exception.
- ``PlayerScreen``: section headings and captions as they are spoken, and one
  progress line (bar, elapsed, remaining) redrawn in place.
- ``ask_rating`` / ``ask_line``: the gentle 0-10 distress question and the optional
  one-line reflection, asked before the keys take over the terminal.

Nothing here knows about audio; ``guided.outputs.player`` calls it.
"""

from __future__ import annotations

import math
import os
import select
import sys
import textwrap
import time
from typing import TextIO

from guided.script.durations import format_clock

SCALE_HINT = "0 means completely calm, 10 the most distress you can imagine. Enter skips."
KEY_HELP = "space pause · n next section · b back · q quit"


def is_interactive() -> bool:
    """Both ends are a terminal: show captions, read keys, ask questions."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class Keys:
    """Read single key presses from stdin without waiting for Enter.

    Use as a context manager; on a non-terminal it reads nothing."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdin
        self.fd: int | None = None
        self._saved: list | None = None
        self._pending: list[str] = []  # keys read together (typed quickly), handed out one by one

    def __enter__(self) -> Keys:
        try:
            fd = self.stream.fileno()
        except (AttributeError, ValueError, OSError):
            return self
        if not os.isatty(fd):
            return self
        import termios
        import tty

        self._saved = termios.tcgetattr(fd)
        tty.setcbreak(fd)  # keeps ISIG: Ctrl-C still sends SIGINT
        self.fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()

    def restore(self) -> None:
        if self.fd is not None and self._saved is not None:
            import termios

            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self.fd = None

    def read(self, timeout: float = 0.0) -> str | None:
        """One key, or None if none was pressed within ``timeout`` seconds."""
        if self._pending:
            return self._pending.pop(0)
        if self.fd is None:
            if timeout:
                time.sleep(timeout)
            return None
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 64)
        if not data:
            return None
        if data.startswith(b"\x1b"):  # an arrow or function key: one escape sequence
            return "escape"
        self._pending = list(data.decode("utf-8", errors="replace").lower())
        return self._pending.pop(0)


class PlayerScreen:
    """Captions and a progress line; silent (does nothing) when ``enabled`` is false."""

    def __init__(self, out: TextIO | None = None, enabled: bool = True, width: int | None = None):
        self.out = out or sys.stdout
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

    def heading(self, title: str, total_seconds: float) -> None:
        if self.enabled:
            self._write(f"{title}  ({format_clock(total_seconds)})\n{KEY_HELP}\n\n")

    def caption(self, section: str, key: object, text: str) -> None:
        """Show a section heading when it changes, and ``text`` once per ``key``."""
        if not self.enabled:
            return
        lines = []
        if section and section != self._section:
            lines.append(f"\n── {section} ──")
        self._section = section
        if text and key != self._caption_key:
            width = max(20, self._columns() - 1)  # the last column would wrap on some terminals
            lines.extend(textwrap.wrap(text, width, initial_indent="  ", subsequent_indent="  "))
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
        total = max(total, elapsed)
        remaining = total - elapsed
        label = f" {format_clock(elapsed)} / -{format_clock(remaining)}"
        label += "  paused (space resumes)" if paused else ""
        bar_width = max(10, min(40, self._columns() - len(label) - 4))
        filled = int(bar_width * (elapsed / total)) if total > 0 else 0
        self._draw(f"[{'#' * filled}{'.' * (bar_width - filled)}]{label}")

    def message(self, text: str) -> None:
        if self.enabled:
            self._write("\r\x1b[K" + text + "\n")
            self._draw(self._status)

    def finish(self) -> None:
        if self.enabled and self._status:
            self._write("\n")
            self._status = ""

    def _draw(self, status: str) -> None:
        self._status = status
        if status:
            self._write("\r\x1b[K" + status)

    def _write(self, text: str) -> None:
        try:
            self.out.write(text)
            self.out.flush()
        except (OSError, ValueError):
            pass


def countdown(seconds: float, out: TextIO | None = None, interactive: bool = True) -> None:
    """A calm countdown before the practice starts; quiet (just waits) off a terminal."""
    out = out or sys.stdout
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if not interactive:
            time.sleep(left)
            break
        whole = math.ceil(left)
        out.write(f"\r\x1b[KStarting in {whole}… settle in, there is no hurry.")
        out.flush()
        time.sleep(left - (whole - 1))  # until the next whole second
    if interactive:
        out.write("\r\x1b[K")
        out.flush()


RATING_RANGE = (0, 10)


def ask_rating(question: str, explain: bool = False) -> int | None:
    """Ask for a 0-10 rating until the answer is one, or Enter skips (and says so).

    An answer outside the scale is never dropped silently: the question is asked again,
    with the accepted range, as often as needed."""
    low, high = RATING_RANGE
    if explain:
        print(SCALE_HINT)
    while True:
        try:
            answer = input(f"{question} ({low}-{high}, Enter to skip): ").strip()
        except EOFError:
            return None
        if not answer:
            print("Skipped, that is fine. No rating is kept for this one.")
            return None
        if answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        print(f"A whole number from {low} to {high} works here (or just Enter to skip).")


def ask_line(question: str) -> str:
    """An optional one-line answer; Enter skips."""
    try:
        return input(f"{question} (Enter to skip): ").strip()
    except EOFError:
        return ""
