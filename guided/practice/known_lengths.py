"""How long a practice really lasts, once it has been heard or exported.

``guided list`` used to estimate every length from the words (grounding: 6:44), while
``preview`` and the export, which know the real length of every clip, said 6:34. Asking
the clip cache from ``list`` means settling each practice's voice, which starts a
speech engine: too heavy for a listing. So whenever ``play``, ``export``, ``bundle``
or ``preview`` has the exact timeline of a practice, it notes its length in a small
record in the clip cache folder, ``lengths.json``::

    {"format": 1, "lengths": {"<sha256 of what decides the length>": 394.12, ...}}

The key is the sha256 of what decides the length: the practice file's own hash (with
its includes) and the practice's name and title (a Markdown programme's tracks share
one file), whether a bed's closing tail is added, the voice as asked for (engine,
``--voice``, the settings' voice), the speaking rate, the pace and the variables.
``list`` builds the same key from your settings and shows the real length where one is
noted, and the estimate, marked as one, where not.

The record is guided's own file, read through ``guided.doors.keptfile``: a link, a pipe,
a folder, a file too big or not JSON as guided writes it is passed over (the estimate is
shown) and never breaks a command. It keeps the newest ``MAX_ENTRIES`` lengths; it is
replaced whole (``guided.atomic``) under its lock, and only where a regular file (or
nothing) stands, so nothing else at that place is ever written over.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from guided.atomic import changing, write_atomic
from guided.errors import GuidedError
from guided.script.lengths import estimate_seconds, speaking_rate
from guided.script.model import MAX_TOTAL_SECONDS, Script
from guided.script.placeholders import merged_variables
from guided.speech.choice import VoiceChoice
from guided.timeline.plan import Timeline

FILE_NAME = "lengths.json"
FORMAT = 1
MAX_ENTRIES = 2000  # a key and a length are ~80 bytes: 160 KiB at most
MAX_BYTES = 512 * 1024
_ADVICE = "it is only a note of lengths; guided writes it again"


def record_path(cache_dir: Path) -> Path:
    """The note of lengths in the clip cache folder the command line chose."""
    from guided.doors.keptfile import kept_path

    return kept_path(Path(cache_dir), FILE_NAME)


def length_key(script: Script, voice: VoiceChoice | str | None, *, rate: int, pace: float,
               variables: Mapping[str, str]) -> str | None:
    """The key of one practice's length as heard (None for a practice with no file)."""
    if not script.source_hash:
        return None
    choice = voice if isinstance(voice, VoiceChoice) else VoiceChoice(voice=voice)
    parts = {
        "script": script.source_hash,
        # a programme's tracks share their file's hash: the track tells them apart
        "name": script.name, "title": script.title,
        "tail": script.ambience != "none",
        "engine": choice.engine, "voice": choice.voice, "settings_voice": choice.settings_voice,
        "several": bool(choice.several and choice.voice),  # it only changes what --voice means
        "rate": int(rate), "pace": round(float(pace), 6),
        "variables": sorted((str(k), str(v)) for k, v in variables.items()),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode("utf-8")).hexdigest()


def timeline_key(timeline: Timeline, voice: VoiceChoice | str | None) -> str | None:
    return length_key(timeline.script, voice, rate=timeline.rate, pace=timeline.pace,
                      variables=timeline.variables)


def remember(key: str | None, seconds: float, cache_dir: Path) -> None:
    """Note ``seconds`` as the real length for ``key``. Never raises for the record's
    sake: a folder that cannot be written, a lock held too long, something that is not
    guided's record at its place — the length is simply not noted."""
    if key is None or not _plausible(seconds):
        return
    try:
        path = record_path(cache_dir)
        if not path.parent.is_dir():
            return
        with changing(path, "the note of practice lengths"):
            try:
                info = os.lstat(path)
                if not stat.S_ISREG(info.st_mode):
                    return  # a link, a pipe, a folder: not ours to replace
            except FileNotFoundError:
                pass
            lengths = dict(_read(path))
            lengths.pop(key, None)  # the newest last, so the oldest go first
            lengths[key] = round(float(seconds), 2)
            while len(lengths) > MAX_ENTRIES:
                del lengths[next(iter(lengths))]
            write_atomic(path, json.dumps({"format": FORMAT, "lengths": lengths},
                                          separators=(",", ":")) + "\n")
    except (GuidedError, OSError, ValueError):
        return


def remember_timeline(timeline: Timeline, voice: VoiceChoice | str | None,
                      cache_dir: Path) -> None:
    """Note an exact timeline's length (an estimated one is not noted)."""
    if timeline.exact:
        remember(timeline_key(timeline, voice), timeline.seconds, cache_dir)


def recall(cache_dir: Path) -> Mapping[str, float]:
    """Every noted length; empty when there is no record or it cannot be used."""
    try:
        return _read(record_path(cache_dir))
    except (GuidedError, OSError, ValueError):
        return {}


class Lengths:
    """A practice's length as ``play`` would last with your settings: the noted real one
    (exact), else the estimate from the words. Reads the record once."""

    def __init__(self, voice: VoiceChoice | None, cache_dir: Path, *, rate: int | None = None,
                 pace: float | None = None, ambience: str | None = None):
        self.voice, self.rate, self.pace, self.ambience = voice, rate, pace, ambience
        self.known = recall(cache_dir) if voice is not None else {}

    def of(self, script: Script) -> tuple[float, bool]:
        """(seconds, exact)."""
        from dataclasses import replace

        as_heard = replace(script, rate=speaking_rate(script, self.rate),
                           pace=script.pace if self.pace is None else self.pace,
                           ambience=self._ambience(script))
        key = length_key(as_heard, self.voice, rate=as_heard.rate or 0, pace=as_heard.pace,
                         variables=merged_variables(script, None)) if self.known else None
        if key is not None and key in self.known:
            return self.known[key], True
        return estimate_seconds(as_heard), False

    def _ambience(self, script: Script) -> str:
        if self.ambience is None:
            return script.ambience
        return "none" if self.ambience == "off" else self.ambience


def _read(path: Path) -> dict[str, float]:
    from guided.doors.keptfile import Damaged, read_kept_json

    try:
        data = read_kept_json(path, advice=_ADVICE, max_bytes=MAX_BYTES, max_depth=4)
    except Damaged:
        return {}
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return {}
    found = data.get("lengths")
    if not isinstance(found, dict):
        return {}
    return {k: float(v) for k, v in found.items()
            if isinstance(k, str) and len(k) == 64 and isinstance(v, (int, float))
            and not isinstance(v, bool) and _plausible(v)}


def _plausible(seconds: float) -> bool:
    # compared before any float(): a whole number of 400 digits (JSON allows it) is
    # simply implausible, never an OverflowError
    return 0 < seconds <= MAX_TOTAL_SECONDS + 60 and math.isfinite(seconds)
