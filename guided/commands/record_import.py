"""``guided record --import FOLDER``: takes recorded elsewhere, matched to the script's
lines by their numbers (``1.wav``, ``001 - take 2.wav``) or by the ``lines.txt`` that
``--list`` saved beside them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from guided.errors import GuidedError

_TAKE_FILE = re.compile(r"^(\d{1,6})(?!\d)")  # 1.wav, 001.wav, 0001 - take 2.wav
_LISTED = re.compile(r"^(\d{1,3})\t(.+)$")  # a line of --list: NNN, a tab, the line
LISTING = "lines.txt"  # --list saved beside the takes: what each file number stood for


SHOWN_NOT_TAKES = 20  # files in the folder that are not takes, named one a line


def import_takes(store, lines: list[str], folder: Path, redo: bool,
                 listing: str = "guided record SCRIPT --list") -> None:
    """Attach DIR/NNN.* to the lines. A number means the line it had in the listing the
    files were made from: ``DIR/lines.txt`` when it is there (``--list`` saved), else
    today's ``--list`` (``listing`` is the command that shows it). A file that is
    already the take of another line, or whose listed line the practice no longer says,
    is left out, never attached to a line it does not speak."""
    from guided.outputs.safetext import printable
    from guided.speech.recorded.store import line_key
    from guided.speech.recorded.takes import prepare, read_audio

    if not folder.is_dir():
        raise GuidedError(f"there is no folder {folder}")
    found: dict[int, Path] = {}
    passed: list[str] = []  # files that are not takes, each with why (shown up to a screenful)
    for path in sorted(folder.iterdir()):
        number = _take_number(path, passed)
        if number is None:
            continue
        if number in found:
            raise GuidedError(f"two takes for line {number:03d} in {folder}: "
                              f"{found[number].name} and {path.name}; keep one")
        found[number] = path
    for line in passed[:SHOWN_NOT_TAKES]:
        click.echo(line, err=True)
    if len(passed) > SHOWN_NOT_TAKES:  # a folder of 20,000 other files gave 20,000 lines
        click.echo(f"… and {len(passed) - SHOWN_NOT_TAKES:,} more files that are not takes, "
                   "left out", err=True)
    if not found:
        raise GuidedError(f"no takes in {folder}: name them by line number, 001.wav, 002.wav, … "
                          "(see `guided record SCRIPT --list`)")
    listed = read_listing(folder / LISTING)
    current = {line_key(text): text for text in lines}
    kept = left = 0
    wrong: list[str] = []

    def note(path: Path, message: str) -> None:  # the file is named once, at the start
        said = message.replace(f"left out: {path.name} ", "left out: ", 1)
        click.echo(f"{printable(path.name)}: {printable(said)}", err=True)

    for number, path in sorted(found.items()):
        if listed is not None:
            said = listed.get(number)
            if said is None:
                note(path, f"left out: {LISTING} has no line {number:03d}")
                continue
            text = current.get(line_key(said))
            if text is None:
                note(path, f"left out: it was listed as \u201c{said}\u201d, which this practice "
                           "no longer says")
                wrong.append(path.name)
                continue
        elif number < 1 or number > len(lines):
            note(path, f"left out: the practice has {len(lines)} lines")
            continue
        else:
            text = lines[number - 1]
        already = store.has(text) and not redo
        try:
            samples, rate = read_audio(path)
        except GuidedError as exc:
            if already:
                left += 1
            else:
                note(path, f"left out: {exc.message}")
            continue
        same = store.speaking(samples, rate)
        if same is not None and line_key(same.text) != line_key(text):
            note(path, f"left out: it is already the take of \u201c{same.text}\u201d, so it "
                       f"cannot be line {number:03d}, \u201c{text}\u201d")
            wrong.append(path.name)
            continue
        if already or (same is not None and not redo):
            left += 1
            continue
        try:
            take = prepare(samples, rate)
        except GuidedError as exc:
            note(path, f"left out: {exc.message}")
            continue
        for warning in take.warnings:
            note(path, warning)
        store.keep(text, samples, rate, source="imported")
        kept += 1
    missing = [f"{n:03d}" for n, text in enumerate(lines, 1) if not store.has(text)]
    summary = (f"Imported {_takes(kept)} into {store.name}'s voice" if kept
               else f"No new takes for {store.name}'s voice")
    if left:
        summary += f" ({left} already there were left as they are; --redo replaces them)"
    click.echo(summary + ".")
    click.echo(_still_missing(missing, store.name))
    if wrong:
        count = "1 take was" if len(wrong) == 1 else f"{len(wrong)} takes were"
        raise GuidedError(
            f"{count} left out because the practice's lines have changed since the files were "
            f"numbered ({', '.join(wrong[:6])}{', …' if len(wrong) > 6 else ''}): rename them "
            f"to the numbers `{listing}` shows now")


def _take_number(path: Path, passed: list[str]) -> int | None:
    """The line a file in the import folder is the take of; None (with one line saying
    why added to ``passed``, unless it is ``lines.txt`` or hidden) for a file that is
    not a take."""
    from guided.outputs.safetext import printable
    from guided.speech.recorded.takes import DECODED

    if path.name == LISTING or path.name.startswith("."):
        return None
    match = _TAKE_FILE.match(path.stem)
    why = None
    if not match:
        why = "not named by a line number (001.wav, 002.wav, …)"
    elif path.suffix.lower() not in DECODED:
        why = (f"{path.suffix or 'a file with no ending'} is not a kind of audio guided reads; "
               f"save it as {', '.join(s.lstrip('.').upper() for s in DECODED[:4])} or M4A")
    elif not path.is_file():
        why = "not a regular file"
    if why:
        passed.append(f"{printable(path.name)}: left out: {why}")
        return None
    return int(match.group(1)) if match else None


def read_listing(path: Path) -> dict[int, str] | None:
    """``--list`` saved as DIR/lines.txt: number -> the line it stood for, else None."""
    from guided.errors import Pos
    from guided.script.yamlfile import decode, read_bytes

    if not path.is_file():
        if os.path.lexists(path):  # a pipe, a device, a folder: it was passed over silently,
            # and the numbers read as today's --list, which lines.txt is there to prevent
            raise GuidedError(f"{path} is not a regular file (a pipe, a device, a folder or a "
                              "broken link), so which line each number stands for cannot be "
                              "read: put the list saved with --list there, or remove it")
        return None
    # a regular file, no bigger than a listing of 100,000 lines; not UTF-8 is one line
    data = read_bytes(path, Pos(str(path)), max_bytes=16 * 1024 * 1024, what="a list of lines")
    rows = decode(data.removeprefix(b"\xef\xbb\xbf"), str(path)).splitlines()
    listed = {}
    for row in rows:
        match = _LISTED.match(row)
        if match:
            listed[int(match.group(1))] = match.group(2).strip()
    if not listed:
        raise GuidedError(f"{path} is not a list of lines: save it with "
                          f"`guided record SCRIPT --list > {path}`")
    return listed


def _takes(n: int) -> str:
    return "1 take" if n == 1 else f"{n} takes"


def _still_missing(missing: list[str], name: str) -> str:
    if not missing:
        return f"Every line has a take: listen with --voice {name} (for example guided play SCRIPT --voice {name})."
    shown = ", ".join(missing[:12]) + (", …" if len(missing) > 12 else "")
    if len(missing) == 1:
        return f"1 line still to record ({shown}); until then the default voice speaks it."
    return f"{len(missing)} lines still to record ({shown}); until then the default voice speaks them."
