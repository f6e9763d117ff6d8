"""Render timeline events into a stream of fixed-size PCM blocks.

``render`` is a generator: it pulls one clip at a time from the clip source, writes
each event's samples into the current block and mixes the ambience bed block by
block, at the gain ``guided.timeline.ambience`` gives it. It never keeps earlier blocks, so a 4-hour practice renders in the same
memory as a 5-minute one. The output depends only on its inputs: rendering from
``start`` gives exactly the samples of rendering from 0 and dropping ``start``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

from guided.audio.sounds import Ambience, made_bell, tone
from guided.samples import BLOCK_SIZE, ClipSource
from guided.timeline.ambience import ambience_gain
from guided.timeline.plan import BELL, SPEECH, TAIL, TONE, Event

# (offset within the event, count) -> samples, or None for silence
_Source = Callable[[int, int], "np.ndarray | None"]


def render(
    events: Iterable[Event],
    clips: ClipSource,
    *,
    ambience: str = "none",
    volume: float = 1.0,
    start: int = 0,
    block_size: int = BLOCK_SIZE,
) -> Iterator[np.ndarray]:
    """Yield float32 mono blocks of exactly ``block_size`` samples (the last may be
    shorter), beginning at sample ``start`` of the session. ``events`` may be lazy.
    ``volume`` (0-1) scales the bed; at 0 there is none."""
    if block_size <= 0:
        raise ValueError("block_size must be positive")
    bells: dict[str, np.ndarray] = {}
    bed = Ambience(ambience) if ambience and ambience != "none" and volume > 0 else None
    tail: Event | None = None

    block = np.zeros(block_size, dtype=np.float32)
    filled = 0
    cursor = start  # absolute sample of block[filled]

    def finish(count: int) -> np.ndarray:
        out = block[:count]
        if bed is not None:
            begin = cursor - count
            gain = ambience_gain(begin, count, tail)  # the timeline decides the fades
            if gain is not None:
                out += bed.samples(begin, count) * (gain * volume if volume != 1.0 else gain)
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
            bells[ev.text] = made_bell(ev.text)
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
