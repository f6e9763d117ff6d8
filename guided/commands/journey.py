"""``guided journey``: multi-week programmes of daily practices (see docs/journeys.md)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.common import (
    cache_option,
    collect_vars,
    pace_option,
    plain_text,
    preference_default,
    var_option,
    voice_options,
    warm_up_audio,
)
from guided.errors import GuidedError
from guided.outputs.safetext import printable
from guided.paths import is_path_ref
from guided.practice import journeys
from guided.practice.journeyfile import Day, Journey
from guided.practice.journeys import Progress

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen
    from guided.speech.choice import VoiceChoice


def _count(things, word: str) -> str:
    """``1 week``, ``2 weeks``: a count with its word, singular for one."""
    return f"{len(things)} {word}{'' if len(things) == 1 else 's'}"


def _current() -> tuple[Journey, Progress]:
    progress = journeys.current_progress()
    if progress is None:
        raise GuidedError("no journey started yet; see `guided journey list`, then `guided journey start NAME`")
    return journeys.load_journey(progress.journey), progress


def _script_lengths(journey: Journey, day: Day, values: Mapping[str, str]) -> list[tuple[str, str]]:
    """``(title, about-length)`` for each practice of a day (titles filled with ``values``)."""
    from guided.script.durations import format_length
    from guided.script.lengths import estimate_seconds
    from guided.script.placeholders import filled_title

    result = []
    for ref in day.practices:
        script = journeys.load_practice(journey, ref)
        result.append((filled_title(script, values),
                       format_length(estimate_seconds(script))))
    return result


def _show_day(journey: Journey, day: Day, is_today: bool, values: Mapping[str, str]) -> None:
    week = journey.weeks[day.week - 1]
    click.echo(f"{journey.title}")
    click.echo(f"Week {week.number}: {week.title}")
    if week.theme:
        click.echo(click.wrap_text(week.theme, initial_indent="  ", subsequent_indent="  "))
    click.echo("")
    title = f": {day.title}" if day.title else ""
    click.echo(f"{'Today · ' if is_today else ''}Day {day.number} of {len(journey.days)}{title}")
    if day.focus:
        click.echo(click.wrap_text(f"Focus: {day.focus}", initial_indent="  ", subsequent_indent="  "))
    for name, length in _script_lengths(journey, day, values):
        click.echo(f"  Practice: {name} (about {length})")
    if not day.practices:  # a programme day with a focus only: never silence
        from guided.commands.journey_programme import programme_language, suggestion_lines

        for line in suggestion_lines(day, week.title, programme_language(journey)):
            click.echo(click.wrap_text(line, initial_indent="  ", subsequent_indent="  "))
    if day.note:
        click.echo(click.wrap_text(day.note, initial_indent="  ", subsequent_indent="  "))
    asked = day.asked()
    if asked:
        click.echo("")
        click.echo("  To reflect on afterwards:" if len(asked) > 1 else
                   click.wrap_text(f"To reflect on afterwards: {asked[0]}", initial_indent="  ",
                                   subsequent_indent="  "))
        for n, question in enumerate(asked if len(asked) > 1 else (), 1):
            click.echo(click.wrap_text(f"{n}. {question}", initial_indent="    ", subsequent_indent="       "))


@click.group()
def journey() -> None:
    """Multi-week journeys: one short practice a day, with a question to reflect on.

    \b
    guided journey list               the journeys you can start
    guided journey start six-weeks    begin today
    guided journey today              today's practice and question
    guided journey today --play       play it, then note your reflection
    guided journey status             where you are and the days you practised
    guided journey add programme.md   a programme written in Markdown, into your journeys
    guided journey show NAME          a journey's weeks, and a programme's own sections
    guided journey remind --ics F     the days ahead as calendar events, with reminders
    """


@journey.command("list")
def list_journeys() -> None:
    """Show the journeys you can start (yours first, then the built-in ones)."""
    try:
        progress = journeys.current_progress()
    except GuidedError:  # a damaged progress file: the list is still worth showing
        progress = None
    found = False
    for name, origin, path in journeys.iter_journeys():
        found = True
        try:
            j = journeys.parse_journey(path)
        except GuidedError as exc:
            click.echo(printable(f"{name:<20} ({origin}) cannot be read: {exc}"))
            continue
        mark = " (current)" if progress and progress.journey in (name, str(path)) else ""
        click.echo(printable(f"{name:<20} {j.title} · {_count(j.weeks, 'week')}, {_count(j.days, 'day')} · "
                             f"{origin}{mark}"))
    if not found:
        click.echo("No journeys found.")
    click.echo(f"\nYour own journeys live in {journeys.user_journeys_dir()}")


@journey.command()
@click.argument("name")
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="The day you began: today or earlier (default: today).")
@click.option("--vars-file", default=None, metavar="FILE",
              help="A variables file ({name} values) to use for every day; it is remembered.")
def start(name: str, on: dt.datetime | None, vars_file: str | None) -> None:
    """Start the journey NAME today (or --on the day you began).

    NAME is a journey's name, a journey file, or a programme written in Markdown (.md).
    Starting again begins again from day 1; your logged sessions stay.
    """
    from guided.practice import days

    if on is not None and on.date() > days.today():
        raise GuidedError(f"--on {on.date().isoformat()} is after today ({days.today().isoformat()}): "
                          "give the day you began, or leave out --on to start today")
    j = journeys.load_journey(name)
    journeys.check_journey(j)
    if vars_file:
        collect_vars((), vars_file)  # a file that cannot be read is said now, not on day 12
        vars_file = str(Path(vars_file).expanduser().resolve())
    ref = str(Path(name).expanduser().resolve()) if is_path_ref(name) else name
    progress = journeys.start_journey(ref, on.date() if on else None, vars_file)
    click.echo(f"Started '{j.title}' on {progress.started.isoformat()}: "
               f"{_count(j.weeks, 'week')}, {_count(j.days, 'day')}.")
    click.echo("One short practice a day is plenty, and a missed day is fine.")
    click.echo("See today's practice with: guided journey today")


@journey.command()
@click.option("--day", "day_number", type=click.IntRange(min=1), default=None,
              help="Show (or play) another day instead, to catch up or repeat.")
@click.option("--play", "play_now", is_flag=True, help="Play today's practice now.")
@click.option("--reflection", default=None, metavar="TEXT", callback=plain_text,
              help="Your answer to the day's question (otherwise you are asked after playing).")
@click.option("--no-prompt", is_flag=True, help="Do not ask anything; just play.")
@click.option("--device", default=preference_default("device"),
              help="Output device (see `guided devices`; default: your settings', else the system's).")
@voice_options
@pace_option
@var_option
@cache_option
def today(day_number: int | None, play_now: bool, reflection: str | None, no_prompt: bool,
          device: str | None, voice: VoiceChoice, pace: float | None,
          variables: tuple[str, ...], vars_file: str | None, cache_dir: Path) -> None:
    """Show today's practice and question, and offer to play it."""
    if not play_now:
        _today(day_number, play_now, reflection, no_prompt, device, voice, pace, variables,
               vars_file, cache_dir)
        return
    from guided.outputs import quiet

    # PortAudio's and ALSA's C messages stay off the screen; PortAudio starts while the
    # programme is read (first sound, issue 21)
    with quiet.captured(show=quiet.debug_requested()):
        warm = warm_up_audio()
        try:
            _today(day_number, play_now, reflection, no_prompt, device, voice, pace, variables,
                   vars_file, cache_dir)
        finally:
            warm.join(timeout=5)  # its start-up messages land in the capture, not after it


def _today(day_number: int | None, play_now: bool, reflection: str | None, no_prompt: bool,
           device: str | None, voice: VoiceChoice, pace: float | None,
           variables: tuple[str, ...], vars_file: str | None, cache_dir: Path) -> None:
    j, progress = _current()
    number = day_number or journeys.day_number(progress)
    if day_number is not None and day_number > len(j.days):  # asked for: not the gentle end
        raise GuidedError(f"this journey has {len(j.days)} days, so there is no day {day_number}; "
                          f"choose --day 1 to {len(j.days)}")
    if number > len(j.days):
        click.echo(f"You have reached the end of '{j.title}' ({len(j.days)} days). Well done for showing up.")
        click.echo("Any practice is still here for you: `guided list`, or repeat a day with --day N.")
        return
    from guided.commands.chosen import choose

    chosen = choose(cache_dir=cache_dir, voice=voice, variables=variables, pace=pace, device=device,
                    vars_file=vars_file or journeys.remembered_vars(progress.journey))
    values = chosen.variables
    asked = journeys.reflection_variables(j)  # the {name}s the reflections use, before filling
    j = j.filled(values)  # the reflections, as the client will read them
    day = j.day(number)
    _show_day(j, day, day_number is None, values)
    if not play_now and (no_prompt or not sys.stdin.isatty()
                         or not click.confirm("\nPlay it now?", default=False)):
        click.echo(f"\nWhen you are ready: guided journey today{f' --day {number}' if day_number else ''} --play")
        return
    if play_now:  # already inside `today`'s capture
        _play_day(j, day, chosen, reflection=reflection, ask=not no_prompt, asked=asked)
        return
    from guided.outputs import quiet

    with quiet.captured(show=quiet.debug_requested()):  # PortAudio's C messages stay off the screen
        _play_day(j, day, chosen, reflection=reflection, ask=not no_prompt, asked=asked)


def _play_day(j: Journey, day: Day, chosen: Chosen, *, reflection: str | None, ask: bool,
              asked: set[str]) -> None:
    """Play the day's practices in turn (like `guided play`), logged with the journey and
    day; then ask the day's question and keep the answer with the last session."""
    from guided.audio.device import check_output
    from guided.commands.ask import AFTER, BEFORE, REFLECTION, ask_line, ask_rating
    from guided.commands.journey_programme import day_scripts
    from guided.i18n import texts
    from guided.outcomes import REACHED_END
    from guided.outputs import liveline  # a warning while playing goes above the progress line
    from guided.outputs.player import PlayOptions, play_script
    from guided.outputs.player.play import prepare
    from guided.outputs.player.screen import is_interactive
    from guided.practice import sessionlog
    from guided.practice.checks import check_practices, require_known_variables
    from guided.practice.practicelog import open_for_practice
    from guided.practice.recorder import SessionRecorder
    from guided.preferences import load_preferences
    from guided.script.placeholders import filled_title

    variables = chosen.variables
    scripts = day_scripts(j, day)
    language = scripts[0].language if scripts else "en"  # the questions, in the day's language
    _ = texts(language)
    require_known_variables(variables, [journeys.load_practice(j, ref) for ref in j.practice_refs()],
                            asked)
    problems = check_practices(scripts, variables)  # said now, before a question or a sound
    if problems:
        for problem in problems:
            click.echo(printable(str(problem)), err=True)
        sys.exit(1)
    found = check_output(chosen.device)  # before asking anything or any speech: no device, no questions
    # The first practice's speech starts being made now, while the log and the questions
    # are seen to (first sound, issues 13 and 21).
    first = prepare(scripts[0], PlayOptions(chosen)) if scripts else None
    log = None
    try:
        interactive = is_interactive()
        rate_it = interactive and ask and load_preferences().ratings
        log = (open_for_practice(warn=lambda message: liveline.echo(message, err=True))
               if sessionlog.logging_enabled() else None)  # never stops the practice
        before = ask_rating(BEFORE, language=language) if rate_it else None
        result = None
        recorder = (SessionRecorder(log, distress_before=before, journey=j.name, journey_day=day.number)
                    if log is not None else None)
        for script in scripts:
            title = filled_title(script, variables)
            click.echo("\n" + _("Playing {title}. You can stop at any time with Ctrl-C.").format(title=title))
            options = PlayOptions(chosen, device=found.index, interactive=interactive)
            prepared, first = first, None  # the first practice plays what was prepared
            result = play_script(script, options, recorder, prepared=prepared)
            if recorder is not None:
                recorder.distress_before = None  # the rating belonged to the first practice
            if result.stop_wanted:
                click.echo("\n" + (_("Stopped. That counts too. The session is in your log.") if log
                                    else _("Stopped. That counts too.")),
                           err=True)
                sys.exit(130)
            if result.outcome not in REACHED_END:
                break
        if result is None:
            return
        after, kept, stopped = None, [], False
        try:  # Ctrl-C while answering keeps the rating and the answers already given
            after = ask_rating(AFTER, language=language) if rate_it else None
            for n, question in enumerate(day.asked()):
                answer = reflection if n == 0 else None
                if answer is None and ask:
                    click.echo("")
                    click.echo(click.wrap_text(question))
                    answer = ask_line(REFLECTION, language)
                if answer and answer.strip():
                    kept.append({"question": question, "answer": answer.strip()})
        except KeyboardInterrupt:
            stopped = True
        if not day.asked() and reflection and reflection.strip():
            kept.append({"question": "", "answer": reflection.strip()})
        saved: object = (kept[0] if len(kept) == 1 else kept) or None
        if log is not None and recorder is not None and recorder.session_id is not None:
            log.rate_after(recorder.session_id, distress_after=after, reflection=saved)
            shown = log.log_id(recorder.session_id) if saved else None
            if shown is not None:
                click.echo("Your reflection is saved with this session "
                           f"(`guided log show {shown}` shows it whole).")
            elif saved:
                click.echo("Your reflection is kept with this session, which joins your log "
                           "the next time guided can write to it.")
        elif saved:
            click.echo("Session logging is off, so the reflection was not saved.")
        if stopped:
            click.echo("\nStopped." + (" What you wrote so far is kept." if log is not None else ""), err=True)
            sys.exit(130)
        click.echo(_("Thank you for taking this time."))
    finally:
        if first is not None:
            first.close()  # not played (no device, Ctrl-C at a question)
        if log is not None:
            log.close()


@journey.command()
def status() -> None:
    """Where you are in your journey, and the days you practised (from the session log)."""
    from guided.practice import sessionlog

    j, progress = _current()
    number = journeys.day_number(progress)
    total = len(j.days)
    from guided.commands.log import reading_log

    with reading_log() as log:
        done = journeys.practised_days(j.name, progress, log.all())
    click.echo(j.title)
    if number > total:
        click.echo(f"Started {progress.started.isoformat()}; all {total} days have passed.")
    else:
        week = j.weeks[j.day(number).week - 1]
        click.echo(f"Started {progress.started.isoformat()} · day {number} of {total} · "
                   f"week {week.number}: {week.title}")
    so_far = min(number, total)
    ahead = len([d for d in done if d > so_far])  # `journey today --day N` may play ahead
    click.echo(f"Days practised: {len(done) - ahead} of {so_far} so far"
               + (f", and {_count(range(ahead), 'day')} ahead." if ahead else "."))
    click.echo("")
    for week in j.weeks:
        marks = []
        for d in week.days:
            if d.number in done:
                marks.append("●")
            elif d.number <= so_far:
                marks.append("○")
            else:
                marks.append("·")
        click.echo(f"  Week {week.number}  {' '.join(marks)}  {week.title}")
    click.echo("\n  ● practised   ○ not yet   · still to come")
    if not sessionlog.logging_enabled():
        click.echo("Session logging is off, so new practice is not counted (`guided log on`).")
    click.echo("Missed days are fine. Catch up or repeat any day with: guided journey today --day N")


@journey.command()
@click.argument("name")
@var_option
def check(name: str, variables: tuple[str, ...], vars_file: str | None) -> None:
    """Check a journey file and every practice it names, filled in with --var and
    --vars-file just as `guided journey today --play` will fill them.

    \b
    guided journey check six-weeks
    guided journey check sam-journey.yaml --vars-file sam.yaml
    guided journey check attachment-healing.md
    """
    from guided.commands.journey_programme import load_checked, programme_summary
    from guided.practice.checks import unfilled_problems
    from guided.script.placeholders import fill_text

    values = collect_vars(variables, vars_file)
    j = load_checked(name, values)
    title = fill_text(j.title, values)
    scripts, problems = journeys.journey_problems(j, values)
    for problem in problems:
        click.echo(printable(problem), err=True)
    warnings = list(unfilled_problems(j.reflections(), values, in_script=False))
    for warning in warnings:  # shown, as `guided check` shows them; --strict is not here
        click.echo(printable(warning), err=True)
    if problems:
        count = _count(problems, "problem")
        click.echo(printable(f"{count} to fix before '{title}' can be played."), err=True)
        sys.exit(1)
    note = f" (with {_count(warnings, 'warning')})" if warnings else ""
    if j.programme is not None:
        programme_summary(j, note, values)
        return
    click.echo(printable(f"All good{note}: '{title}', {_count(j.weeks, 'week')}, "
                         f"{_count(j.days, 'day')}, {_count(scripts, 'different practice')}."))


def _more_commands() -> None:
    from guided.commands.journey_programme import add, show
    from guided.commands.journey_remind import remind

    journey.add_command(add)
    journey.add_command(show)
    journey.add_command(remind)


_more_commands()
