"""The sections of a programme: a day (its learning, activity and questions) and the
journey plan (weeks and their focus)."""

from __future__ import annotations

from typing import Protocol

from guided.errors import Pos
from guided.practice.programmes import words
from guided.practice.programmes.model import (
    Activity,
    Block,
    Day,
    Part,
    PlanWeek,
    Question,
    Step,
    plain,
)

MAX_DAYS = 52 * 7


class Problems(Protocol):
    def error(self, pos: Pos, message: str) -> None: ...

    def warn(self, pos: Pos, message: str) -> None: ...


def _parts(body: list[Block], title: str, pos: Pos) -> list[Part]:
    """``body`` cut at its ``###`` headings (text before the first is a part of its own)."""
    parts: list[Part] = []
    current: list[Block] = []
    current_title, current_pos = "", pos
    for block in body:
        if block.kind == "heading" and block.level == 3:
            if current:
                parts.append(Part(current_title, current_pos, tuple(current)))
            current, current_title, current_pos = [], block.text, block.pos
        else:
            current.append(block)
    if current:
        parts.append(Part(current_title, current_pos, tuple(current)))
    return parts


def day(number: int, title: str, pos: Pos, body: list[Block], problems: Problems) -> Day:
    learning: list[Part] = []
    activity: Activity | None = None
    questions: list[Question] = []
    questions_title = ""
    for part in _parts(body, title, pos):
        if part.title and words.QUESTIONS.search(part.title) and not words.ACTIVITY.search(part.title):
            found = _questions(part)
            if not found:
                problems.error(part.pos, f"no questions found under '{part.title}': write each as an item "
                                         "of a list ('1. What did you notice?')")
            questions += found
            questions_title = questions_title or part.title
        elif part.title and words.ACTIVITY.search(part.title) and activity is None:
            activity = _activity(part, problems)
        else:
            learning.append(part)
    if number < 1 or number > MAX_DAYS:
        shown = number if number < 10**9 else "numbered past a billion"
        problems.error(pos, f"day {shown} is out of range: days are numbered 1 to {MAX_DAYS}")
    return Day(number, title, pos, tuple(learning), activity, tuple(questions), questions_title)


def _questions(part: Part) -> list[Question]:
    found: list[Question] = []
    for block in part.blocks:
        if block.kind in ("numbers", "bullets"):
            found += [Question(plain(item), block.pos) for item in block.items if plain(item)]
        elif block.kind == "paragraph" and block.text.endswith("?"):
            found.append(Question(block.text, block.pos))
    return found


def _activity(part: Part, problems: Problems) -> Activity:
    setup: list[Block] = []
    steps: list[list[Block]] = []
    for block in part.blocks:
        if block.kind == "paragraph" and words.STEP.match(block.text):
            steps.append([block])
        elif steps:
            steps[-1].append(block)
        else:
            setup.append(block)
    if not steps:  # no "Step N:": a numbered list gives the steps, else it is one step
        lists = [b for b in setup if b.kind == "numbers"]
        if lists:
            first = lists[0]
            at = setup.index(first)
            steps = [[Block("paragraph", first.pos, item)] for item in first.items]
            steps[-1] += setup[at + 1:]
            setup = setup[:at]
        else:
            steps, setup = [setup], []
    made = [_step(blocks, problems) for blocks in steps if blocks]
    text = " ".join(b.text or " ".join(plain(i) for i in b.items) for b in setup)
    return Activity(part.title, part.pos, tuple(b for b in setup if b.kind not in ("wait",)),
                    tuple(s for s in made if s is not None), total_seconds=words.length_seconds(text))


def _step(blocks: list[Block], problems: Problems) -> Step | None:
    head = blocks[0]
    match = words.STEP.match(head.text)
    says = [b for b in blocks if b.kind not in ("pause", "wait", "speak")]
    if match and not match.group(2).strip() and len(says) == 1:
        problems.error(head.pos, f"'Step {match.group(1)}' has nothing under it: write what to do after "
                                 f"'Step {match.group(1)}:' or as a list below it")
        return None
    if not says:
        return None
    pauses = [b.seconds for b in blocks if b.kind == "pause"]
    return Step(tuple(says), head.pos, seconds=pauses[-1] if pauses else None,
                wait=any(b.kind == "wait" for b in blocks))


def plan(body: list[Block], problems: Problems) -> list[PlanWeek]:
    weeks: list[PlanWeek] = []
    for part in _parts(body, "", Pos("")):
        match = words.WEEK.match(part.title) if part.title else None
        if not match:
            continue
        number = words.number(match.group(1))
        expected = len(weeks) + 1
        if number != expected:
            shown = match.group(1) if len(match.group(1)) <= 12 else match.group(1)[:12] + "…"
            problems.error(part.pos, f"'Week {shown}' is out of order: the plan's weeks are numbered 1, 2, 3 "
                                     f"… in order, so this one should be week {expected}")
        focus = tuple(plain(item) for b in part.blocks if b.kind in ("bullets", "numbers")
                      for item in b.items if plain(item))
        weeks.append(PlanWeek(expected, match.group(2).strip() or f"Week {expected}", part.pos, focus))
    if len(weeks) > 52:
        problems.error(weeks[52].pos, "a plan may have at most 52 weeks")
    return weeks


def check_day_order(days: list[Day], problems: Problems) -> None:
    seen: dict[int, Day] = {}
    last = 0
    for d in days:
        if d.number in seen:
            problems.error(d.pos, f"day {d.number} is written twice (also at line {seen[d.number].pos.line}): "
                                  "give this one its own number")
        elif d.number < last:
            problems.error(d.pos, f"day {d.number} comes after day {last}: write the days in order")
        seen.setdefault(d.number, d)
        last = max(last, d.number)
