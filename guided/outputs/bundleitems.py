"""What goes into a bundle, as its page and README see it: the practices (``Item``, with
their chapters and spoken cues) and a journey's days (``Contents``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from guided.practice.journeyfile import Journey
    from guided.script.model import Script


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: float  # seconds


@dataclass(frozen=True)
class Item:
    """One practice in the bundle, as the page sees it."""

    id: str  # "01-grounding": file stem inside the bundle
    name: str
    title: str
    description: str
    audio: str  # path relative to the bundle folder
    captions: str
    duration: float
    chapters: list[ChapterMark] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    language: str = "en"  # the practice's own (the page may be in another)


@dataclass(frozen=True)
class Contents:
    scripts: list[Script]
    journey: Journey | None
    days: dict[int, list[int]] = field(default_factory=dict)  # journey day -> indexes into scripts
