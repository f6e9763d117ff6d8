"""The therapist's view of clients' practice: ``guided log import`` and ``guided clients``.

A client's sessions come in as a file they chose to send (the record their bundle page
saves, or their own ``guided log export --format json``) and are filed under their name,
apart from your own sessions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from guided.practice.records import Record


@click.command("import")
@click.argument("record", type=click.Path(dir_okay=True, path_type=Path), metavar="RECORD.json")
@click.option("--client", "client", default=None, metavar="NAME",
              help="Whose practice this is (default: the name in the record).")
def log_import(record: Path, client: str | None) -> None:
    """File a client's practice record under their name.

    RECORD.json is the file a client saved from their bundle page ("Save my practice
    record"), or their own `guided log export --format json` (then say whose it is with
    --client); '-' reads it from standard input. Importing the same record again adds nothing; a later record brings the
    sessions' newer ratings and notes. Your own sessions stay separate.
    """
    from guided.outputs.safetext import printable
    from guided.practice.records import import_record, read_record, record_name, whose
    from guided.practice.sessionlog import SessionLog

    found = safe_texts(read_record(record))  # checked whole before the log is opened
    with SessionLog() as db:
        db._writable()
        name = whose(db.db, found, client, record_name(record))
        done = import_record(db.db, found, name)
    parts = [f"{done.added} new session{'s' if done.added != 1 else ''}"]
    if done.updated:
        parts.append(f"{done.updated} brought up to date")
    if done.unchanged:
        parts.append(f"{done.unchanged} already here")
    click.echo(printable(f"Filed under {name}: {', '.join(parts)}."))
    click.echo(printable(f"`guided log --client \"{name}\"` shows them."))


TEXT_FIELDS = ("script", "title", "content_hash", "voice", "engine", "note", "journey")


def safe_texts(record: Record) -> Record:
    """Every text the client sent with its control characters (an escape sequence, a
    bidirectional override) written as visible escapes, line by line, so nothing in it acts
    on the terminal or file it later reaches; line breaks and tabs in notes stay."""
    import dataclasses
    import json

    def clean(text: str) -> str:
        if not _UNSAFE_IN_JSON.search(text):  # nothing but text, line breaks and tabs
            return text
        return "\n".join("\t".join(printable(part) for part in line.split("\t"))
                         for line in text.split("\n"))

    from guided.outputs.safetext import _UNSAFE_IN_JSON, printable

    sessions = []
    for row in record.sessions:
        row = {**row, **{k: clean(row[k]) for k in TEXT_FIELDS if isinstance(row.get(k), str)}}
        if row.get("reflection"):
            parts = json.loads(row["reflection"])
            row["reflection"] = json.dumps({k: clean(v) for k, v in parts.items()},
                                           ensure_ascii=False)
        sessions.append(row)
    return dataclasses.replace(record, client=printable(record.client),
                               bundle_title=printable(record.bundle_title), sessions=sessions)


@click.command("clients")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def clients_command(as_json: bool) -> None:
    """Your clients whose practice records you imported, with their last practice."""
    import json

    from guided.commands.log import reading_log
    from guided.outputs.safetext import printable, printable_json
    from guided.practice.days import local_clock, local_iso
    from guided.practice.records import clients

    with reading_log() as db:
        found = clients(db.db)
    if as_json:
        click.echo(printable_json(json.dumps(
            [{"client": c.name, "sessions": c.sessions, "minutes": c.minutes,
              "last_practice": local_iso(c.last), "last_script": c.last_script or None}
             for c in found], indent=2, ensure_ascii=False)))
        return
    if not found:
        click.echo("No clients yet. When a client sends you their practice record,\n"
                   "`guided log import RECORD.json` files it under their name.")
        return
    width = min(30, max(len(printable(c.name)) for c in found))
    for c in found:
        last = (f"last practice {local_clock(c.last)} ({printable(c.last_script)})"
                if c.last else "no practice record yet")
        sessions = f"{c.sessions} session{'s' if c.sessions != 1 else ''}"
        click.echo(f"{printable(c.name)[:width].ljust(width)}  {sessions:>12}  {last}")
