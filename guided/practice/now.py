"""``guided now``: which practices fit this moment. A practice says what it suits in
its ``fits:`` key (the distress levels, and why); the ones whose range holds the
listener's level and whose length fits the time they have are offered, the closest
fit first. High distress is met with short, eyes-open, outward practices because
that is what the built-in library's ``fits:`` says, not because of a rule here.
A translation's ``fits:`` may give only its ``why:``; the levels are then its
original's (``levels``), written once for every language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from guided.script.lengths import estimate_seconds
from guided.script.library import Entry, iter_library, listed, name_key, other_languages
from guided.script.model import Script

MAX_OFFERED = 3
TIME_SLACK = 1.1  # a practice up to a tenth longer than the time given still fits
HIGH_DISTRESS = 6  # from here on, after a practice, a calm line offers more support
MINUTES_RANGE = (0.5, 240.0)


@dataclass(frozen=True)
class Suggestion:
    name: str
    title: str
    seconds: float
    why: str
    longer: bool = False  # longer than the time given (offered when nothing shorter fits)

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["seconds"] = round(self.seconds, 1)
        return data


def suggestions(level: int, minutes: float, entries: list[Entry] | None = None,
                language: str | None = None) -> list[Suggestion]:
    """Up to ``MAX_OFFERED`` practices for ``level`` (0-10) and ``minutes``: those whose
    ``fits:`` holds the level and that last no longer than the time (give or take a
    tenth), the closest fit first; when fewer than two are short enough, the shortest
    others that fit the level make up two, marked ``longer``. Only practices in
    ``language`` are offered; without one, those `guided list` shows (yours and the
    English built-in ones)."""
    everything = iter_library() if entries is None else entries
    by_name = originals(everything)
    fitting: list[tuple[float, float, Suggestion]] = []
    for entry in listed(everything, language):
        script = entry.script
        found = None if script is None else levels(script, by_name)
        if script is None or script.fits is None or found is None or not found[0] <= level <= found[1]:
            continue
        seconds = estimate_seconds(script)
        middle = (found[0] + found[1]) / 2
        why = script.fits.why or script.description
        fitting.append((abs(level - middle), seconds,
                        Suggestion(entry.name, script.title, seconds, why)))
    room = minutes * 60 * TIME_SLACK
    inside = sorted((item for item in fitting if item[1] <= room), key=lambda i: (i[0], i[1]))
    offered = [item[2] for item in inside[:MAX_OFFERED]]
    longer = sorted((item for item in fitting if item[1] > room), key=lambda i: i[1])
    offered += [Suggestion(s.name, s.title, s.seconds, s.why, longer=True)
                for _, _, s in longer[:max(0, 2 - len(offered))]]
    return offered


def languages_offered(entries: list[Entry], language: str | None) -> str | None:
    """None when ``language`` (or English, for None) has practices among ``entries``; else
    the languages that do, as a message lists them (``en, de, es, fr, it``)."""
    if language is None or listed(entries, language):
        return None
    return ", ".join(["en", *other_languages(entries)])


def originals(entries: list[Entry] | None = None) -> dict[str, Script]:
    """The practices a translation's ``original:`` may name, by ``name_key``."""
    found = iter_library() if entries is None else entries
    return {name_key(e.name): e.script for e in found if e.script is not None}


def levels(script: Script, by_name: dict[str, Script]) -> tuple[int, int] | None:
    """The distress levels ``script`` suits: its own ``fits:``, or, for a translation
    that gives only ``why:``, those of its original (found by name among ``by_name``,
    yours first as names are looked up); None when it says none."""
    if script.fits is None:
        return None
    if script.fits.levels is not None or not script.original:
        return script.fits.levels
    original = by_name.get(name_key(script.original))
    if original is None or original.fits is None or original is script:
        return None
    return original.fits.levels
