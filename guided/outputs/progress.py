"""One progress line with the time left, for work that takes a while (`guided bundle`,
`guided export --all`).

On a terminal the bar is one line on stderr, redrawn in place. While it is shown, anything
else written to stdout or stderr (``Progress.echo``, ``click.echo``, a note from the speech
engine) first clears the bar's line, goes on a line of its own, and the bar is drawn again
below it, so a message is never glued to the bar. When stderr is not a terminal there is
no bar, only the messages.

Work is counted in *units* (the exports use seconds of audio); each piece of work
reports the fraction of its units done, from any thread.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import IO

from guided.script.durations import format_clock

BAR_WIDTH = 20
REDRAW_SECONDS = 0.2
SETTLE_SECONDS = 3.0  # no estimate of the time left until the work has run this long
CLEAR = "\r\x1b[K"


class Progress:
    """A progress bar with the time left; a context manager that finishes the line."""

    def __init__(self, total: float, label: str = "", *, stream: IO[str] | None = None,
                 enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = max(float(total), 1e-9)
        self.label = label
        self._parts: dict[object, float] = {}  # units done of each piece of work
        self._lock = threading.RLock()
        self._started = time.monotonic()
        self._drawn = 0.0
        self._showing = False

    # -- counting

    @property
    def done(self) -> float:
        return min(self.total, sum(self._parts.values()))

    def set(self, part: object, units_done: float) -> None:
        """Record that ``units_done`` units of the piece of work ``part`` are done."""
        with self._lock:
            self._parts[part] = max(0.0, units_done)
            self._draw()

    def relabel(self, label: str) -> None:
        with self._lock:
            self.label = label
            self._draw(force=True)

    def time_left(self) -> float | None:
        """Seconds left at the pace so far; None until there is enough to go on."""
        elapsed = time.monotonic() - self._started
        done = self.done
        if elapsed < SETTLE_SECONDS or done <= 0:
            return None
        return max(0.0, elapsed * (self.total - done) / done)

    # -- output

    def echo(self, message: str, *, err: bool = False) -> None:
        """Print ``message`` on its own line, above the bar (stdout unless ``err``)."""
        with self._lock:
            out = sys.stderr if err else sys.stdout
            out.write(message + "\n")
            out.flush()

    def line(self) -> str:
        fraction = self.done / self.total
        filled = int(round(fraction * BAR_WIDTH))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        left = self.time_left()
        if fraction >= 1 or left is None or left < 0.5:
            when = ""
        else:
            when = f"  about {format_clock(left)} left"
        text = f"[{bar}] {fraction:4.0%}{when}"
        label = self.label
        room = shutil.get_terminal_size((80, 24)).columns - len(text) - 3
        if room < 8:
            return text[: max(room + len(text), 0)]
        if len(label) > room:
            label = label[: room - 1] + "…"
        return f"{label}  {text}" if label else text

    def _install(self) -> None:
        """Route stdout and stderr through guards that keep messages off the bar's line."""
        self._saved: tuple[IO[str], IO[str]] | None = (sys.stdout, sys.stderr)
        sys.stdout = _Guard(sys.stdout, self)
        sys.stderr = _Guard(sys.stderr, self)

    def _uninstall(self) -> None:
        saved = getattr(self, "_saved", None)
        if saved is not None:
            sys.stdout, sys.stderr = saved
            self._saved = None

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._drawn < REDRAW_SECONDS:
            return
        self._drawn = now
        self.stream.write(CLEAR + self.line())
        self.stream.flush()
        self._showing = True

    def _clear(self) -> None:
        if self.enabled and self._showing:
            self.stream.write(CLEAR)
            self.stream.flush()
            self._showing = False

    def finish(self, *, complete: bool = True) -> None:
        """End the bar's line: full when the work is complete, else cleared away."""
        with self._lock:
            if not self.enabled:
                return
            self._uninstall()
            if complete:
                self._parts = {"all": self.total}
                self.stream.write(CLEAR + self.line() + "\n")
                self.stream.flush()
                self._showing = False
            else:
                self._clear()
            self.enabled = False  # nothing more is drawn after the end

    def __enter__(self) -> Progress:
        if self.enabled:
            self._install()
        self._draw(force=True)
        return self

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        self.finish(complete=exc_type is None)


class ExportTracker:
    """Moves a ``Progress`` along for several exports, numbered from 1: each practice
    weighs its estimated length, half for making its clips and half for its audio.
    ``clips(n)`` and ``audio(n, seconds)`` are the callbacks for ``prepare`` and
    ``export_timeline``; they may be called from any thread."""

    def __init__(self, progress: Progress | None, scripts: list, pace: float | None):
        from dataclasses import replace

        from guided.script.lengths import estimate_seconds

        self.progress = progress
        self.weights = {n: max(1.0, estimate_seconds(replace(s, pace=pace) if pace else s))
                        for n, s in enumerate(scripts, 1)}
        self.clip_part: dict[int, float] = {}
        if progress is not None:
            progress.total = sum(self.weights.values())

    def clips(self, n: int):
        def on_clips(done: int, total: int) -> None:
            self.clip_part[n] = done / total if total else 1.0
            self._set(n, 0.5 * self.clip_part[n])
        return on_clips

    def audio(self, n: int, seconds: float):
        done = [0.0]

        def on_audio(block_seconds: float) -> None:
            done[0] += block_seconds
            # export_timeline reports every block twice: once rendered, once encoded
            self._set(n, 0.5 + 0.5 * min(1.0, done[0] / max(2 * seconds, 1e-9)))
        return on_audio

    def _set(self, n: int, fraction: float) -> None:
        if self.progress is not None:
            self.progress.set(n, fraction * self.weights[n])


class _Guard:
    """A text stream that clears the progress line before passing writes on, and draws
    the bar again once a line is complete."""

    def __init__(self, inner: IO[str], progress: Progress):
        self._inner = inner
        self._progress = progress

    def write(self, text: str) -> int:
        with self._progress._lock:
            self._progress._clear()
            written = self._inner.write(text)
            if text.endswith("\n"):
                self._inner.flush()
                self._progress._draw(force=True)
            return written

    def flush(self) -> None:
        self._inner.flush()

    def __getattr__(self, name: str):
        return getattr(self._inner, name)
