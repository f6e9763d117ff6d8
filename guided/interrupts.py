"""Short stretches that Ctrl-C (or SIGTERM, SIGHUP) must not cut in half.

Python raises ``KeyboardInterrupt`` wherever the main thread happens to be. While a
practice plays that is what stops it, and it should; but a stop landing inside the
session log's bookkeeping (a row inserted whose id was not yet noted, a round's
outcome not yet written) could write a row twice or mark a finished round as cut
off. ``held()`` keeps such a stretch whole: a stop signal that arrives inside it is
noted, and delivered to the handler that was there before as soon as the stretch
ends (or, with ``deliver=False``, only reported, for a caller that acts on it
itself). It works in the main thread; elsewhere Python delivers no signals, and
``held()`` does nothing.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

# SIGHUP does not exist on Windows.
HELD_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                     if hasattr(signal, name))


@dataclass
class Held:
    """The stop signals that arrived while the stretch ran, in order."""

    arrived: list[int] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.arrived)


@contextmanager
def held(deliver: bool = True) -> Iterator[Held]:
    """Run the block whole; deliver (or with ``deliver=False`` only report) any stop
    signal that came meanwhile."""
    caught = Held()
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def note(signum: int, frame: object) -> None:
        if signum not in caught.arrived:
            caught.arrived.append(signum)

    previous: dict[int, Any] = {}
    try:
        for signum in HELD_SIGNALS:
            if signal.getsignal(signum) == signal.SIG_IGN:
                continue  # ignored (a background job, nohup): it stays ignored
            previous[signum] = signal.signal(signum, note)
    except (ValueError, OSError):  # an embedding that does not let us: run unguarded
        pass
    except BaseException:  # a signal from before the stretch, raised by its own handler
        _restore(previous, note)
        raise
    try:
        yield caught
    finally:
        _restore(previous, note)
        if deliver:
            for signum in caught.arrived:
                signal.raise_signal(signum)  # to the handler that was there before


def _restore(previous: dict[int, Any], ours: Any) -> None:
    """Put every handler back, even when one that is already back raises on the way
    (Python runs pending handlers before switching one; a stop that came after the
    stretch ended is raised once all are back). A handler the block itself set is left
    as the block set it."""
    late: BaseException | None = None
    for signum, handler in previous.items():
        if signal.getsignal(signum) is not ours:
            continue
        # None: a handler set outside Python; the default is the nearest we can give back
        handler = signal.SIG_DFL if handler is None else handler
        for _attempt in range(10):
            try:
                signal.signal(signum, handler)
                break
            except BaseException as exc:  # noqa: BLE001 - raised below, once all are back
                late = late or exc
    if late is not None:
        raise late


_LEAVING = threading.Event()


def leave_at_once() -> None:
    """The process is about to end with ``os._exit`` (``guided.cli`` after a stop): no
    exit handler need wait for work that only interpreter shutdown could upset."""
    _LEAVING.set()


def leaving_at_once() -> bool:
    return _LEAVING.is_set()
