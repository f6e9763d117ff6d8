"""``play_script``: one practice played once, from planning to the last block.

The speech of the whole practice is prefetched in order in the background; the
timeline is planned lazily (``LazyPlan`` over ``iter_plan`` with the speaker's real
clip lengths); a ``Renderer`` thread keeps a few blocks ahead; the ``Playback`` loop
on the main thread writes them to the device, reads keys and draws the screen.

What happens to the listening session (a row in the log, a journey day, ratings) is
not the player's business: the command hands in a ``Recorder`` and the player only
tells it when the first sound is heard, how far listening got, and how it ended.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from guided.audio.device import OutputDevice, check_output
from guided.errors import AudioDeviceError
from guided.interrupts import held
from guided.outcomes import INTERRUPTED, REACHED_END, Outcome
from guided.practice.recorder import Playing, Recorder
from guided.samples import BLOCK_SIZE, SAMPLE_RATE
from guided.script.model import Script
from guided.timeline.lazy import LazyPlan, resolve_section
from guided.timeline.plan import BELL, SECTION, SPEECH, TONE, Event, Timeline

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen


SPEECH_LEAD_SECONDS = 2.0  # a first sound this long before any words (a bell) plays at once


@dataclass(frozen=True)
class PlayOptions:
    """One playing: what the command chose (``Chosen``: voice, pace, variables, sounds,
    the clip cache) and how this playing goes."""

    chosen: Chosen
    device: str | int | None = None  # the output device found (``check_output``)
    start_section: str | None = None  # number or title (--from)
    interactive: bool = False  # captions, progress and keys (a terminal on both ends)
    origin: str | None = None  # for the log: 'now' or 'timer' when started from there


@dataclass
class PlayResult:
    outcome: Outcome
    listened_seconds: float
    planned_seconds: float
    late_stop: bool = False  # Ctrl-C or SIGTERM came while the ending was being written down

    @property
    def stop_wanted(self) -> bool:
        """The listener asked to stop: no next round, no more questions."""
        return self.outcome == INTERRUPTED or self.late_stop


@dataclass
class Rounds:
    """The rounds of one `guided play --loop`, counted by the player as each is written
    down (so a Ctrl-C on the way back from ``play_script`` loses none of them)."""

    count: int = 0  # rounds that were heard
    listened_seconds: float = 0.0  # as the log keeps them (to the hundredth), so the two agree


@dataclass
class Prepared:
    """A practice's speech, already being made: its speaker, the estimate of the whole
    practice (real lengths where clips are cached) and where playing starts."""

    speaker: Any  # guided.speech.speaker.Speaker
    estimate: Timeline
    start_ordinal: int
    texts: list[str]  # the speech from the starting section on, in order
    later: list[str] = field(default_factory=list)  # to make once the first sound is heard

    def close(self) -> None:
        self.speaker.close()


def prepare(script: Script, options: PlayOptions) -> Prepared:
    """Start making the speech of ``script`` in the background, in the order it is heard,
    without saying anything yet. ``guided play`` calls this as soon as the script is
    loaded, so that the first clip is being made while the device and the log open.
    The caller closes the result (``play_script`` does when it is handed one)."""
    from guided.practice.prepare import speech_settings
    from guided.speech.speaker import Speaker
    from guided.timeline.plan import plan

    chosen = options.chosen
    speaker = Speaker(speech_settings(script, chosen.voice), chosen.cache)
    settings = speaker.settings
    try:
        # A quick estimate of the whole practice (real lengths where clips are cached):
        # for the progress bar, the speech to prefetch, and --from.
        estimate = plan(script, variables=chosen.variables, pace=chosen.pace,
                        rate=settings.rate, measure=speaker.cached_length)
        start_ordinal = 0
        if options.start_section:
            start_ordinal, _ = resolve_section(estimate, options.start_section)
        texts = _texts_from(estimate, start_ordinal)
        later = texts
        _make_opening_bell(estimate, start_ordinal)
        if _speech_wanted_first(estimate, start_ordinal, speaker):
            # Only the first words now; the rest once they are heard. Voicing a long
            # second paragraph on the other worker meanwhile would take the CPU and
            # the GIL from the first clip (issue 21: first sound of a programme).
            speaker.prefetch(texts[:1])
    except BaseException:
        speaker.close()
        raise
    return Prepared(speaker, estimate, start_ordinal, texts, later)


def _from_start(estimate: Timeline, start_ordinal: int) -> Iterator[tuple[Event, int]]:
    """The events from where playing starts (section ``start_ordinal``, 0 for the top),
    each with the sample where playing starts."""
    sections = 0
    begins: int | None = 0 if start_ordinal == 0 else None
    for ev in estimate.events:
        if ev.kind == SECTION:
            sections += 1
            if sections == start_ordinal:
                begins = ev.start
        elif begins is not None:
            yield ev, begins


def _make_opening_bell(estimate: Timeline, start_ordinal: int) -> None:
    """A bell that opens the playing is made now, in the background, while the log and
    the device are seen to, so the renderer finds it ready (issue 19: first sound)."""
    for ev, _ in _from_start(estimate, start_ordinal):
        if ev.length > 0 and ev.kind in (BELL, SPEECH, TONE):
            if ev.kind == BELL:
                import threading

                threading.Thread(target=_make_bell, args=(ev.text,), daemon=True,
                                 name="guided-opening-bell").start()
            return


def _make_bell(sound: str) -> None:
    from guided.audio.sounds import made_bell  # imported here too, off the main thread

    made_bell(sound)


def _speech_wanted_first(estimate: Timeline, start_ordinal: int, speaker: Any) -> bool:
    """Whether speech must be made before the first sound: the first words come within
    ``SPEECH_LEAD_SECONDS`` of where playing starts and are not in the cache. Otherwise
    (a bell first, or the clip is cached) nothing is made until the first sound is
    heard, so the voice's loading does not hold the bell back (issue 19: first sound)."""
    for ev, begins in _from_start(estimate, start_ordinal):
        if ev.kind == SPEECH:
            if ev.start - begins >= SPEECH_LEAD_SECONDS * estimate.sample_rate:
                return False
            return speaker.cached_length(ev.text) is None
    return False


def play_script(script: Script, options: PlayOptions, recorder: Recorder | None = None,
                prepared: Prepared | None = None, rounds: Rounds | None = None) -> PlayResult:
    """Play ``script`` once through the output device; returns how it ended.
    ``prepared`` (from ``prepare`` with the same options) is used and closed;
    ``rounds``, when given, counts this round in once it is heard.

    Raises ``AudioDeviceError`` (exit code 3) when there is nothing to play on,
    ``GuidedError`` for script or speech problems."""
    try:
        device = check_output(options.device)
        if prepared is None:
            prepared = prepare(script, options)
    except BaseException:
        if prepared is not None:
            prepared.close()
        raise
    speaker = prepared.speaker
    result: PlayResult | None = None
    try:
        speaker.introduce(prepared.texts)  # who speaks: said now that playing is sure
        performance = Performance(script, options, prepared)
        result = performance.run(device, recorder, rounds)
    finally:
        try:
            prepared.close()  # may wait for a clip being made; a (second) Ctrl-C still ends it
        except KeyboardInterrupt:
            if result is None:
                raise
            result.late_stop = True  # the round is written down: it stands, no more follow
    return result


def _texts_from(estimate: Timeline, start_ordinal: int) -> list[str]:
    seen: dict[str, None] = {}
    sections = 0
    for ev in estimate.events:
        if ev.kind == SECTION:
            sections += 1
        elif ev.kind == SPEECH and sections >= start_ordinal:
            seen.setdefault(ev.text, None)
    return list(seen)


class Performance:
    """One playing of a script: its lazy plan, the estimate behind the progress bar,
    where it starts, and the blocks rendered from any place in it."""

    def __init__(self, script: Script, options: PlayOptions, prepared: Prepared):
        """``prepared`` (from ``prepare``) lends its speaker, its estimate (whose
        variables are the filled ones) and where playing starts."""
        from guided.timeline.plan import iter_plan

        self.script = script
        self.options = options
        self.speaker = speaker = prepared.speaker
        self.estimate = prepared.estimate
        self.later = prepared.later  # the speech to start making once the first sound is heard
        self.start_ordinal = start_ordinal = prepared.start_ordinal
        variables = dict(prepared.estimate.variables)
        rate = speaker.settings.rate
        # Before the --from section, lengths need not be real (nothing there is heard),
        # so planning up to it costs no synthesis.
        self._exact = start_ordinal == 0
        self._sections_seen = 0

        def measure(text: str) -> int | None:
            return speaker.measure(text) if self._exact else speaker.cached_length(text)

        self.plan = LazyPlan(options.chosen.sounds.events(iter_plan(
            script, variables=variables, pace=options.chosen.pace, rate=rate, measure=measure)))
        self.plan.on_event = self._watch_sections
        self.floor = 0  # `b` never goes before where playback began

    @property
    def interactive(self) -> bool:
        return self.options.interactive

    def _watch_sections(self, ev: Event) -> None:
        if ev.kind == SECTION:
            self._sections_seen += 1
            if self._sections_seen == self.start_ordinal:
                self._exact = True

    def start_sample(self) -> int:
        if not self.start_ordinal:
            return 0
        count = 0
        for ev in self.plan.iter_from(0):
            if ev.kind == SECTION:
                count += 1
                if count == self.start_ordinal:
                    return ev.start
        return self.plan.length

    def total_samples(self) -> int:
        """Best current guess of the length: real so far, estimated for the rest."""
        known = len(self.plan.events)
        if self.plan.done or not known:
            return self.plan.length if self.plan.done else self.estimate.length
        est = self.estimate.events
        if known <= len(est):
            return self.plan.events[known - 1].end + (self.estimate.length - est[known - 1].end)
        return self.plan.length

    def render_from(self, sample: int) -> Iterator[np.ndarray]:
        from guided.audio.render import render

        return render(self.plan.iter_from(0), self.speaker, ambience=self.script.ambience,
                      volume=self.script.ambience_volume,
                      start=sample, block_size=BLOCK_SIZE)

    def playing(self, planned_seconds: float) -> Playing:
        settings = self.speaker.settings
        return Playing(
            script=self.script.name or self.script.file, title=self.estimate.title,
            content_hash=self.script.source_hash,
            voice=str(settings.voice or f"default:{settings.language}"),
            engine=str(getattr(self.speaker, "engine_name", settings.engine)),
            rate=settings.rate, planned_seconds=round(planned_seconds, 2),
            origin=self.options.origin)

    def run(self, device: OutputDevice, recorder: Recorder | None,
            rounds: Rounds | None = None) -> PlayResult:
        from guided.outputs.player.keys import Keys, NoKeys
        from guided.outputs.player.playback import DeviceLost, Playback
        from guided.outputs.player.screen import PlayerScreen

        start = self.start_sample()
        self.floor = start
        planned = (self.total_samples() - start) / SAMPLE_RATE
        screen = PlayerScreen(enabled=self.options.interactive, language=self.script.language)
        outcome: Outcome = INTERRUPTED
        lost: DeviceLost | None = None
        # From here Ctrl-C, SIGTERM and SIGHUP are noted, not raised: the loop sees the
        # note at its next block and ends the playing, so how the round ended is always
        # written down whole (never a row written twice or left unfinished).
        with held(deliver=False) as stop:
            playback = Playback(self, device, screen, start)  # opens the stream first

            def first_sound() -> None:
                if self.later:  # heard (a bell, or the first words): now the rest can be made
                    self.speaker.prefetch(self.later)
                    self.later = []
                if recorder is not None:
                    recorder.begin(self.playing(planned))

            playback.on_first_sound = first_sound
            if recorder is not None:
                playback.on_progress = recorder.progress
            try:
                with Keys() if self.options.interactive else NoKeys() as keys, screen.live():
                    screen.heading(self.estimate.title, planned)
                    outcome = playback.loop(keys, stop)
                    if outcome in REACHED_END:  # the bar ends full
                        length = (self.total_samples() - start) / SAMPLE_RATE
                        screen.progress(length, length, force=True)
            except KeyboardInterrupt:  # where signals cannot be held (not the main thread)
                outcome = INTERRUPTED
                playback.drop_buffered()
            except DeviceLost as exc:
                outcome = INTERRUPTED
                playback.drop_buffered()
                lost = exc
            finally:
                playback.close()
                screen.finish()
                planned = (self.total_samples() - start) / SAMPLE_RATE
                if recorder is not None and playback.began:
                    recorder.finish(outcome, playback.listened_seconds, round(planned, 2))
                if rounds is not None and playback.began:
                    rounds.count += 1
                    rounds.listened_seconds += round(playback.listened_seconds, 2)
        self._remember_length()
        if lost is not None:
            raise AudioDeviceError(lost_output_message(device.name, playback.listened_seconds,
                                                       kept=recorder is not None and playback.began))
        # a stop that came as the end was being written: the round stands, no more follow
        return PlayResult(outcome, playback.listened_seconds, planned,
                          late_stop=bool(stop) and outcome != INTERRUPTED)


    def _remember_length(self) -> None:
        """A practice planned to its end from the start, every clip real: its length is
        noted for `guided list` (``guided.practice.known_lengths``)."""
        if self.start_ordinal or not self.plan.done:
            return
        from guided.practice.known_lengths import remember, timeline_key

        chosen = self.options.chosen
        remember(timeline_key(self.estimate, chosen.voice), self.plan.length / SAMPLE_RATE,
                 chosen.cache)


def lost_output_message(name: str, listened_seconds: float, kept: bool) -> str:
    """One calm line: what happened, what was kept, what to try."""
    from guided.script.durations import format_clock

    clock = format_clock(listened_seconds)
    kept_note = f"The {clock} you listened is kept in your log" if kept else "Nothing was lost"
    return (f"the sound output ({name}) stopped after {clock}; perhaps headphones were unplugged "
            f"or the sound server stopped. {kept_note}. When it is back, `guided devices` "
            "shows what can play")
