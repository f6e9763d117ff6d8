"""``guided log``: look back at past sessions, share them, or turn logging off."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.errors import GuidedError
from guided.outputs.formats import LOG_FORMATS
from guided.script.durations import format_clock

if TYPE_CHECKING:
    from guided.practice.sessionlog import Session, SessionLog


SQLITE_MAX = 2**63 - 1  # the largest whole number the log can hold (any more: everything)
CLIENT_OPTION = click.option(
    "--client", default=None, metavar="NAME",
    help="A client's sessions, from the practice records you imported (default: your own).")


@contextlib.contextmanager
def reading_log() -> Iterator[SessionLog]:
    """The session log opened only to read, with one line on stderr when sessions still
    wait beside it, in the side file. Sessions waiting there are added first when that can
    be done at once; nothing waits for another process, and a log that cannot be written
    (a full disk, a read-only folder) is still read."""
    from guided.errors import GuidedError
    from guided.practice import pending
    from guided.practice.sessionlog import SessionLog, db_path, pending_path

    db = None
    if pending.waiting(pending_path(db_path())):
        with contextlib.suppress(GuidedError):
            db = SessionLog(timeout=0.0)  # opening to write adds the waiting rows, if it can
    with db or SessionLog(read_only=True) as db:
        waiting = db.pending_sessions()
        if waiting:
            one = waiting == 1
            click.echo(f"guided: {waiting} session{'' if one else 's'} "
                       f"{'waits' if one else 'wait'} beside the log, in "
                       f"{pending_path(db.path).name}, and {'is' if one else 'are'} not included "
                       "here yet.", err=True)
        if db.pending_note:
            click.echo(db.pending_note, err=True)
        yield db


class LogGroup(click.Group):
    """``guided log`` with the therapist's subcommands (import, chart) loaded only when
    used, from their own modules (which import this one, never the other way)."""

    LAZY = {"import": "guided.commands.clients:log_import", "chart": "guided.commands.chart:chart"}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self.LAZY:
            import importlib

            module, attribute = self.LAZY[name].split(":")
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


def known_client(db: SessionLog, name: str | None) -> str | None:
    """``--client NAME`` as filed: the name made tidy; a name with no sessions and no
    bundle gets a suggestion of the closest one."""
    if name is None:
        return None
    from guided.outputs.safetext import printable
    from guided.practice.records import client_name, clients
    from guided.script.suggest import did_you_mean

    name = client_name(name)
    known = [c.name for c in clients(db.db)]
    folded = {k.casefold(): k for k in known}
    if name.casefold() in folded:
        return folded[name.casefold()]
    hint = did_you_mean(name, known)
    listed = "" if hint else " (`guided clients` lists them)"
    raise GuidedError(f"there are no sessions from a client called '{printable(name)}' yet"
                      f"{listed}{hint}")


@click.group(cls=LogGroup, invoke_without_command=True)
@click.option("--limit", "-n", type=click.IntRange(1, SQLITE_MAX, clamp=True), default=20,
              show_default=True,
              help="How many recent sessions to show.")
@click.option("--json", "as_json", is_flag=True, help="Print the sessions as JSON.")
@CLIENT_OPTION
@click.pass_context
def log(ctx: click.Context, limit: int, as_json: bool, client: str | None) -> None:
    """Your past sessions, newest first. Everything stays on this computer.

    \b
    guided log                 recent sessions as a table, in local time
    guided log show N          one session whole, with its note and reflection
    guided log stats           time listened per week, days in a row, distress change
    guided log export -o f.csv share with your therapist
    guided log import REC.json file a client's practice record under their name
    guided log chart -o f.svg  distress before and after, and minutes, as a picture
    guided log --client NAME   one client's sessions (also for stats, export, chart)
    guided log off / on        stop or resume logging
    """
    if ctx.invoked_subcommand is not None:
        return
    from guided.outputs.safetext import printable_json

    with reading_log() as db:
        sessions = db.recent(limit, client=known_client(db, client))
    if as_json:
        click.echo(printable_json(json.dumps([s.to_dict() for s in sessions], indent=2,
                                             ensure_ascii=False)))
        return
    if not sessions:
        click.echo("No sessions from this client yet." if client else
                   "No sessions yet. When you play a practice, it will appear here.")
        return
    for line in _table(sessions, _terminal_width()):
        click.echo(line)


@log.command()
@click.argument("number", type=int, metavar="N")
def show(number: int) -> None:
    """One session whole: its times, ratings, note and reflection (N is its # in `guided log`)."""
    from guided.errors import GuidedError

    with reading_log() as db:
        session = db.get(number) if 0 < number <= SQLITE_MAX else None
    if session is None:
        raise GuidedError(f"there is no session {number} in your log; `guided log` shows their numbers")
    for line in _details(session, _terminal_width()):
        click.echo(line)


@log.command()
@click.option("--no-streak", is_flag=True,
              help="Leave out the days-in-a-row count (see also `guided log streak off`).")
@click.option("--json", "as_json", is_flag=True, help="Print the numbers as JSON.")
@CLIENT_OPTION
def stats(no_streak: bool, as_json: bool, client: str | None) -> None:
    """Time listened in all and per week, days practised in a row, and the average change in distress per practice."""
    from guided.practice import logstats

    with reading_log() as db:
        result = logstats.stats(db.all(known_client(db, client)))
    show_streak = not no_streak and logstats.streak_enabled()
    if as_json:
        data = {"sessions": result.sessions, "total_minutes": result.total_minutes,
                "minutes_per_week": dict(result.minutes_per_week),
                "distress_change": [{"script": n, "average_change": c, "rated_sessions": k}
                                    for n, c, k in result.distress_change]}
        if show_streak:
            data["days_in_a_row"] = result.streak_days
        click.echo(json.dumps(data, indent=2))
        return
    from guided.script.durations import format_length

    click.echo(f"Sessions: {result.sessions}, {format_length(result.total_seconds)} listened in all.")
    if result.seconds_per_week:
        click.echo("Time listened per week (each # is two minutes):")
    else:
        click.echo("Nothing listened yet: `guided play grounding` is a gentle place to begin.")
    for week, seconds in result.seconds_per_week:
        click.echo(f"  {week}  {format_length(seconds):>7}  {'#' * min(40, round(seconds / 120))}")
    if show_streak:
        days = result.streak_days
        click.echo(f"Days practised in a row: {days}" + (" (today is a fine day to start)" if not days else ""))
    if result.distress_change:
        click.echo("Average change in distress (after minus before, 0-10):")
        for name, change, count in result.distress_change:
            from guided.outputs.safetext import printable  # a name from the log: escaped

            click.echo(printable(f"  {name}: {change:+.1f} over {count} rated "
                                 f"session{'s' if count != 1 else ''}"))
    else:
        click.echo("No rated sessions yet: ratings before and after show what helps.")


@log.command("export")
@click.option("--format", "fmt", type=click.Choice(LOG_FORMATS), default=None,
              help="File format (default: from the file name, else csv).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Write to this file, .csv or .json (default, or '-': print).")
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
@CLIENT_OPTION
def export_log(fmt: str | None, output: str | None, force: bool, client: str | None) -> None:
    """Every session, oldest first, as CSV or JSON, to share with your therapist.

    Text in the CSV that a spreadsheet would read as a formula (starting with =, +, -
    or @) is kept as plain text.
    """
    from guided.outputs.writer import Guard, check_target, is_stdout, write_output
    from guided.paths import cache_dir as default_cache  # no --cache-dir here

    target = Path(output) if output is not None and not is_stdout(output) else None
    fmt = _log_format(target, fmt) if target is not None else (fmt or "csv")
    guard = Guard.for_user_data(default_cache())
    if target is not None:
        check_target(target, force=force, guard=guard, what="the export")
    with reading_log() as db:
        sessions = db.all(known_client(db, client))
    text = _as_json(sessions) if fmt == "json" else _as_csv(sessions)
    if target is None:
        click.echo(_for_screen(text, fmt), nl=False)
        return
    write_output(target, text, force=force, what="the export")
    click.echo(f"Wrote {len(sessions)} session{'s' if len(sessions) != 1 else ''} to {output}", err=True)


def _for_screen(text: str, fmt: str) -> str:
    """What is printed: JSON with unsafe characters as JSON escapes (the same data); CSV
    as it is when piped (`> file.csv` keeps every byte), and on a terminal each line made
    safe, so a script's name or a note holding an escape sequence cannot act on it."""
    from guided.outputs.safetext import printable, printable_json

    if fmt == "json":
        return printable_json(text)
    if not sys.stdout.isatty():
        return text
    return "".join(printable(line) + "\n" for line in text.split("\r\n")[:-1])


def _log_format(path: Path, fmt: str | None) -> str:
    """``--format`` wins; else the extension; a file name that says otherwise is refused."""
    ext = path.suffix.lower().lstrip(".")
    if fmt:
        if ext in LOG_FORMATS and ext != fmt:
            raise GuidedError(f"{path} ends in .{ext} but --format is {fmt}; "
                              f"name the file .{fmt}, or leave out --format")
        return fmt
    if ext in LOG_FORMATS:
        return ext
    raise GuidedError(f"cannot tell the format from {path.name!r}; "
                      "use a name ending in .csv or .json, or add --format")


def _as_json(sessions: list) -> str:
    return json.dumps([s.to_dict() for s in sessions], indent=2, ensure_ascii=False) + "\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """OWASP's rule for CSV injection: a text cell that a spreadsheet would run as a
    formula gets a leading apostrophe, so it shows as the text it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _as_csv(sessions: list) -> str:
    buf = io.StringIO()
    rows = [s.to_row() for s in sessions]  # plain columns: the reflection's question and answer
    fields = list(rows[0]) if rows else _fields()
    # RFC 4180 line ends: a cell holding a carriage return is then quoted, not split
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_safe(value) for key, value in row.items()})
    return buf.getvalue()


@log.command()
def path() -> None:
    """Print where the session log is kept."""
    from guided.practice.sessionlog import db_path

    click.echo(str(db_path()))


@log.command()
def off() -> None:
    """Stop logging sessions (nothing new is written until `guided log on`)."""
    from guided.practice.sessionlog import set_logging

    set_logging(False)
    click.echo("Session logging is off. Past sessions are kept; `guided log on` resumes.")


@log.command()
def on() -> None:
    """Resume logging sessions."""
    from guided.practice.sessionlog import set_logging

    set_logging(True)
    click.echo("Session logging is on.")


@log.command()
@click.argument("state", type=click.Choice(["on", "off"]))
def streak(state: str) -> None:
    """Show or hide the days-in-a-row count in `guided log stats`."""
    from guided.practice.logstats import set_streak

    set_streak(state == "on")
    click.echo("Streaks are shown." if state == "on" else
               "Streaks are hidden. Every bit of practice counts, in a row or not.")


def _num(value: int | None) -> str:
    return "-" if value is None else str(value)


def _short(text: str, width: int = 30) -> str:
    from guided.outputs.safetext import printable

    text = " ".join(printable(text).split())  # one safe line in a table
    if width < 2:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def _remarks(s: Session) -> str:
    """The note and the reflection's answer, for the last column of the table."""
    question, answer = s.reflection_parts()
    parts = [s.note.strip()] if s.note.strip() else []
    if answer.strip():
        parts.append(f"reflection: {answer.strip()}")
    return " · ".join(parts)


def _table(sessions: list[Session], width: int) -> list[str]:
    """Newest first, in local time; notes and reflections cut to the terminal's width."""
    from guided.outputs.safetext import printable
    from guided.practice.days import local_clock

    head = ("#", "when", "practice", "listened", "outcome", "before", "after")
    rows: list[tuple[str, ...]] = [head] + [tuple(printable(cell) for cell in (  # names as text
        str(s.id), local_clock(s.started), s.script,
        f"{format_clock(s.listened_seconds)}/{format_clock(s.planned_seconds)}",
        s.outcome, _num(s.distress_before), _num(s.distress_after),
    )) for s in sessions]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    used = sum(widths) + 2 * len(widths)
    room = max(12, width - used - 1)  # the last column would wrap on some terminals
    remarks = ["note / reflection"] + [_short(_remarks(s), room) for s in sessions]
    lines = []
    for row, remark in zip(rows, remarks, strict=True):
        cells = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        lines.append(f"{cells}  {remark}".rstrip())
    if any(len(_remarks(s)) > room for s in sessions):
        lines.append("(`guided log show N` shows session N whole)")
    return lines


def _details(s: Session, width: int) -> list[str]:
    """Every field of one session worth reading, wrapped to the terminal's width."""
    import textwrap

    from guided.outputs.safetext import printable
    from guided.practice.days import local_clock

    label = 12
    wrap = max(20, width - label - 1)

    def field(name: str, text: str) -> list[str]:
        out = []
        for paragraph in [printable(line) for line in text.splitlines()] or [""]:
            out.extend(textwrap.wrap(paragraph, wrap) or [""])
        return [(f"{name}:" if i == 0 else "").ljust(label) + line for i, line in enumerate(out)]

    ended = local_clock(s.ended)[-5:] if s.ended else "?"
    lines = [printable(f"Session {s.id}: {s.title} ({s.script})")]
    if s.client:
        lines += field("Client", s.client)
    lines += field("When", f"{local_clock(s.started)} to {ended}")
    lines += field("Listened", f"{format_clock(s.listened_seconds)} of "
                               f"{format_clock(s.planned_seconds)} · {s.outcome}")
    lines += field("Distress", f"{_num(s.distress_before)} before, {_num(s.distress_after)} after (0-10)")
    if s.journey:
        lines += field("Journey", f"{s.journey}, day {s.journey_day}")
    voice = " · ".join(part for part in (s.engine, s.voice, f"{s.rate} wpm" if s.rate else "") if part)
    if voice:
        lines += field("Voice", voice)
    if s.note:
        lines += field("Note", s.note)
    for question, answer in _reflections(s):
        if question:
            lines += field("Question", question)
        if answer:
            lines += field("Reflection", answer)
    return lines


def _reflections(s) -> list[tuple[str, str]]:
    """Each question with its answer (a programme day keeps several)."""
    from guided.doors.keptfile import parse_json

    try:  # nesting capped: a row a hand or a damaged side file put in the log
        value = parse_json(s.reflection or "null")
    except ValueError:
        value = None
    if isinstance(value, list):
        return [(str(v.get("question") or ""), str(v.get("answer") or "")) for v in value if isinstance(v, dict)]
    return [s.reflection_parts()]


def _fields() -> list[str]:
    from guided.practice.sessionlog import Session

    fields = [f for f in Session.__dataclass_fields__ if f != "reflection"]
    return fields + ["reflection_question", "reflection_answer"]


