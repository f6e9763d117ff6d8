"""Run ``guided`` under a real pseudo-terminal, as a person at a terminal would.

``PtyGuided(args, env)`` starts ``python -m guided ARGS`` with the pty as its
controlling terminal (so Ctrl-C is SIGINT), collects everything written to the
screen in ``text`` (raw, escape sequences included) and lets a test type with
``send``. ``screen_lines()`` replays carriage returns and erase-line codes, so it
returns what a person would see on each line at the end.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time


def _controlling_terminal() -> None:
    import fcntl
    import termios

    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyGuided:
    def __init__(self, args: list[str], env: dict[str, str], columns: int = 100,
                 cwd: str | os.PathLike[str] | None = None):
        import fcntl
        import struct
        import termios

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
        self.master = master
        env = dict(env)
        env.setdefault("TERM", "xterm")
        env.pop("COLUMNS", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "guided", *args], env=env,
                                     stdin=slave, stdout=slave, stderr=slave,
                                     preexec_fn=_controlling_terminal, cwd=cwd)
        os.close(slave)
        self.text = ""
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                return
            if not data:
                return
            with self._lock:
                self.text += data.decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 30, after: int = 0) -> int:
        """Wait until ``needle`` is on the screen (at or after offset ``after``); its offset."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = self.text.find(needle, after)
            if found >= 0:
                return found
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader catch the last output
                with self._lock:
                    found = self.text.find(needle, after)
                if found >= 0:
                    return found
                break
            time.sleep(0.02)
        raise AssertionError(f"{needle!r} not shown; screen so far:\n{self.text[-1500:]}")

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 60) -> int:
        """Wait for the command to end (killing it if it does not) and for its last output."""
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        self._reader.join(timeout=5)
        os.close(self.master)
        return code

    def __enter__(self) -> PtyGuided:
        return self

    def __exit__(self, *exc: object) -> None:
        """A test that failed half-way leaves no guided running behind it."""
        if self.proc.poll() is None:
            self.proc.kill()

    def screen_lines(self) -> list[str]:
        """The final text of each line, after carriage returns and ``ESC[K`` erasures."""
        return screen_lines(self.text)


def answer_on_terminal(args: list[str], answer: str, prompt: str = "[y/N]",
                       timeout: float = 60, cwd: str | os.PathLike[str] | None = None) -> tuple[int, str]:
    """Run guided on a pseudo-terminal, wait (at most ``timeout``) for its question,
    answer it, and return (exit code, everything shown)."""
    term = PtyGuided(args, dict(os.environ), cwd=cwd)
    try:
        term.wait_for(prompt, timeout=timeout)
        term.send(answer + "\n")
    finally:
        code = term.finish(timeout=timeout)
    return code, term.text


def run_on_terminal(args: list[str], timeout: float = 300,
                    cwd: str | os.PathLike[str] | None = None) -> tuple[int, str]:
    """Run guided on a pseudo-terminal to its end (killed after ``timeout``); (exit code,
    everything shown)."""
    term = PtyGuided(args, dict(os.environ), cwd=cwd)
    code = term.finish(timeout=timeout)
    return code, term.text


_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def screen_lines(raw: str) -> list[str]:
    lines: list[str] = []
    current = ""
    i = 0
    text = raw.replace("\r\n", "\n")
    while i < len(text):
        match = _ESCAPE.match(text, i)
        if match:
            if match.group().endswith("K"):  # erase to the end of the line (the cursor is at 0 here)
                current = ""
            i = match.end()
            continue
        ch = text[i]
        if ch == "\n":
            lines.append(current)
            current = ""
        elif ch == "\r":
            current = ""
        else:
            current += ch
        i += 1
    if current:
        lines.append(current)
    return lines
