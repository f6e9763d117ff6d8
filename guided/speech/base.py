"""What every speech engine keeps (``Engine``), what it names its voices with (``Voice``),
and what one ``Speaker`` speaks with (``SpeechSettings``, settled by ``guided.speech.choice``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # only in annotations: `guided play` imports numpy after PortAudio's start
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


@dataclass(frozen=True)
class SpeechSettings:
    """What one ``Speaker`` speaks with: a concrete engine and voice."""

    engine: str = "hibari"  # guided.speech.engines.HIBARI
    voice: str | None = None  # None = the engine's default voice for `language`
    rate: int = 140  # words per minute
    language: str = "en"
    note: str = field(default="", compare=False)  # one line: who is speaking
    announce: Callable[[str], None] | None = field(default=None, compare=False, repr=False)
    fallback: SpeechSettings | None = None  # engine `recorded`: who speaks unrecorded lines
