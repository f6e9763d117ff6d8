"""``guided journey remind``: the days still ahead of a journey as calendar events."""

from __future__ import annotations

import os
from pathlib import Path

import click

from guided.errors import GuidedError


@click.command()
@click.argument("name", required=False)
@click.option("--ics", "ics", required=True, type=click.Path(dir_okay=False), metavar="FILE",
              help="The calendar file to write (.ics); import it into any calendar app.")
@click.option("--time", "at", default="08:30", show_default=True, metavar="HH:MM",
              help="When each day's reminder comes, on your local clock (24-hour).")
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
def remind(name: str | None, ics: str, at: str, force: bool) -> None:
    """Reminders for the days ahead: one calendar event a day, from today to the end.

    NAME is a journey you have started (default: your current one). Each event has
    the day's title, its practice and its question, at --time on your local clock,
    with a gentle alert; importing a newer file updates the days instead of doubling
    them. Nothing is sent anywhere: you import the file yourself.

    \b
    guided journey remind --ics journey.ics
    guided journey remind six-weeks --ics six-weeks.ics --time 19:00
    """
    from guided.outputs.calendar import Reminders, calendar_bytes, parse_clock, zone_name
    from guided.outputs.safetext import printable
    from guided.outputs.writer import Guard, check_target, writing
    from guided.paths import cache_dir as default_cache  # no --cache-dir here
    from guided.practice import journeys
    from guided.practice.journey_progress import progress_of

    clock = parse_clock(at)
    progress = journeys.current_progress() if name is None else progress_of(name)
    if progress is None and name is not None:
        journeys.find_journey(name)  # a journey that does not exist says so, with a suggestion
    if progress is None:
        raise GuidedError("no journey started yet; see `guided journey list`, then "
                          "`guided journey start NAME`" if name is None else
                          f"'{printable(name)}' is not started yet; `guided journey start "
                          f"{printable(name)}` begins it, and then its reminders can follow")
    journey = journeys.load_journey(progress.journey)
    first = journeys.day_number(progress)
    if first > len(journey.days):
        raise GuidedError(f"'{printable(journey.title)}' has no days left to remind you of "
                          f"(all {len(journey.days)} are behind you)")
    vars_file = journeys.remembered_vars(progress.journey)
    try:
        from guided.commands.common import collect_vars

        journey = journey.filled(collect_vars((), vars_file))
    except GuidedError:
        pass  # the titles keep their {name}: a reminder is still a reminder
    guard = Guard.for_user_data(default_cache())
    guard.add_input(journey.path, "the journey")
    guard.add_input(vars_file, "the journey's vars file")
    out = Path(ics).expanduser()
    real = check_target(out, force=force, guard=guard, what="the calendar")
    data = calendar_bytes(Reminders(journey, progress.started, first, clock,
                                    zone_name(os.environ.get("TZ"))))
    with writing(real, force=force) as tmp:
        tmp.write_bytes(data)
    left = len(journey.days) - first + 1
    click.echo(printable(f"{out}: {left} day{'' if left == 1 else 's'} of '{journey.title}', "
                         f"each at {clock:%H:%M}. Import it into your calendar app."))
