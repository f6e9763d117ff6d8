"""Durations as written in scripts: ``5``, ``2.5``, ``500ms``, ``5s``, ``2m``, ``1m30s``."""

from __future__ import annotations

import math
import re

# The one grammar of a duration written as text, for the loader (``parse_duration``) and
# the editor schema (``guided.script.schema``): a number of seconds, or "<number><unit>"
# parts in the order h, m, s, ms, spaces allowed between them ("1m30s", "1m 30s").
# No signs, exponents or underscores ("1e3" is refused by both, not 1000 s to one).
NUMBER = r"(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"  # ASCII digits, as JSON Schema (ECMA) reads \d
DURATION_PATTERN = (
    rf"^\s*(?:{NUMBER}|(?=\S)(?:{NUMBER}\s*h\s*)?(?:{NUMBER}\s*m(?!s)\s*)?(?:{NUMBER}\s*s\s*)?"
    rf"(?:{NUMBER}\s*ms)?)\s*$"
)
_WHOLE = re.compile(DURATION_PATTERN)
_PART = re.compile(rf"\s*({NUMBER})\s*(ms|s|m|h)")  # "1m 30s" as "1m30s"


def parse_duration(value: object) -> float:
    """Return seconds for a duration value; raise ``ValueError`` with a user-facing reason.

    Numbers are seconds. Strings are one or more ``<number><unit>`` parts with units
    ``h``, ``m``, ``s`` or ``ms`` in decreasing order (``1m30s``), or a bare number.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError("expected a duration such as 5, 2.5, '500ms', '5s', '2m' or '1m30s'")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        seconds = _parse_text(value.strip())
    else:
        raise ValueError("expected a duration such as 5, 2.5, '500ms', '5s', '2m' or '1m30s'")
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"duration must be zero or more seconds, got {value!r}")
    return seconds


_ORDER = {"h": 0, "m": 1, "s": 2, "ms": 3}
_SCALE = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def _parse_text(text: str) -> float:
    bad = ValueError(
        f"bad duration {text!r}: use seconds (5, 2.5) or units like '500ms', '5s', '2m', '1m30s'"
    )
    if not text or not _WHOLE.match(text):  # the schema's own pattern: one grammar
        raise bad
    if re.fullmatch(NUMBER, text):
        return float(text)
    pos = 0
    total = 0.0
    last = -1
    for match in _PART.finditer(text):
        if match.start() != pos:
            raise bad
        unit = match.group(2)
        if _ORDER[unit] <= last:
            raise bad
        last = _ORDER[unit]
        total += float(match.group(1)) * _SCALE[unit]
        pos = match.end()
    if pos != len(text) or last < 0:
        raise bad
    return total


def format_clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for previews and progress bars."""
    seconds = max(0, int(round(seconds))) if math.isfinite(seconds) else 0
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_timestamp(ms: int, sep: str = ".") -> str:
    """``HH:MM:SS.mmm`` from whole milliseconds, as WebVTT and Vorbis chapters write
    time (SubRip uses ``sep=","``)."""
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def format_length(seconds: float) -> str:
    """A length as a person reads it, the one way guided writes lengths everywhere:
    ``0:45``, ``6:05``, ``1:02:30`` (the same as ``format_clock``)."""
    return format_clock(seconds)
