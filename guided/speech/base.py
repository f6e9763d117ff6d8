"""Interfaces between speech engines, the clip cache and the renderer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class Voice:
    id: str  # what --voice accepts
    name: str
    language: str = ""
    gender: str = ""
    engine: str = ""


class Engine(Protocol):
    """A speech engine. ``synthesize`` returns mono PCM (any dtype numpy accepts as
    audio: int16 or float32) and its sample rate; the caller trims and resamples."""

    name: str

    def version(self) -> str: ...

    def voices(self) -> list[Voice]: ...

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]: ...

    def close(self) -> None: ...


class ClipSource(Protocol):
    """What the timeline and the renderer need from speech: trimmed float32 clips at
    ``guided.audio.format.SAMPLE_RATE`` for the current voice and rate."""

    def clip(self, text: str) -> np.ndarray: ...

    def cached_length(self, text: str) -> int | None: ...
