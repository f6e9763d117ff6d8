"""Lengths as the listing commands show them: real once a practice has been heard or
exported (``guided.practice.known_lengths``), estimated and marked ``~`` before; and
the real clip lengths ``preview`` reads from the cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from guided.errors import GuidedError

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen
    from guided.practice.known_lengths import Lengths
    from guided.script.model import Script
    from guided.timeline.plan import Measure

ESTIMATED_NOTE = ("~ estimated from the words; the length is exact once the practice has "
                  "been played or exported.")


def listing_lengths() -> Lengths:
    """Each practice's length as `guided play` would last with your settings (voice,
    rate, pace, background): the real one once noted, else the estimate. Reads your
    settings and the note of lengths once; starts no speech engine."""
    from guided.commands.common import env_engine, voice_choice
    from guided.paths import cache_dir  # `guided list` has no --cache-dir: the default folder
    from guided.practice.known_lengths import Lengths
    from guided.preferences import load_preferences

    try:
        prefs = load_preferences()
        voice = replace(voice_choice(env_engine(), None, prefs.rate), announce=None, warn=None)
    except GuidedError:  # a wrong GUIDED_ENGINE or a damaged settings file is for play to say;
        return Lengths(None, cache_dir())  # a listing still lists, with the estimates
    return Lengths(voice, cache_dir(), rate=prefs.rate, pace=prefs.pace, ambience=prefs.ambience)


def shown_length(lengths: Lengths, script: Script) -> str:
    """``6:34`` when real, ``~6:44`` when estimated."""
    from guided.script.durations import format_length

    seconds, exact = lengths.of(script)
    return ("" if exact else "~") + format_length(seconds)


def cached_lengths(script: Script, chosen: Chosen) -> tuple[Measure | None, Callable[[], None]]:
    """Read real clip lengths from the chosen clip cache (the same voice and rate `play`
    uses); without a usable speech stack, (None, no-op) and the preview estimates."""
    try:
        from guided.practice.prepare import speech_settings
        from guided.speech.speaker import Speaker

        speaker = Speaker(speech_settings(script, chosen.voice), chosen.cache)
    except ImportError:
        return None, lambda: None
    except GuidedError:
        if getattr(chosen.voice, "voice", None):  # a --voice not here: one line, as play says
            raise
        return None, lambda: None

    def measure(text: str) -> int | None:
        try:
            return speaker.cached_length(text)
        except (GuidedError, OSError):
            return None

    return measure, speaker.close
