"""Working with scripts: ``guided check``, ``guided list``, ``guided preview``, ``guided schema``."""

from __future__ import annotations

import json
import shlex
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.common import (
    cache_option,
    collect_vars,
    language_option,
    pace_option,
    preference_default,
    require_language_tag,
    var_option,
    voice_options,
)
from guided.errors import GuidedError, Pos
from guided.outputs.safetext import printable, printable_json
from guided.samples import SAMPLE_RATE
from guided.script.model import Breathe, Script, iter_steps
from guided.timeline.plan import Event, Timeline

if TYPE_CHECKING:
    from guided.speech.choice import VoiceChoice

MAX_PROBLEMS_SHOWN = 20  # per file; then "and N more"


@click.command()
@click.argument("files", nargs=-1, required=True, metavar="SCRIPT...")
@var_option
@click.option("--strict", is_flag=True, help="Treat warnings as failures too.")
@click.option("--voice", "recorded", default=None, metavar="NAME",
              help="The voice you will play or export with, as their --voice takes it (see "
                   "`guided voices`); for a voice you recorded, also name each line it has no "
                   "take for yet (a warning; an error with --strict). Without it, a script's "
                   "own recorded `voice:` is checked so.")
def check(files: tuple[str, ...], variables: tuple[str, ...], vars_file: str | None,
          strict: bool, recorded: str | None) -> None:
    """Check scripts for mistakes before anyone listens to them.

    Prints one calm "ok" line per good script, and one line per problem
    (file:line:col: error: ...) for the others: every mistake in a file at once,
    in file order (up to 20, then how many more). Warnings (a very long pause, fast
    speech, a long practice with no sections, a `voice:` not on this computer, which
    the usual voice replaces) are shown but only fail with --strict.
    Exits with 0 when every script is fine, 1 otherwise.

    SCRIPT is a path to a YAML file or the name of a practice (see `guided list`).
    A journey file is checked with every practice it names, as `guided journey check` does.
    """
    from guided.commands.record import recorded_voice, with_missing_takes
    from guided.practice import journeys
    from guided.practice.checks import WARNING, Report, check_file, unknown_variables
    from guided.script.durations import format_length
    from guided.script.library import find_script

    values = collect_vars(variables, vars_file)
    own_voice = recorded_voice(recorded) if recorded else None
    failed = False
    # per file: a report, a checked journey, or the message for a file not found
    reports: list[Report | _JourneyCheck | str] = []
    for ref in files:
        try:
            path = find_script(ref)
        except GuidedError as exc:
            reports.append(f"{ref}: error: {exc.message}")
            continue
        if journeys.is_journey_file(path):  # `check *.yaml` in a folder with a journey in it
            reports.append(_check_journey_file(path, values))
            continue
        report = with_missing_takes(check_file(path, values, name=path.stem), own_voice, ref,
                                    strict, script_voice=not recorded)
        names = _variables_file_names(report)
        if names is not None:  # `check *.yaml` beside a client's variables file
            reports.append(f"{path}: a variables file ({', '.join(names) or 'empty'}), not a "
                           f"practice script: use it with --vars-file {shlex.quote(str(path))}")
            continue
        reports.append(report)
    loaded = [s for r in reports if isinstance(r, _JourneyCheck) for s in r.practices]
    loaded += [r.script for r in reports if isinstance(r, Report) and r.script is not None]
    unknown = unknown_variables(values, loaded) if loaded else []
    for problem in unknown:  # the values given come before the files they fill
        click.echo(printable(problem), err=True)
        failed = True
    for report in reports:
        if isinstance(report, str):
            click.echo(printable(report), err=True)
            failed = failed or ": error: " in report
            continue
        if isinstance(report, _JourneyCheck):
            failed = report.show(quiet=bool(unknown)) or failed
            continue
        path = report.path
        for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
            click.echo(printable(problem), err=True)
        hidden = len(report.problems) - MAX_PROBLEMS_SHOWN
        if hidden > 0:
            click.echo(printable(f"{path}: and {hidden} more; fix these first, then check again"),
                       err=True)
        if report.failed(strict=strict) or report.script is None or report.timeline is None:
            failed = True
            continue
        if unknown:
            continue
        warnings = sum(1 for p in report.problems if p.severity == WARNING)
        note = f" (with {warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        length = format_length(report.timeline.seconds)
        click.echo(printable(f"{path}: ok{note} — {report.timeline.title}, about {length}"))
    if failed:
        sys.exit(1)


class _JourneyCheck:
    """A journey file met by `guided check`: checked the way `guided journey check` does."""

    def __init__(self, path: Path, journey, practices: list[Script], problems: list):
        self.path, self.journey, self.practices, self.problems = path, journey, practices, problems

    def show(self, quiet: bool) -> bool:
        """Print the outcome; True when the journey has problems."""
        for problem in self.problems:
            click.echo(printable(problem), err=True)
        where = shlex.quote(str(self.path))
        if self.problems or self.journey is None:
            return True
        j = self.journey
        warnings = list(getattr(j.programme, "warnings", ()))  # a programme's: HTML left out, ...
        for pos, message in warnings:
            click.echo(printable(f"{pos}: warning: {message}"), err=True)
        if not quiet:
            weeks = f"{len(j.weeks)} week{'s' if len(j.weeks) != 1 else ''}"
            note = f" (with {len(warnings)} warning{'s' if len(warnings) != 1 else ''})" if warnings else ""
            click.echo(printable(f"{self.path}: ok{note} — a journey, '{j.title}': {weeks}, "
                                 f"{len(j.days)} days, every practice checked "
                                 f"(as `guided journey check {where}` does)"))
        return False


def _variables_file_names(report) -> list[str] | None:
    """The names in a file that failed to load as a script because it is a variables file
    (no 'title' or 'steps', only names and text); else None."""
    if report.script is not None or not report.problems:
        return None
    if not report.problems[0].message.startswith(("unknown key", "missing 'title'", "missing 'steps'")):
        return None
    from guided.script.varsfile import variable_names

    return variable_names(report.path)


def _check_journey_file(path: Path, values) -> _JourneyCheck:
    from guided.practice import journeys
    from guided.practice.checks import Problem

    try:
        j = journeys.parse_journey(path)
    except GuidedError as exc:  # every mistake of the file, when several were found
        errors = getattr(exc, "errors", None) or [exc]
        return _JourneyCheck(path, None, [], [Problem(e.pos or Pos(str(path)), e.message) for e in errors])
    # the names given are checked once, against every file of this `check`
    practices, problems = journeys.journey_problems(j, values, given_names=False)
    return _JourneyCheck(path, j, practices, problems)


@click.command("list")
@click.option("--practice", "kind", default=None, metavar="KIND",
              help="Only practices of this kind (grounding, orienting, breath, self-compassion, "
                   "body, parts, custom).")
@click.option("--language", "-l", default=None, metavar="CODE",
              help="Only practices in this language (en, de, es, fr, it...), yours and built-in.")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def list_scripts(kind: str | None, language: str | None, as_json: bool) -> None:
    """Every practice you can play: the built-in ones and your own.

    Without --language, your own practices and the English built-in ones; the built-in
    German, Spanish, French and Italian ones are listed with --language de (es, fr, it).

    Your own scripts live in the `scripts` folder of your guided folder; one with the
    same name as a built-in practice (or one differing only in capitals, '-' or '_')
    is used instead of it, and is marked "hides the built-in".
    """
    from guided.commands.lengths import ESTIMATED_NOTE, listing_lengths
    from guided.script.durations import format_length
    from guided.script.langtag import language_name
    from guided.script.library import iter_library, listed, other_languages
    from guided.script.model import PRACTICE_KINDS
    from guided.script.suggest import did_you_mean

    if kind is not None and kind not in PRACTICE_KINDS:
        raise GuidedError(
            f"there is no practice kind '{kind}'{did_you_mean(kind, PRACTICE_KINDS)}; "
            f"choose one of: {', '.join(PRACTICE_KINDS)}"
        )
    if language is not None:
        require_language_tag(language)
    length = listing_lengths()  # real once heard or exported, else estimated
    everything = iter_library()
    entries = [e for e in listed(everything, language)
               if kind is None or (e.script is not None and e.script.practice == kind)]
    if as_json:
        items = []
        for e in entries:
            item: dict[str, object] = {"name": e.name, "source": e.source, "path": str(e.path)}
            if e.hides is not None:
                item["hides"] = str(e.hides)
            if e.script is not None:
                seconds, exact = length.of(e.script)
                item.update(title=e.script.title, practice=e.script.practice,
                            language=e.script.language, length_seconds=round(seconds, 1),
                            length=format_length(seconds), length_exact=exact)
            else:
                item["error"] = str(e.error)
            items.append(item)
        click.echo(printable_json(json.dumps(items, indent=2, ensure_ascii=False)))
        return
    if not entries:
        where = f" in {language_name(language)}" if language else ""
        click.echo(f"No practices of that kind{where} yet." if kind else f"No practices{where} yet.")
        return
    rows: list[tuple[str, ...]] = [("name", "title", "practice", "length", "source")]
    estimated = False
    for e in entries:
        source = f"{e.source}, hides the built-in" if e.hides is not None else e.source
        if e.script is not None:
            seconds, exact = length.of(e.script)
            estimated = estimated or not exact
            rows.append((e.name, e.script.title, e.script.practice,
                         ("" if exact else "~") + format_length(seconds), source))
        else:
            rows.append((e.name, "(cannot be read: see below)", "-", "-", source))
    others = other_languages(everything) if language is None else []
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    if estimated:
        click.echo(f"\n{ESTIMATED_NOTE}")
    for e in entries:  # one line each, after the table, so the rest is listed first
        if e.error is not None:
            click.echo(printable(e.error), err=True)
    hiding = [(e.name, e.hides.stem) for e in entries if e.hides is not None]
    if hiding:
        names = ", ".join(f"'{n}'" if n == b else f"'{n}' (for '{b}')" for n, b in hiding)
        alike = "" if all(n == b for n, b in hiding) else " (or one differing only in capitals, '-' or '_')"
        click.echo("")
        click.echo(printable(f"Your own {names} hide{'s' if len(hiding) == 1 else ''} the built-in "
                             f"practice{'s' if len(hiding) > 1 else ''} of the same name{alike}; "
                             "`guided remove NAME` moves yours to the trash and brings the built-in back."))
    if others:
        names = ", ".join(language_name(code) for code in others)
        click.echo(f"\nAlso in {names}: `guided list --language {others[0]}` (or {', '.join(others[1:])}).")


@click.command()
@click.argument("script_ref", metavar="SCRIPT")
@language_option("script_ref")
@var_option
@pace_option
@voice_options
@cache_option
@click.option("--play-from", "play_from", default=None, metavar="SECTION",
              help="Then play it from SECTION (its number or title), to hear how it sounds. "
                   "Auditions are not kept in your session log.")
@click.option("--device", default=preference_default("device"), metavar="D",
              help="Output device for --play-from (see `guided devices`; default: your settings', "
                   "else the system's).")
def preview(script_ref: str, variables: tuple[str, ...], vars_file: str | None,
            pace: float | None, voice: VoiceChoice,
            cache_dir: Path, play_from: str | None, device: str | None) -> None:
    """Show the practice as a timeline: when each thing is said, every pause,
    section and breath, and the total length.

    Lengths of speech are real once the clips are in the audio cache (after the
    practice was played or exported with the same voice and rate); until then they
    are estimated from the words and the rate, and the preview says so.

    With --play-from SECTION it then plays the practice from that section, the way
    `guided play --from` does, so you can listen to the part you are working on.
    """
    from guided.commands.chosen import choose
    from guided.commands.lengths import cached_lengths
    from guided.practice.checks import require_known_variables
    from guided.script.library import load
    from guided.timeline.plan import plan

    script = load(script_ref)
    chosen = choose(cache_dir=cache_dir, voice=replace(voice, announce=None),  # never announced
                    variables=variables, vars_file=vars_file, pace=pace, device=device)
    require_known_variables(chosen.variables, [script])
    if play_from is not None:
        from guided.audio.device import check_output
        from guided.outputs import quiet

        with quiet.captured(show=quiet.debug_requested()):  # PortAudio's start-up messages
            found = check_output(chosen.device)  # no device: say so before printing anything
    measure, close = cached_lengths(script, chosen)
    try:
        timeline = plan(script, variables=chosen.variables, pace=chosen.pace, rate=chosen.rate,
                        measure=measure)
    finally:
        close()
    if timeline.exact:  # every clip was in the cache: `guided list` may show this length too
        from guided.practice.known_lengths import remember_timeline

        remember_timeline(timeline, chosen.voice, chosen.cache)
    for line in preview_lines(timeline):
        click.echo(printable(line))
    if play_from is not None:
        from guided.outputs import quiet
        from guided.outputs.player import PlayOptions, play_script
        from guided.outputs.player.screen import is_interactive

        options = PlayOptions(chosen, device=found.index, start_section=play_from,
                              interactive=is_interactive())
        with quiet.captured(show=quiet.debug_requested()):
            result = play_script(script, options)
        if result.stop_wanted:  # Ctrl-C or SIGTERM: as `guided play` ends
            click.echo("Stopped.", err=True)
            sys.exit(130)


@click.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write the schema to FILE instead of printing it ('-' prints it).")
@click.option("--force", is_flag=True, help="Replace FILE if it already exists.")
def schema(output: str | None, force: bool) -> None:
    """Print the JSON Schema of the script format, for editors.

    With it, an editor that uses the YAML language server (VS Code's YAML extension,
    and others) completes script keys, explains them, and marks mistakes as you type.
    See docs/editor-setup.md.
    """
    from guided.outputs.writer import Guard, is_stdout, write_output
    from guided.paths import cache_dir as default_cache  # no --cache-dir here
    from guided.script.schema import script_schema

    text = json.dumps(script_schema(), indent=2, ensure_ascii=False) + "\n"
    if output is None or is_stdout(output):
        click.echo(text, nl=False)
        return
    target = Path(output).expanduser()
    write_output(target, text, force=force, guard=Guard.for_user_data(default_cache()), what="the schema")
    click.echo(f"Wrote the schema to {target}")


# ---------------------------------------------------------------------------- preview text


def preview_lines(timeline: Timeline) -> Iterator[str]:
    """The timeline as text, one line per thing that happens; a `breathe` step is one line."""
    from guided.script.durations import format_clock, format_length

    script = timeline.script
    estimated = "" if timeline.exact else ", estimated"
    yield f"{timeline.title}  ({script.practice} · about {format_length(timeline.seconds)}{estimated})"
    breaths = {step.pos: step for step in iter_steps(script.steps) if isinstance(step, Breathe)}
    events = timeline.events
    i = 0
    while i < len(events):
        ev = events[i]
        if ev.phase:
            breath = breaths.get(ev.pos) if ev.pos is not None else None
            j = _breath_end(events, i, breath)
            text = _breath_text(breath, timeline.pace)
            yield f"{format_clock(ev.start_seconds):>7}  {text}" \
                  f"  [{format_clock(events[j - 1].end_seconds - ev.start_seconds)}]"
            i = j
            continue
        line = _event_text(ev)
        if line:
            yield f"{format_clock(ev.start_seconds):>7}  {line}"
        i += 1
    total = format_clock(timeline.seconds)
    if timeline.exact:
        yield f"{total:>7}  end — {format_length(timeline.seconds)} in all"
    else:
        yield f"{total:>7}  end — about {format_length(timeline.seconds)} in all (estimated: " \
              "speech lengths are real once the practice has been played or exported)"


def _event_text(ev: Event) -> str:
    from guided.timeline.plan import BELL, SECTION, SILENCE, SPEECH, TAIL

    if ev.kind == SECTION:
        return f"§ {ev.text}"
    if ev.kind == SPEECH:
        return f'say      "{ev.text}"'
    if ev.kind == SILENCE:
        return f"pause    {_seconds(ev.length / SAMPLE_RATE)}"
    if ev.kind == BELL:
        return "bell" if ev.text == "bell" else f"bell     ({ev.text})"
    if ev.kind == TAIL:
        return f"ambience fades out ({_seconds(ev.length / SAMPLE_RATE)})"
    return ev.kind


def _breath_end(events: tuple[Event, ...], start: int, step: Breathe | None) -> int:
    """Index just past the events of one run of a `breathe` step starting at ``start``."""
    cycles = step.cycles if step else 1
    inhales = 0
    j = start
    while j < len(events) and events[j].phase and events[j].pos == events[start].pos:
        if events[j].phase == "inhale" and (j == start or events[j - 1].phase != "inhale"):
            inhales += 1
            if inhales > cycles:
                break
        j += 1
    return j


def _breath_text(step: Breathe | None, pace: float) -> str:
    """One line for a breathe step, with the holds as long as `pace` makes them."""
    if step is None:  # pragma: no cover - every breath event comes from a Breathe step
        return "breathe"
    parts = [f"in {_seconds(step.inhale, unit='')}"]
    if step.hold:
        parts.append(f"hold {_seconds(step.hold * pace, unit='')}")
    parts.append(f"out {_seconds(step.exhale, unit='')}")
    if step.hold_out:
        parts.append(f"rest {_seconds(step.hold_out * pace, unit='')}")
    cues = "voice cues" if step.cue == "voice" else "tones"
    return f"breathe  {' · '.join(parts)} × {step.cycles} ({cues})"


def _seconds(seconds: float, unit: str = "s") -> str:
    text = f"{seconds:.1f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"
