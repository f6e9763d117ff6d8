"""Local time: the one place that decides which day a moment belongs to.

The session log stores moments as ISO 8601 with an offset (written in UTC). A person
reads and counts time on their own clock, so everything they see — ``guided log``,
the weeks and days in a row of ``guided log stats``, the days of a journey, and the
JSON and CSV exports — goes through these functions. A session at 23:30 local time
belongs to that local day for streaks and journeys alike.

The local zone is the process's (``TZ``, else the system's), read by the C library
through ``datetime.astimezone()``. A zone Python cannot use (``TZ='XYZ+24'``: a day or
more off UTC) gives UTC, with one line of warning.
"""

from __future__ import annotations

import datetime as dt


def now_utc_iso() -> str:
    """This moment as stored in the log: ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def local_time(moment: str | dt.datetime | None) -> dt.datetime | None:
    """A stored moment in the listener's local zone (with its offset); None if unreadable.

    A moment without an offset is taken as UTC (how the log has always written them)."""
    if moment is None:
        return None
    if isinstance(moment, str):
        try:
            moment = dt.datetime.fromisoformat(moment)
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    try:  # a moment at the very edge of the calendar (year 1, 9999) has no local time
        for shift in (-2, 2):
            (moment + dt.timedelta(days=shift)).astimezone(dt.timezone.utc)
    except OverflowError:
        return None
    return _on_local_clock(moment)


_warned: list[str] = []  # the warning below, once it has been given (once a run)


def _on_local_clock(moment: dt.datetime) -> dt.datetime:
    """``moment`` in the local zone; in UTC, with one line of warning, when the zone is
    one Python refuses (an offset of a day or more, as ``TZ='XYZ+24'`` gives)."""
    try:
        return moment.astimezone()
    except (ValueError, OverflowError, OSError):
        if not _warned:
            import click

            _warned.append("TZ")
            click.echo("guided: warning: TZ names a time zone a day or more away from UTC, "
                       "which cannot be used; times here are in UTC", err=True)
        return moment.astimezone(dt.timezone.utc)


def local_day(moment: str | dt.datetime | None) -> dt.date | None:
    """The local calendar day of a stored moment (streaks, weeks and journeys all use this)."""
    local = local_time(moment)
    return None if local is None else local.date()


def today() -> dt.date:
    """Today on the listener's clock."""
    return _on_local_clock(dt.datetime.now(dt.timezone.utc)).date()


def local_iso(moment: str | None) -> str | None:
    """A stored moment as local ISO 8601 with its offset, e.g. ``2026-11-30T23:30:00+14:00``
    (for exports); an unreadable value is passed on as it is."""
    local = local_time(moment)
    return moment if local is None else local.isoformat(timespec="seconds")


def local_clock(moment: str | None) -> str:
    """A stored moment as the listener reads it in a table: ``2026-11-30 23:30``."""
    local = local_time(moment)
    if local is None:
        return moment or ""
    return local.strftime("%Y-%m-%d %H:%M")
