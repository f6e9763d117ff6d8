"""The listener's say over the sounds of a practice: the ambience bed and its level,
the bells, the breath tones (``--ambience``, ``--ambience-volume``, ``--bells``,
``--breath-tones`` and the settings of the same names).

Nothing here moves anything in time: a bed chosen or taken away only changes the
closing tail the plan adds for a bed's fade, and a bell or tone left out becomes a
silence of exactly its length, so speech, pauses, chapters and transcripts stay where
the script put them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from guided.script.model import AMBIENCES, Script
from guided.timeline.plan import BELL, SILENCE, TONE, Event, Timeline

OFF = "off"  # the listener's word for no bed (the script's word is "none")
AMBIENCE_CHOICES = (OFF, *(a for a in AMBIENCES if a != "none"))
VOLUME_RANGE = (0.0, 1.0)  # times the bed's own quiet level (1: as designed, 0: silent)


@dataclass(frozen=True)
class SoundChoice:
    """What the listener asked for; ``None`` leaves the script's choice."""

    ambience: str | None = None  # one of AMBIENCE_CHOICES
    volume: float | None = None  # the bed's level, 0-1
    bells: bool = True  # start, end and section bells
    breath_tones: bool = True

    def for_script(self, script: Script) -> Script:
        """``script`` with the listener's bed and level in place of its own."""
        changes: dict[str, object] = {}
        if self.ambience is not None:
            changes["ambience"] = "none" if self.ambience == OFF else self.ambience
        if self.volume is not None:
            changes["ambience_volume"] = float(self.volume)
        return replace(script, **changes) if changes else script  # type: ignore[arg-type]

    @property
    def muted(self) -> frozenset[str]:
        """The event kinds heard as silence."""
        return frozenset(kind for kind, on in ((BELL, self.bells), (TONE, self.breath_tones))
                         if not on)

    def events(self, events: Iterable[Event]) -> Iterator[Event]:
        """``events`` with each muted bell or tone turned into a silence of its length."""
        muted = self.muted
        for ev in events:
            yield replace(ev, kind=SILENCE, text="") if ev.kind in muted else ev

    def timeline(self, timeline: Timeline) -> Timeline:
        if not self.muted:
            return timeline
        return replace(timeline, events=tuple(self.events(timeline.events)))
