"""Single key presses while a practice plays: cbreak mode (no Enter needed, Ctrl-C
still works), the terminal restored on exit, also after an exception. ``NoKeys``
stands in when stdin is not a terminal.

On Windows there is no termios: the console already hands over single keys through
``msvcrt`` (no mode to set or restore), polled until the timeout."""

from __future__ import annotations

import os
import select
import sys
import time
from typing import TextIO


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
        if sys.platform == "win32":
            self.fd = fd  # msvcrt reads the console directly; nothing to set or restore
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
        if sys.platform == "win32":
            self.fd = None
            return
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
        if sys.platform == "win32":
            return _read_console(timeout)
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


def _read_console(timeout: float) -> str | None:
    """Windows: one key from the console within ``timeout`` seconds, polled."""
    import msvcrt  # type: ignore[import-not-found,unused-ignore]  # Windows only

    deadline = time.monotonic() + timeout
    while not msvcrt.kbhit():  # type: ignore[attr-defined]
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.02)
    key = msvcrt.getwch()  # type: ignore[attr-defined]
    if key in ("\x00", "\xe0"):  # an arrow or function key: a prefix and a code
        msvcrt.getwch()  # type: ignore[attr-defined]
        return "escape"
    if key == "\x1b":
        return "escape"
    return key.lower()


class NoKeys:
    """No keys at all (not a terminal): the practice plays to the end, or until Ctrl-C."""

    def __enter__(self) -> NoKeys:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def read(self, timeout: float = 0.0) -> str | None:
        return None
