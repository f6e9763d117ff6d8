"""The session log opened to read, for ``guided log`` and the commands beside it
(``log chart``, ``clients``), and the width their tables fit."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from guided.practice.sessionlog import SessionLog


@contextlib.contextmanager
def reading_log() -> Iterator[SessionLog]:
    """The session log opened only to read, with one line on stderr when sessions still
    wait beside it, in the side file. Sessions waiting there are added first when that can
    be done at once; nothing waits for another process, and a log that cannot be written
    (a full disk, a read-only folder) is still read."""
    from guided.errors import GuidedError
    from guided.practice.sessionlog import SessionLog, db_path, pending_path

    db = None
    if pending_path(db_path()).is_file():
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
        yield db


def terminal_width() -> int:
    import shutil

    return shutil.get_terminal_size((100, 24)).columns
