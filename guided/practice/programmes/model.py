"""The plain model of a Markdown programme: what was written, kept as inert text.

Inline text is a tuple of ``Span``s (text with its emphasis); blocks are headings,
paragraphs, lists, quotations and the author's comments (``<!-- pause: 5m -->``,
``<!-- wait -->``, ``<!-- speak -->``). Nothing here is HTML: the page builds its
elements from these as escaped text."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from guided.errors import Pos


@dataclass(frozen=True)
class Span:
    text: str
    strong: bool = False
    em: bool = False
    code: bool = False
    href: str = ""  # a link's target, shown as text (followed only when allowed)


Spans = tuple[Span, ...]


def plain(spans: Spans) -> str:
    """The words of ``spans`` with no markup, spaces tidied."""
    return " ".join("".join(span.text for span in spans).split())


@dataclass(frozen=True)
class Block:
    """``kind``: heading, paragraph, bullets, numbers, quote, code, pause, wait, speak."""

    kind: str
    pos: Pos
    spans: Spans = ()
    items: tuple[Spans, ...] = ()  # list items (nested items follow their parent)
    level: int = 0  # a heading's level
    seconds: float = 0.0  # a pause comment's length

    @property
    def text(self) -> str:
        return plain(self.spans)


@dataclass(frozen=True)
class Part:
    """A titled run of blocks: a ``###`` subsection of a day, or a ``##`` section."""

    title: str
    pos: Pos
    blocks: tuple[Block, ...]
    spoken: bool = False  # an other ``##`` section marked ``<!-- speak -->``


@dataclass(frozen=True)
class Step:
    """One step of an activity: what to read, then a pause long enough to do it."""

    blocks: tuple[Block, ...]
    pos: Pos
    seconds: float | None = None  # set exactly by a pause comment
    wait: bool = False  # ``<!-- wait -->``: held in `guided play` until space


@dataclass(frozen=True)
class Activity:
    title: str
    pos: Pos
    setup: tuple[Block, ...]
    steps: tuple[Step, ...]
    total_seconds: float | None = None  # a length written in the setup ("about 45 minutes")


@dataclass(frozen=True)
class Question:
    text: str
    pos: Pos


@dataclass(frozen=True)
class Day:
    number: int
    title: str
    pos: Pos
    learning: tuple[Part, ...] = ()  # prose subsections, spoken in order
    activity: Activity | None = None
    questions: tuple[Question, ...] = ()
    questions_title: str = ""


@dataclass(frozen=True)
class PlanWeek:
    number: int
    title: str
    pos: Pos
    focus: tuple[str, ...] = ()  # the week's bullets


@dataclass(frozen=True)
class Programme:
    name: str
    title: str
    path: Path | None
    pos: Pos
    description: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # every front-matter key, as text
    heading: str = ""  # the document's `#` title, when it has one
    intro: tuple[Block, ...] = ()
    days: tuple[Day, ...] = ()
    plan_title: str = ""
    plan: tuple[PlanWeek, ...] = ()
    before: tuple[Part, ...] = ()  # other `##` sections before the first day
    after: tuple[Part, ...] = ()  # and after it
    step_seconds: float = 120.0  # a step's pause when no length is written
    weeks_written: int = 0  # from `duration: 6 weeks`
    links: bool = False  # plain https links may be followed on the page
    voice: str | None = None
    language: str = "en"
    rate: int | None = None
    pace: float = 1.0
    source_hash: str = ""
    warnings: tuple[tuple[Pos, str], ...] = ()
