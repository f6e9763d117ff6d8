"""``guided journey add`` and ``show``, and what the other journey commands say about a
programme written in Markdown (docs/journeys.md, "Programmes in Markdown")."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import click

from guided.errors import GuidedError, ScriptErrors
from guided.outputs.safetext import printable
from guided.practice import journeys
from guided.practice.journeyfile import Day, Journey


def load_checked(name: str, values: Mapping[str, str] | None = None) -> Journey:
    """The journey ``name``; its mistakes are all listed, one line each (for a YAML
    journey, with the practices of the days that could be read), then the command ends
    (exit 1)."""
    try:
        return journeys.load_journey(name)
    except ScriptErrors as exc:
        lines = [f"{error.pos}: error: {error.message}" for error in exc.errors]
        if isinstance(exc.partial, Journey):
            lines += [str(problem) for problem in journeys.journey_problems(exc.partial, values)[1]]
        for line in lines:
            click.echo(printable(line), err=True)
        if len(lines) > 1:  # one mistake is one line, as `guided check` says it
            click.echo(f"{len(lines)} problems to fix before it can be followed.", err=True)
        sys.exit(1)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def programme_summary(j: Journey, note: str, values: Mapping[str, str]) -> None:
    """What `journey check` says about a programme: its weeks, the written days, and
    every other day with its focus (each filled in with ``values``, as it will be heard)."""
    from guided.practice.programmes.journey import is_written
    from guided.script.placeholders import fill_text

    programme = j.programme
    for pos, message in getattr(programme, "warnings", ()):
        click.echo(printable(f"{pos}: warning: {message}"), err=True)
    written = [d for d in j.days if is_written(d)]
    others = [d for d in j.days if not is_written(d)]
    click.echo(printable(f"All good{note}: '{fill_text(j.title, values)}', {_plural(len(j.weeks), 'week')}, "
                         f"{_plural(len(j.days), 'day')}: {_plural(len(written), 'written day')} "
                         f"({', '.join(str(d.number) for d in written) or 'none'}), "
                         f"{len(others)} with a focus only."))
    if others:
        click.echo("Days with a focus only (`guided journey today` suggests a practice for each):")
    for week in j.weeks:
        for d in week.days:
            if not is_written(d):
                focus = fill_text(d.focus, values) if d.focus else "a day to rest or repeat"
                click.echo(printable(f"  Day {d.number} (week {week.number}): {focus}"))


def programme_language(j: Journey) -> str:
    """The language a programme is written in (its front matter's ``language``)."""
    return str(getattr(j.programme, "language", None) or "en")


def suggestion_lines(day: Day, week_title: str, language: str = "en") -> list[str]:
    from guided.practice.programmes.fitting import fitting_practice

    name, why = fitting_practice(day.focus, week_title, language)
    return [f"No recording is written for this day. A practice that fits it: {name} ({why}); "
            "--play plays it."]


def day_scripts(j: Journey, day: Day) -> list:
    """The practices a day plays: its own, or for a day with a focus only, the built-in
    practice that fits the focus."""
    if day.practices:
        return [journeys.load_practice(j, ref) for ref in day.practices]
    from guided.practice.programmes.fitting import fitting_practice
    from guided.script import library

    week = j.weeks[day.week - 1]
    return [library.load(fitting_practice(day.focus, week.title, programme_language(j))[0])]


def _slug(text: str) -> str:
    import re
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")


def _refuse_a_name_taken(name: str, target: Path) -> None:
    """A copy named like a built-in journey would hide it, and one named like a YAML
    journey of yours would be hidden by it (``journey start`` looks for YAML first)."""
    from guided.paths import YAML_SUFFIXES

    for suffix in (*YAML_SUFFIXES, ".md"):
        if (journeys.builtin_journeys_dir() / f"{name}{suffix}").is_file():
            raise GuidedError(f"'{name}' is the name of a built-in journey, and a copy called that "
                              f"would hide it; choose another name, such as --name my-{name}")
        other = target.with_suffix(suffix)
        if other != target and other.is_file():
            raise GuidedError(printable(f"your journeys already hold a journey called '{name}' ({other}); "
                                        "it is kept as it is. Choose another name with --name"))


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--name", default=None, help="The name to start it by (default: from its title).")
def add(file: Path, name: str | None) -> None:
    """Check a programme written in Markdown (FILE.md) and put a copy in your journeys,
    under a name from its title, so `guided journey start NAME` finds it.

    \b
    guided journey add attachment-healing.md
    guided journey start attachment-healing
    """
    import hashlib

    from guided.atomic import write_atomic
    from guided.errors import Pos, quoted
    from guided.paths import is_windows_device_name, user_journeys_dir
    from guided.practice.programmes import is_programme_path
    from guided.practice.programmes.reader import MAX_BYTES
    from guided.script.yamlfile import read_bytes

    shown = printable(str(file))
    if not is_programme_path(file):
        raise GuidedError(f"{shown}: `journey add` takes a programme written in Markdown (a .md file); "
                          "a YAML journey can be copied into your journeys folder as it is")
    j = load_checked(str(file) if "/" in str(file) else f"./{file}")
    programme = j.programme
    data = read_bytes(file, Pos(shown), max_bytes=MAX_BYTES, what="a programme")
    if hashlib.sha256(data).hexdigest() != getattr(programme, "source_hash", None):
        raise GuidedError(f"{shown} changed while it was being read; please try again")
    target_name = name if name is not None else (_slug(j.title) or _slug(file.stem) or "programme")
    if not target_name or _slug(target_name) != target_name:
        raise GuidedError(f"--name {quoted(target_name)}: use lower-case letters, digits and "
                          "dashes, like 'attachment-healing'")
    if is_windows_device_name(target_name):
        given = f"--name {quoted(target_name)}" if name is not None else \
            f"the name its title gives, {quoted(target_name)},"
        raise GuidedError(f"{given} is the name of a device on Windows, so no "
                          "file can be called that there; choose another with --name, such as "
                          f"--name my-{target_name}")
    folder = user_journeys_dir()
    target = folder / f"{target_name}.md"
    _refuse_a_name_taken(target_name, target)
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise GuidedError(f"{target} is not a plain file, so nothing was written; "
                          "choose another name with --name")
    if target.is_file():
        if target.read_bytes() == data:
            click.echo(f"'{j.title}' is already in your journeys as '{target_name}'.")
            return
        raise GuidedError(f"your journeys already hold a different '{target_name}' ({target}); it is kept "
                          "as it is. Choose another name with --name, or remove that file first")
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    click.echo(printable(f"Added '{j.title}' to your journeys as '{target_name}' ({target})."))
    click.echo(f"Begin whenever you like with: guided journey start {target_name}")


def _block_lines(block) -> list[str]:
    from guided.practice.programmes.model import plain

    if block.kind in ("paragraph", "code"):
        return [click.wrap_text(block.text, initial_indent="  ", subsequent_indent="  ")]
    if block.kind == "heading":
        return ["", f"  {block.text}"]
    marks = {"bullets": "•", "quote": "│"}
    return [click.wrap_text(plain(item), initial_indent=f"    {marks.get(block.kind, f'{n}.')} ",
                            subsequent_indent="      ")
            for n, item in enumerate(block.items, 1)]


@click.command()
@click.argument("name")
def show(name: str) -> None:
    """A journey's weeks and days; for a programme written in Markdown, also its
    introduction and its own sections (such as Expected Outcomes)."""
    from guided.practice.programmes.journey import is_written

    j = load_checked(name)
    p = j.programme
    lines = [j.title]
    if j.description:
        lines.append(click.wrap_text(j.description))
    for key, value in (getattr(p, "meta", None) or {}).items():
        if key not in ("title", "description"):
            lines.append(f"  {key}: {value}")
    for block in getattr(p, "intro", ()):
        lines += _block_lines(block)
    for part in getattr(p, "before", ()):
        lines += ["", part.title + (" (spoken)" if part.spoken else "")]
        for block in part.blocks:
            lines += _block_lines(block)
    for week in j.weeks:
        lines += ["", f"Week {week.number}: {week.title}"]
        for d in week.days:
            what = (d.title or "written" if p is not None and is_written(d)
                    else d.focus or ", ".join(r.ref for r in d.practices) or "a day to rest or repeat")
            lines.append(f"  Day {d.number}: {what}")
    for part in getattr(p, "after", ()):
        lines += ["", part.title + (" (spoken)" if part.spoken else "")]
        for block in part.blocks:
            lines += _block_lines(block)
    for line in "\n".join(lines).split("\n"):
        click.echo(printable(line))
