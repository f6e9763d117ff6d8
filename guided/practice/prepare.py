"""The shared "prepare" step: script → synthesized clips → exact timeline.

Export, bundles and previews all start here::

    with prepare("grounding", Chosen(cache, variables={"name": "Sam"})) as prep:
        for block in render(prep.timeline.events, prep.speaker, ambience=prep.script.ambience):
            ...
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from guided.practice.chosen import Chosen
from guided.script.lengths import speaking_rate
from guided.script.model import Script
from guided.speech.base import SpeechSettings
from guided.speech.choice import VoiceChoice, settle
from guided.speech.speaker import Speaker
from guided.timeline.plan import Timeline, plan


@dataclass
class Prepared:
    """A loaded script, a speaker whose cache holds every clip, and the exact timeline."""

    script: Script
    speaker: Speaker
    timeline: Timeline
    owns_speaker: bool = True  # False when the caller lent its own speaker

    def close(self) -> None:
        if self.owns_speaker:
            self.speaker.close()

    def __enter__(self) -> Prepared:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load(ref: str | Path | Script) -> Script:
    """A script from a library name, a path, or an already loaded ``Script``."""
    if isinstance(ref, Script):
        return ref
    from guided.script.library import load as library_load

    return library_load(str(ref))


def speech_settings(script: Script, voice: VoiceChoice | str | None = None) -> SpeechSettings:
    """Settings for this script: the command's ``VoiceChoice`` (or a plain voice id)
    settled with the script's voice and language (``guided.speech.choice.settle``);
    the choice's rate (``--rate``) wins over the script's, else the default."""
    choice = voice if isinstance(voice, VoiceChoice) else VoiceChoice(voice=voice)
    warn = choice.warn
    return settle(choice, language=script.language or "en", script_voice=script.voice,
                  rate=speaking_rate(script, choice.rate),
                  warn=(lambda line: warn(f"{script.place('voice')}: warning: {line}")) if warn else None)


class Speakers:
    """One ``Speaker`` per voice and rate, shared by the practices that use it (safe to
    call from several threads); ``close`` closes them all. For exporting many practices
    with one command's ``Chosen``."""

    def __init__(self, chosen: Chosen):
        self._voice, self._cache = chosen.voice, chosen.cache
        self._lock = threading.Lock()
        self._speakers: dict[SpeechSettings, Speaker] = {}

    def for_script(self, script: Script) -> Speaker:
        settings = speech_settings(script, self._voice)
        with self._lock:
            if settings not in self._speakers:
                self._speakers[settings] = Speaker(settings, self._cache)
            return self._speakers[settings]

    def close(self) -> None:
        with self._lock:
            speakers, self._speakers = list(self._speakers.values()), {}
        for speaker in speakers:
            speaker.close()

    def __enter__(self) -> Speakers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def prepare(
    ref_or_script: str | Path | Script,
    chosen: Chosen,
    *,
    progress: Callable[[int, int], None] | None = None,
    speaker: Speaker | None = None,
) -> Prepared:
    """Load the script, synthesize the clips it needs, and plan it exactly.

    ``chosen`` holds the voice, pace, variables and cache folder (``Chosen``, from the
    command line). ``progress(done, total)`` is called as clips become ready. Pass a
    ``speaker`` to reuse one (its settings are used; the caller closes it).
    """
    variables, pace = chosen.variables, chosen.pace
    script = load(ref_or_script)
    owns = speaker is None
    if speaker is None:
        speaker = Speaker(speech_settings(script, chosen.voice), chosen.cache)
    settings = speaker.settings
    try:
        # A first plan with what the cache already knows tells which texts are needed
        # (breath cue words included); then every length is real.
        first = plan(script, variables=variables, pace=pace, rate=settings.rate,
                     measure=speaker.cached_length)
        texts = first.speech_texts()
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            if progress:
                progress(done[0], len(texts))

        speaker.ensure(texts, step)
        timeline = plan(script, variables=variables, pace=pace, rate=settings.rate,
                        measure=speaker.measure)
    except BaseException:
        if owns:
            speaker.close()
        raise
    from guided.practice.known_lengths import remember_timeline

    remember_timeline(timeline, chosen.voice, chosen.cache)  # for `guided list`
    return Prepared(script, speaker, timeline, owns)
