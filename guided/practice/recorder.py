"""The listening session as the log keeps it, built by ``guided play`` and
``guided journey today --play`` and handed to the player.

The player tells it three things: the first sound (the row is written then, outcome
``interrupted`` until told otherwise), how long has been listened (saved every
``SAVE_EVERY`` seconds, and at once on pause), and how it ended. What the player does
not know, the recorder adds: the distress rating before, the journey and its day.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from guided.interrupts import held
from guided.outcomes import Outcome
from guided.practice.sessionlog import SessionStart

if TYPE_CHECKING:
    from guided.practice.practicelog import PracticeLog
    from guided.practice.sessionlog import SessionLog

SAVE_EVERY = 2.0  # seconds between refreshes of listened_seconds in the log


@dataclass(frozen=True)
class Playing:
    """What is being played, as the recorder is told at the first sound."""

    script: str  # the name, or the file it came from
    title: str
    content_hash: str
    voice: str
    engine: str
    rate: int | None
    planned_seconds: float
    origin: str | None = None  # PlayOptions.origin


class Recorder(Protocol):
    """What the player tells about the listening session (``guided.outputs.player``
    calls it; ``SessionRecorder`` keeps the session in the log)."""

    def begin(self, playing: Playing) -> None: ...

    def progress(self, listened_seconds: float, now: bool = False) -> None: ...

    def finish(self, outcome: Outcome, listened_seconds: float, planned_seconds: float) -> None: ...


class SessionRecorder:
    """Writes one row per playing into ``log``; ``session_id`` is the last row written."""

    def __init__(self, log: SessionLog | PracticeLog, *, distress_before: int | None = None,
                 journey: str | None = None, journey_day: int | None = None):
        self.log = log
        self.distress_before = distress_before
        self.journey = journey
        self.journey_day = journey_day
        self.session_id: int | None = None
        self._last_save = 0.0

    def begin(self, playing: Playing) -> None:
        with held():  # a Ctrl-C here comes after the row and its id are both noted
            self._begin(playing)

    def _begin(self, playing: Playing) -> None:
        self.session_id = None  # never the last round's row, whatever happens next
        self.session_id = self.log.start(SessionStart(
            script=playing.script, title=playing.title, content_hash=playing.content_hash,
            voice=playing.voice, engine=playing.engine, rate=playing.rate,
            planned_seconds=playing.planned_seconds, distress_before=self.distress_before,
            journey=self.journey, journey_day=self.journey_day, origin=playing.origin))
        self._last_save = time.monotonic()

    def progress(self, listened_seconds: float, now: bool = False) -> None:
        clock = time.monotonic()
        if self.session_id is None or (not now and clock - self._last_save < SAVE_EVERY):
            return
        self._last_save = clock
        self.log.progress(self.session_id, listened_seconds)  # each write is whole (PracticeLog)

    def finish(self, outcome: Outcome, listened_seconds: float, planned_seconds: float) -> None:
        if self.session_id is not None:
            self.log.finish(self.session_id, outcome, listened_seconds, planned_seconds)
