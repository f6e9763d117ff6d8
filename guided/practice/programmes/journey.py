"""A Markdown programme as a ``Journey``: the weeks from its plan (or its duration),
seven days each; a written day plays its own track (day 1 opens with the
introduction); a day the plan implies but no section writes out keeps the week's
focus for it, and `journey today` suggests a built-in practice for that focus."""

from __future__ import annotations

import math
from pathlib import Path

from guided.i18n import Gettext, texts
from guided.practice.journeyfile import Day, Journey, PracticeRef, Week
from guided.practice.programmes import speech
from guided.practice.programmes.model import PlanWeek, Programme
from guided.practice.programmes.reader import read_programme

DAYS_PER_WEEK = 7


def programme_journey(path: Path) -> Journey:
    return as_journey(read_programme(path))


def review_focus(week_title: str, _: Gettext) -> str:
    """The focus of a day after the week's listed ones, in the programme's language (the
    client reads it in `journey today` and on the bundle's page)."""
    return _("{week}: a gentler day, to look back over the week and keep what helped").format(week=week_title)


def as_journey(programme: Programme) -> Journey:
    written = {day.number: day for day in programme.days}
    last = max(written, default=0)
    count = max(len(programme.plan), programme.weeks_written, math.ceil(last / DAYS_PER_WEEK), 1)
    plan = {week.number: week for week in programme.plan}
    intro = speech.introduction(programme)
    _ = texts(programme.language)
    weeks: list[Week] = []
    for number in range(1, count + 1):
        planned = plan.get(number) or PlanWeek(number, _("Week {number}").format(number=number), programme.pos)
        days: list[Day] = []
        for index in range(DAYS_PER_WEEK):
            n = (number - 1) * DAYS_PER_WEEK + index + 1
            focus = planned.focus[index] if index < len(planned.focus) else (
                review_focus(planned.title, _) if planned.focus else "")
            refs: list[PracticeRef] = []
            if n == 1 and intro is not None:
                refs.append(PracticeRef("introduction", intro.pos, intro))
            day = written.get(n)
            if day is None:
                days.append(Day(n, number, tuple(refs), focus=focus, pos=planned.pos))
                continue
            track = speech.day_script(programme, day)
            if track is not None:
                refs.append(PracticeRef(f"day-{n}", day.pos, track))
            days.append(Day(n, number, tuple(refs), title=day.title, focus=focus, pos=day.pos,
                            questions=tuple(q.text for q in day.questions),
                            reflection_pos=day.questions[0].pos if day.questions else None))
        weeks.append(Week(number, planned.title, tuple(days), pos=planned.pos))
    return Journey(name=programme.name, title=programme.title, weeks=tuple(weeks), path=programme.path,
                   description=programme.description, author=programme.meta.get("author", ""),
                   programme=programme)


def is_written(day: Day) -> bool:
    """Whether the day has a track of its own (not only the introduction)."""
    return any(ref.script is not None and ref.ref != "introduction" for ref in day.practices)
