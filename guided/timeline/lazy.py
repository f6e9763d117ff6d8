"""The timeline planned as it is needed, for playing: ``LazyPlan`` remembers the events
``iter_plan`` yields so the player can look back (captions, ``b``) and plan ahead only
as far as it must (``n``); ``resolve_section`` turns ``--from SECTION`` into a section.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator

from guided.errors import GuidedError
from guided.timeline.plan import SECTION, Event, Timeline


class LazyPlan:
    """Events from ``iter_plan`` remembered as they are planned, so the player can look
    back (captions, ``b``) and plan ahead only as far as needed (``n``).

    Extended only by the render thread; the main thread only reads ``events``."""

    def __init__(self, source: Iterator[Event]):
        self.events: list[Event] = []
        self._starts: list[int] = []
        self._source = source
        self.done = False
        self.on_event: Callable[[Event], None] | None = None

    def _extend(self) -> bool:
        if self.done:
            return False
        ev = next(self._source, None)
        if ev is None:
            self.done = True
            return False
        if self.on_event:
            self.on_event(ev)
        self._starts.append(ev.start)
        self.events.append(ev)
        return True

    def iter_from(self, index: int = 0) -> Iterator[Event]:
        i = index
        while i < len(self.events) or self._extend():
            yield self.events[i]
            i += 1

    @property
    def length(self) -> int:
        return self.events[-1].end if self.events else 0

    def event_at(self, sample: int) -> Event | None:
        """The sounding event (not a section marker) playing at ``sample``, among those known."""
        i = bisect.bisect_right(self._starts, sample) - 1
        while i >= 0:
            ev = self.events[i]
            if ev.kind != SECTION:
                return ev if ev.start <= sample < ev.end else None
            i -= 1
        return None

    def section_start(self, sample: int) -> int:
        """Start of the section playing at ``sample`` (0 before the first section)."""
        i = bisect.bisect_right(self._starts, sample) - 1
        for ev in reversed(self.events[: i + 1]):
            if ev.kind == SECTION:
                return ev.start
        return 0

    def next_section(self, sample: int) -> int | None:
        """Start of the first section after ``sample``, planning ahead as needed; None at the end."""
        i = bisect.bisect_right(self._starts, sample)
        for ev in self.iter_from(i):
            if ev.kind == SECTION and ev.start > sample:
                return ev.start
        return None


def resolve_section(timeline: Timeline, query: str) -> tuple[int, str]:
    """``--from SECTION``: a 1-based section number or a (case-insensitive) title, or
    the start of one title.

    Returns (ordinal, title); a miss is a one-line error naming the sections, and so is
    a start that several titles share (unless one title is exactly what was given)."""
    titles = [ev.text for ev in timeline.events if ev.kind == SECTION]
    if not titles:
        raise GuidedError(f"'{timeline.title}' has no sections to start from")
    q = query.strip()
    if q.isdigit() and 1 <= int(q) <= len(titles):
        return int(q), titles[int(q) - 1]
    for wanted in (lambda t: t.lower() == q.lower(), lambda t: t.lower().startswith(q.lower())):
        found = [(i, title) for i, title in enumerate(titles, start=1) if wanted(title)]
        if len(found) == 1:
            return found[0]
        if found:
            listed = ", ".join(f"{i} {t}" for i, t in found)
            raise GuidedError(f"--from {query!r} could be more than one section: {listed}; "
                              "give its number or more of its title")
    listed = ", ".join(f"{i} {t}" for i, t in enumerate(titles, start=1))
    raise GuidedError(f"no section {query!r}; the sections are: {listed}")
