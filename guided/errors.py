"""Errors a user can act on.

Every error that reaches the user is one line: where (``file:line:col`` when the
problem is in a file) and what to do. The CLI prints a ``GuidedError`` as
``file:line:col: error: …`` when it has a place (as `guided check` shows each mistake),
else ``guided: …`` (``guided.cli.error_line``), and never shows a traceback for it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pos:
    """A place in a source file (1-based line and column)."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file


class GuidedError(Exception):
    """An error with a one-line message meant for the user."""

    exit_code = 1

    def __init__(self, message: str, pos: Pos | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}" if self.pos else self.message


class ScriptError(GuidedError):
    """A problem in a practice script (or journey / vars file)."""


class ScriptErrors(ScriptError):
    """Several independent mistakes found in one script, in file order. It reads as the
    first of them (with how many more there are); ``errors`` holds them all."""

    def __init__(self, errors: list[ScriptError], partial: object = None):
        first = errors[0]
        more = len(errors) - 1
        note = f" (and {more} more mistake{'s' if more != 1 else ''}: `guided check` lists them all)" \
            if more else ""
        super().__init__(first.message + note, first.pos)
        self.errors = errors
        self.partial = partial  # the script as far as it loaded (a Script), for further checks


class AudioDeviceError(GuidedError):
    """No usable audio output (PortAudio missing, no device)."""

    exit_code = 3


class SpeechError(GuidedError):
    """The speech engine failed or produced no audio."""


def disk_problem(exc: OSError) -> str:
    """What an ``OSError`` from writing means, in words: a full disk, a size limit, a
    read-only place, or the system's own wording; with advice where there is some."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full; free some space or choose another folder, then try again"
    if exc.errno == errno.EFBIG:
        return "the file would be larger than this system allows here; choose another folder"
    if exc.errno == errno.EROFS:
        return "that place is read-only; choose another folder"
    return (exc.strerror or str(exc)).lower()


def quoted(name: object, limit: int = 60) -> str:
    """A name the user gave (``--name``, ``--language``, a voice), quoted for an error line,
    once: ``'con'``. A byte that was not text where it was typed (Python keeps ``\\xff``
    as the lone surrogate ``\\udcff``) is shown as that byte, ``'\\xff'``; other control
    characters are left for ``guided.outputs.safetext.printable``, which every error line
    passes through on its way out. Longer than ``limit``: cut, with "…"."""
    text = str(name)
    if len(text) > limit:
        text = text[:limit] + "…"
    shown = "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)
    return f"'{shown}'"
