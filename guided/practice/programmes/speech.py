"""A programme's tracks as practice scripts: the introduction, and each written day.

Every track is an ordinary ``Script`` (say, pause, section, bell), so it goes through
the same timeline as a YAML practice: exact pauses, chapters, captions, the cache,
export and bundle. Markdown symbols never reach the voice: only the words of the
parser's text tokens are spoken."""

from __future__ import annotations

import re

from guided.errors import Pos
from guided.practice.programmes.model import Activity, Block, Day, Part, Programme, Span, Step
from guided.script.hygiene import speakable
from guided.script.model import MAX_SAY_CHARS, Bell, Pause, Say, Script, Section

LEAD_PAUSE = 2.0  # after a bold lead sentence (a chapter mark)
HEADING_PAUSE = 1.5  # after a subsection's title
PARAGRAPH_PAUSE = 1.0  # between paragraphs
ITEM_PAUSE = 0.7  # between the items of a list
WAIT_SECONDS = 60.0  # a <!-- wait --> outside an activity step, in an export
OPENING_BELL = "soft-bell"  # each spoken track opens with it; a day's track also ends with it
# never read aloud, even when written as text (an underscore inside a word or a {name} stays)
_SYMBOLS = re.compile(r"[*#`|~<>\\^]+|(?<![\w{])_+|_+(?![\w}])")
_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def spoken(text: str) -> str:
    """``text`` as the voice says it: stray Markdown symbols gone, spaces tidied."""
    return " ".join(_SYMBOLS.sub(" ", text).split())


def _words(spans: tuple[Span, ...]) -> str:
    return spoken("".join(span.text for span in spans))


class _Track:
    def __init__(self, programme: Programme) -> None:
        self.steps: list = []
        self.programme = programme

    def say(self, text: str, pos: Pos, after: float = PARAGRAPH_PAUSE) -> None:
        text = spoken(text)
        if not text or not speakable(text):
            return
        for piece in _pieces(text):
            self.steps.append(Say(piece, pos))
        if after:
            self.pause(after, pos)

    def pause(self, seconds: float, pos: Pos, written: str = "") -> None:
        if self.steps and isinstance(self.steps[-1], Pause) and not self.steps[-1].written and not written:
            last = self.steps.pop()  # two gaps in a row: the longer one
            seconds = max(seconds, last.seconds)
        self.steps.append(Pause(seconds, pos, written, hold=written == "wait"))

    def bell(self, pos: Pos, closing: bool = False) -> None:
        """The soft bell a track opens with, and a day's track ends with, as every
        practice of the library does: the listener hears at once that it has begun
        (while the voice gets ready), and hears when an activity's time is up. A
        listener's `--bells off` makes it a silence of the same length."""
        if closing:
            while self.steps and isinstance(self.steps[-1], Pause) and not self.steps[-1].written:
                self.steps.pop()  # straight after the last words, or after the activity's time
            tail = self.steps[-2:]
            if tail and isinstance(tail[-1], Bell) or (
                    len(tail) == 2 and isinstance(tail[0], Bell) and isinstance(tail[1], Pause)):
                return  # a <!-- wait --> rang one just now (with at most a set pause after it)
            if self.steps and not isinstance(self.steps[-1], Pause):
                self.pause(PARAGRAPH_PAUSE, pos)  # a breath between the last words and the bell
        self.steps.append(Bell(OPENING_BELL, pos))

    def section(self, title: str, pos: Pos) -> None:
        title = spoken(title) or "Part"
        self.steps.append(Section(title[:120], pos))

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        for block in blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        if block.kind == "paragraph":
            lead = _lead(block)
            if lead is not None:
                head, rest = lead
                self.section(head, block.pos)
                self.say(head, block.pos, after=LEAD_PAUSE)
                self.say(rest, block.pos)
            else:
                self.say(block.text, block.pos)
        elif block.kind in ("bullets", "numbers", "quote"):
            for item in block.items:
                self.say(_words(item), block.pos, after=ITEM_PAUSE)
            self.pause(PARAGRAPH_PAUSE, block.pos)
        elif block.kind == "heading":
            self.say(block.text, block.pos, after=HEADING_PAUSE)
        elif block.kind == "pause":
            self.pause(block.seconds, block.pos, written=_written(block.seconds))
        elif block.kind == "wait":
            self.pause(WAIT_SECONDS, block.pos, written="wait")
            self.steps.append(Bell("soft-bell", block.pos))

    def part(self, part: Part) -> None:
        if part.title:
            self.section(part.title, part.pos)
            self.say(part.title, part.pos, after=HEADING_PAUSE)
        self.blocks(part.blocks)

    def activity(self, activity: Activity) -> None:
        self.section(activity.title, activity.pos)
        self.say(activity.title, activity.pos, after=HEADING_PAUSE)
        self.blocks(activity.setup)
        shared = (activity.total_seconds / len(activity.steps)
                  if activity.total_seconds and activity.steps else self.programme.step_seconds)
        for step in activity.steps:
            self.step(step, shared)

    def step(self, step: Step, seconds: float) -> None:
        exact = step.seconds if step.seconds is not None else seconds
        head = step.blocks[0].text if step.blocks else ""
        self.section(head.split(":")[0] if head.lower().startswith("step") else head[:60], step.pos)
        self.blocks(step.blocks)
        self.pause(exact, step.pos, written="wait" if step.wait else _written(exact))
        if step.wait:
            self.steps.append(Bell("soft-bell", step.pos))

    def script(self, title: str, name: str, pos: Pos) -> Script:
        p = self.programme
        steps = list(self.steps)
        while steps and isinstance(steps[-1], Pause) and not steps[-1].written:
            steps.pop()  # the track ends with its last words, not a gap
        return Script(title=title, steps=tuple(steps), name=name, practice="custom",
                      description=p.description, language=p.language, voice=p.voice, rate=p.rate,
                      pace=p.pace, pos=pos, source_hash=p.source_hash)


def _written(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m{rest:02d}s" if minutes else f"{rest}s"


def _lead(block: Block) -> tuple[str, str] | None:
    """A paragraph that opens with bold text: ``(the bold lead, the rest)``."""
    spans = [s for s in block.spans if s.text.strip() or s.strong]
    if not spans or not spans[0].strong:
        return None
    count = 0
    for span in block.spans:
        if span.strong or not span.text.strip() and count == 0:
            count += 1
        else:
            break
    head = _words(block.spans[:count])
    return (head, _words(block.spans[count:])) if head else None


def _pieces(text: str) -> list[str]:
    """A long paragraph cut at sentence ends into says of at most ``MAX_SAY_CHARS``."""
    if len(text) <= MAX_SAY_CHARS:
        return [text]
    pieces, current = [], ""
    for sentence in _SENTENCE.split(text):
        while len(sentence) > MAX_SAY_CHARS:
            pieces.append(sentence[:MAX_SAY_CHARS])
            sentence = sentence[MAX_SAY_CHARS:]
        if current and len(current) + 1 + len(sentence) > MAX_SAY_CHARS:
            pieces.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    return pieces + ([current] if current else [])


def introduction(programme: Programme) -> Script | None:
    """The opening track: the introduction, then any section before the days marked
    ``<!-- speak -->``; None when there is nothing to say."""
    track = _Track(programme)
    if programme.intro:
        track.section("Introduction", programme.intro[0].pos)
        track.say(programme.title, programme.pos, after=HEADING_PAUSE)
        track.blocks(programme.intro)
    for part in programme.before:
        if part.spoken:
            track.part(part)
    if not any(isinstance(step, Say) for step in track.steps):
        return None
    # the opening bell, after the first chapter mark ("Introduction", or the first part's)
    first = 1 if isinstance(track.steps[0], Section) else 0
    track.steps.insert(first, Bell(OPENING_BELL, programme.pos))
    return track.script(f"{programme.title}: Introduction", f"{programme.name}-introduction", programme.pos)


def day_script(programme: Programme, day: Day) -> Script | None:
    """A written day's track: its learning in order, then its activity; the last
    written day also carries the closing sections marked ``<!-- speak -->``."""
    track = _Track(programme)
    heading = f"Day {day.number}" + (f": {day.title}" if day.title else "")
    track.bell(day.pos)
    track.say(f"Day {day.number}." + (f" {day.title}." if day.title else ""), day.pos, after=HEADING_PAUSE)
    for part in day.learning:
        track.part(part)
    if day.activity is not None:
        track.activity(day.activity)
    if programme.days and day is programme.days[-1]:
        for part in programme.after:
            if part.spoken:
                track.part(part)
    if sum(isinstance(step, Say) for step in track.steps) < 2:
        return None  # only the day's name: nothing written to speak
    track.bell(day.pos, closing=True)
    return track.script(heading, f"{programme.name}-day-{day.number}", day.pos)
