"""Rendering timelines to blocks with the real ``Speaker`` and its cache, speaking with the
deterministic test engine (tones: rendering does not care what the words sound like)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from guided.audio.render import render
from guided.errors import Pos
from guided.samples import SAMPLE_RATE
from guided.script.model import Bell, Breathe, Pause, Repeat, Say, Script, Section
from guided.speech.base import SpeechSettings
from guided.speech.speaker import Speaker
from guided.timeline.plan import BELL, SPEECH, TAIL, TONE, iter_plan, plan

P = Pos("test.yaml", 1, 1)


def script(*steps, ambience: str = "none") -> Script:
    return Script(title="Render test", steps=tuple(steps), ambience=ambience)


@pytest.fixture(scope="module")
def speaker(tmp_path_factory):
    # The shared clip cache is set per test; a module speaker keeps its own small cache.
    with Speaker(SpeechSettings(engine="test", rate=160),
                 tmp_path_factory.mktemp("render_cache")) as s:
        yield s


@pytest.fixture(scope="module")
def mixed(speaker):
    """Speech, a bell, tone breathing, sections and an ambience bed with its tail."""
    s = script(
        Section("Start", P), Say("Hello there.", P), Pause(1.0, P), Bell("chime", P),
        Section("Breath", P),
        Breathe(inhale=2.0, hold=1.0, exhale=2.5, cycles=2, cue="tone", pos=P),
        Say("Thank you.", P),
        ambience="rain-like",
    )
    timeline = plan(s, measure=speaker.measure)
    full = np.concatenate(list(render(timeline.events, speaker, ambience=s.ambience)))
    return timeline, full


def test_blocks_have_the_exact_size_and_cover_the_timeline(speaker, mixed):
    timeline, full = mixed
    assert timeline.exact
    blocks = list(render(timeline.events, speaker, ambience="rain-like", block_size=1000))
    assert all(len(b) == 1000 for b in blocks[:-1]) and 0 < len(blocks[-1]) <= 1000
    assert all(b.dtype == np.float32 for b in blocks)
    assert sum(len(b) for b in blocks) == timeline.length == len(full)
    # Block size does not change a single sample.
    np.testing.assert_array_equal(np.concatenate(blocks), full)


def test_same_input_same_samples(speaker, mixed):
    timeline, full = mixed
    again = np.concatenate(list(render(timeline.events, speaker, ambience="rain-like")))
    assert again.tobytes() == full.tobytes()


def test_seeking_gives_the_samples_of_rendering_from_zero(speaker, mixed):
    timeline, full = mixed
    starts = [1, 777]
    for kind in (SPEECH, BELL, TONE, TAIL):  # land inside each kind of event
        ev = next(e for e in timeline.events if e.kind == kind)
        starts.append(ev.start + ev.length // 3)
    starts.append(timeline.length - 10)
    for start in starts:
        # events as a lazy generator, as the player passes them
        events = iter_plan(timeline.script, measure=speaker.measure)
        part = np.concatenate(list(render(events, speaker, ambience="rain-like", start=start)))
        assert part.tobytes() == full[start:].tobytes(), start


def test_every_event_is_where_the_timeline_says(speaker, mixed):
    timeline, full = mixed
    bed = np.concatenate(list(render(timeline.events, speaker, ambience="none")))
    for ev in timeline.events:
        seg = bed[ev.start:ev.end]
        if ev.kind == SPEECH:
            np.testing.assert_array_equal(seg, speaker.clip(ev.text))
        elif ev.kind in (BELL, TONE):
            assert np.max(np.abs(seg)) > 0.01
        elif ev.length:
            assert not np.any(seg), ev  # pauses are digital silence without a bed


def test_ambience_fades_in_sits_under_the_voice_and_fades_out(speaker, mixed):
    timeline, full = mixed
    bed_only = full - np.concatenate(list(render(timeline.events, speaker, ambience="none")))
    sr = SAMPLE_RATE
    first = np.sqrt(np.mean(bed_only[: sr // 10] ** 2))
    steady = np.sqrt(np.mean(bed_only[4 * sr: 5 * sr] ** 2))
    assert first < steady / 10  # a 3 s fade in
    tail = next(e for e in timeline.events if e.kind == TAIL)
    assert tail.end == timeline.length
    assert np.max(np.abs(bed_only[-200:])) < steady / 20  # faded out by the end
    speech = next(e for e in timeline.events if e.kind == SPEECH)
    voice = np.sqrt(np.mean(speaker.clip(speech.text) ** 2))
    assert 20 * np.log10(voice / steady) > 24  # well under the voice


def _peak_traced(timeline, speaker) -> int:
    tracemalloc.start()
    try:
        for _ in render(timeline.events, speaker, ambience="brown-noise"):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_session_length(speaker):
    def practice(minutes: int) -> Script:
        return script(Say("Rest here.", P), Repeat(minutes, (Pause(55.0, P), Say("Rest here.", P)), P),
                      ambience="brown-noise")

    short = plan(practice(3), measure=speaker.measure)
    long = plan(practice(30), measure=speaker.measure)
    assert long.seconds > 9 * short.seconds
    small, large = _peak_traced(short, speaker), _peak_traced(long, speaker)
    assert large < small * 1.3 + 256 * 1024, (small, large)
