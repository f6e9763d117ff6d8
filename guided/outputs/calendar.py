"""Reminders without a server: an iCalendar file (RFC 5545) with one event per
remaining day of a journey, at the listener's chosen local time, that any calendar
app imports (``guided journey remind``; the bundle page offers the same file).

Each event is titled with the day's title, describes the day's practice and its
question, rings a gentle alert at its start, and has a stable UID, so importing a
newer file updates the days rather than doubling them. Times carry the listener's
time zone (with its VTIMEZONE, daylight saving included) when guided can name it,
else they are floating: the same clock time wherever the phone is.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from guided.errors import GuidedError
from guided.practice.journeyfile import Day, Journey
from guided.practice.journeys import load_practice
from guided.script.durations import format_length
from guided.script.lengths import estimate_seconds
from guided.script.placeholders import filled_title

MIN_EVENT_MINUTES = 10
BUNDLE_FILE = "reminders.ics"  # beside a bundle's page
BUNDLE_TIME = dt.time(8, 30)
PRODID = "-//guided//journey reminders//EN"
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")


@dataclass(frozen=True)
class Reminders:
    """What the file says: the journey (filled), its start date, the first day to
    remind of, the clock time, and the zone (an IANA name, or None for floating)."""

    journey: Journey
    started: dt.date
    first_day: int
    at: dt.time
    zone: str | None = None


def parse_clock(text: str) -> dt.time:
    """``08:30`` (24-hour clock) as a time; anything else is one line."""
    found = _CLOCK.fullmatch(text.strip())
    if not found:
        raise GuidedError(f"--time takes a 24-hour clock time such as 08:30 or 19:00, got {text!r}")
    return dt.time(int(found.group(1)), int(found.group(2)))


def zone_name(tz: str | None) -> str | None:
    """The listener's time zone as an IANA name: ``tz`` (the ``TZ`` the command line
    saw) when it is set, else the system's (``tzlocal``); None when it names no zone
    Python knows (the events are then floating local times)."""
    if tz:
        key: str | None = tz.removeprefix(":")
    else:
        try:
            import tzlocal

            key = tzlocal.get_localzone_name()
        except Exception:  # noqa: BLE001 - a system zone it cannot name: floating times
            key = None
    if not key:
        return None
    try:
        zoneinfo.ZoneInfo(key)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError, OSError):
        return None
    return key


def calendar_bytes(reminders: Reminders, now: dt.datetime | None = None) -> bytes:
    """The whole iCalendar file."""
    import icalendar

    journey = reminders.journey
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", journey.title)
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    zone = zoneinfo.ZoneInfo(reminders.zone) if reminders.zone else None
    lengths: dict[str, tuple[str, float]] = {}  # a practice used on many days: read once
    slug = re.sub(r"[^A-Za-z0-9-]+", "-", journey.name).strip("-") or "journey"
    for day in journey.days[reminders.first_day - 1:]:
        date = reminders.started + dt.timedelta(days=day.number - 1)
        start = dt.datetime.combine(date, reminders.at, tzinfo=zone)
        practices, minutes = _practices(journey, day, lengths)
        event = icalendar.Event()
        event.add("uid", f"{slug}-{reminders.started.isoformat()}-day-{day.number}@guided")
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=max(MIN_EVENT_MINUTES, minutes)))
        event.add("summary", day.title or f"{journey.title}: day {day.number}")
        event.add("description", _description(journey, day, practices))
        event.add("categories", ["guided"])
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", dt.timedelta(0))
        alarm.add("description", day.title or f"Day {day.number} of {journey.title}")
        event.add_component(alarm)
        cal.add_component(event)
    if zone is not None:  # its rules over the journey's weeks (and a year around them)
        last = reminders.started + dt.timedelta(days=len(journey.days))
        cal.add_missing_timezones(first_date=reminders.started - dt.timedelta(days=366),
                                  last_date=last + dt.timedelta(days=366))
    return cal.to_ical()


def journey_calendar(journey: Journey, folder: Path, started: dt.date) -> str:
    """A bundle's ``reminders.ics``: every day of ``journey`` from ``started`` at 08:30 on
    the client's own clock (floating: the client's zone is not known here). Returns its
    name, for the page's link."""
    (folder / BUNDLE_FILE).write_bytes(calendar_bytes(Reminders(journey, started, 1, BUNDLE_TIME)))
    return BUNDLE_FILE


def _practices(journey: Journey, day: Day,
               known: dict[str, tuple[str, float]]) -> tuple[list[str], int]:
    """The day's practices as 'title (about 6:05)', and their minutes, rounded up."""
    lines, seconds = [], 0.0
    for ref in day.practices:
        if ref.ref not in known:
            script = load_practice(journey, ref)
            known[ref.ref] = (filled_title(script, {}), estimate_seconds(script))
        title, length = known[ref.ref]
        seconds += length
        lines.append(f"{title} (about {format_length(length)})")
    return lines, int(-(-seconds // 60))


def _description(journey: Journey, day: Day, practices: list[str]) -> str:
    week = journey.weeks[day.week - 1]
    parts = [f"Day {day.number} of {len(journey.days)} of {journey.title}, "
             f"week {week.number}: {week.title}."]
    if practices:
        parts.append("Practice: " + "; ".join(practices) + ".")
    elif day.focus:
        parts.append(f"Focus: {day.focus}")
    if day.note:
        parts.append(day.note)
    questions = list(day.asked())
    if len(questions) == 1:
        parts.append(f"To reflect on afterwards: {questions[0]}")
    elif questions:  # said once, then the questions (a programme's day may ask four)
        parts.append("To reflect on afterwards:\n" + "\n".join(f"- {q}" for q in questions))
    parts.append("When you are ready: guided journey today --play. "
                 "There is no need to catch up on a missed day.")
    return "\n\n".join(parts)
