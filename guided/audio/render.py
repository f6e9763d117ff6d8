"""Render timeline events into a stream of fixed-size PCM blocks.

``render`` is a generator: it pulls one clip at a time from the clip source, writes
each event's samples into the current block and mixes the ambience bed block by
block. It never keeps earlier blocks, so a 4-hour practice renders in the same
memory as a 5-minute one. The output depends only on its inputs: rendering from
``start`` gives exactly the samples of rendering from 0 and dropping ``start``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from guided.audio.format import BLOCK_SIZE, seconds_to_samples
from guided.audio.sounds import Ambience, bell, tone
from guided.speech.base import ClipSource
from guided.timeline.plan import BELL, SPEECH, TAIL, TONE, Event

AMBIENCE_FADE_IN_SECONDS = 3.0

# (offset within the event, count) -> samples, or None for silence
_Source = Callable[[int, int], "np.ndarray | None"]


def render(
    events: Iterable[Event],
    clips: ClipSource,
    *,
    ambience: str = "none",
    start: int = 0,
    block_size: int = BLOCK_SIZE,
) -> Iterator[np.ndarray]:
    """Yield float32 mono blocks of exactly ``block_size`` samples (the last may be
    shorter), beginning at sample ``start`` of the session. ``events`` may be lazy."""
    if block_size <= 0:
        raise ValueError("block_size must be positive")
    bells: dict[str, np.ndarray] = {}
    bed = Ambience(ambience) if ambience and ambience != "none" else None
    fade_in = seconds_to_samples(AMBIENCE_FADE_IN_SECONDS)
    tail: Event | None = None

    block = np.zeros(block_size, dtype=np.float32)
    filled = 0
    cursor = start  # absolute sample of block[filled]

    def finish(count: int) -> np.ndarray:
        out = block[:count]
        if bed is not None:
            begin = cursor - count
            gain = _ambience_gain(begin, count, fade_in, tail)
            if gain is not None:
                out += bed.samples(begin, count) * gain
        return out.copy()

    for ev in events:
        if ev.length <= 0:
            continue
        if ev.kind == TAIL:
            tail = ev
        if ev.end <= cursor:
            continue
        if ev.start > cursor:  # a gap between events is silence
            gap = ev.start - cursor
            while gap:
                take = min(gap, block_size - filled)
                filled += take
                cursor += take
                gap -= take
                if filled == block_size:
                    yield finish(filled)
                    block[:] = 0.0
                    filled = 0
        source = _source(ev, clips, bells)
        offset = cursor - ev.start
        while offset < ev.length:
            take = min(ev.length - offset, block_size - filled)
            if source is not None:
                part = source(offset, take)
                if part is not None:
                    block[filled:filled + take] = part
            filled += take
            cursor += take
            offset += take
            if filled == block_size:
                yield finish(filled)
                block[:] = 0.0
                filled = 0
    if filled:
        yield finish(filled)


def _source(ev: Event, clips: ClipSource, bells: dict[str, np.ndarray]) -> _Source | None:
    if ev.kind == SPEECH:
        clip = np.asarray(clips.clip(ev.text), dtype=np.float32)
        return _slicer(clip)
    if ev.kind == BELL:
        if ev.text not in bells:
            bells[ev.text] = bell(ev.text)
        return _slicer(bells[ev.text])
    if ev.kind == TONE:
        length = ev.length
        phase = ev.text or ev.phase
        return lambda offset, count: tone(phase, length, offset, count)
    return None  # silence, section markers, the tail


def _slicer(sound: np.ndarray) -> _Source:
    """Samples of a finished sound; past its end (a clip shorter than planned) is silence."""

    def part(offset: int, count: int) -> np.ndarray | None:
        if offset >= len(sound):
            return None
        piece = sound[offset:offset + count]
        if len(piece) < count:
            piece = np.concatenate([piece, np.zeros(count - len(piece), dtype=np.float32)])
        return piece

    return part


def _ambience_gain(begin: int, count: int, fade_in: int, tail: Event | None) -> np.ndarray | float | None:
    """The bed's gain for samples ``begin .. begin+count``: a 3 s fade in from the start of
    the session and a fade out over the closing tail."""
    end = begin + count
    if tail is not None and begin >= tail.end:
        return None
    if begin >= fade_in and (tail is None or end <= tail.start):
        return 1.0
    n = np.arange(begin, end, dtype=np.float64)
    gain = np.minimum(1.0, n / fade_in) if fade_in else np.ones(count)
    if tail is not None:
        out = np.clip((tail.end - n) / max(1, tail.length), 0.0, 1.0)
        gain = gain * out
    return (0.5 - 0.5 * np.cos(np.pi * gain)).astype(np.float32)

