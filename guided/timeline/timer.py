"""A plain timer as a practice: a soft bell to begin, a bell at each interval, and a
bell whose sound ends exactly as the time is up; silence between (``guided timer``).

It is made as a ``Script`` of bells and pauses, so the player, the keys, the ratings,
the log and ``export`` treat it as any practice. Every bell and pause is placed on
whole samples from the start, so a 10-minute timer is 10:00.000 to the sample (an
ambience bed adds its closing fade after the end bell, as for any practice).
"""

from __future__ import annotations

import re

from guided.errors import GuidedError, Pos
from guided.i18n import catalogue_language, texts
from guided.samples import SAMPLE_RATE, seconds_to_samples
from guided.script.durations import format_clock, parse_duration
from guided.script.lengths import BELL_SECONDS
from guided.script.model import MAX_TOTAL_SECONDS, Bell, Pause, Script, Step

TIMER_BELL = "soft-bell"
MIN_TIMER_SECONDS = 10.0  # room for the first and the last bell, and a little quiet
MIN_INTERVAL_SECONDS = 10.0
TIMER_NAME = "timer"


def parse_length(text: str, option: str) -> float:
    """``10m``, ``1m30s``, ``90s``; a bare number is minutes (``guided timer 10``).
    Any mistake is one line naming ``option``."""
    value = text.strip()
    try:
        seconds = float(value) * 60 if re.fullmatch(r"\d+(\.\d+)?", value) else parse_duration(value)
    except ValueError as exc:
        raise GuidedError(f"{option}: {exc}") from None
    if seconds <= 0:
        raise GuidedError(f"{option}: a length of more than 0 is needed, such as 10m or 90s")
    return seconds


def timer_script(seconds: float, every: float | None = None,
                 language: str | None = None) -> Script:
    """The timer as a script. ``every`` (seconds) rings a bell at each interval from
    the start, while one still fits before the last bell. Its title and description
    are in ``language`` (it speaks no words), and so are the player's lines."""
    limit = format_clock(MAX_TOTAL_SECONDS)
    if seconds > MAX_TOTAL_SECONDS:
        raise GuidedError(f"a timer can last up to 4 hours ({limit}); "
                          f"{format_clock(seconds)} is longer")
    if seconds < MIN_TIMER_SECONDS:
        raise GuidedError(f"a timer needs at least {MIN_TIMER_SECONDS:g} seconds, "
                          "to hold its first and last bell")
    if every is not None and every > seconds:
        raise GuidedError(f"--bell-every {format_clock(every)} is longer than the timer "
                          f"({format_clock(seconds)}); choose a shorter interval, or leave it out")
    if every is not None and every < MIN_INTERVAL_SECONDS:
        raise GuidedError(f"--bell-every needs at least {MIN_INTERVAL_SECONDS:g} seconds "
                          "between bells, so each can ring out")
    pos = Pos(TIMER_NAME)
    total = seconds_to_samples(seconds)
    bell = seconds_to_samples(BELL_SECONDS[TIMER_BELL])
    starts = [0]
    if every is not None:
        step = seconds_to_samples(every)
        k = 1
        while k * step + bell <= total - bell:
            starts.append(k * step)
            k += 1
    starts.append(total - bell)
    steps: list[Step] = []
    cursor = 0
    for start in starts:
        if start > cursor:
            steps.append(Pause((start - cursor) / SAMPLE_RATE, pos))
        steps.append(Bell(TIMER_BELL, pos))
        cursor = start + bell
    _ = texts(language)
    clock = format_clock(seconds)
    described = (_("A silent timer of {clock}, a bell every {every}.").format(
        clock=clock, every=format_clock(every)) if every else
        _("A silent timer of {clock}.").format(clock=clock))
    return Script(title=_("Quiet time, {clock}").format(clock=clock), steps=tuple(steps),
                  name=TIMER_NAME, description=described, pos=pos,
                  language=catalogue_language(language),  # no voice needed: it says nothing
                  source_hash=f"timer:{total}:{seconds_to_samples(every) if every else 0}")
