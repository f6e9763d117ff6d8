"""Writing your own practices: ``guided new``, ``guided edit`` and ``guided remove``
(``guided say``, to hear a line as you write it: ``guided.commands.say``)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.errors import GuidedError, disk_problem, quoted
from guided.paths import PACKAGE_DIR, is_path_ref, is_windows_device_name, user_scripts_dir
from guided.script.model import PRACTICE_KINDS, Include, Script, iter_steps

TEMPLATES_DIR = PACKAGE_DIR / "templates"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------------- helpers


def user_script_path(name: str) -> Path:
    """Where ``guided new NAME`` writes: ``GUIDED_HOME/scripts/NAME.yaml``."""
    if not _NAME.match(name):
        raise GuidedError(
            f"{quoted(name)} cannot be a script name: use letters, digits, '-' or '_' "
            "(for example: sam-evening)"
        )
    if is_windows_device_name(name):
        raise GuidedError(f"{quoted(name)} is the name of a device on Windows, so no file can be "
                          f"called that there; choose another name, such as my-{name.lower()}")
    return user_scripts_dir() / f"{name}.yaml"


def title_from_name(name: str) -> str:
    words = re.split(r"[-_]+", name)
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def starter_text(name: str, practice: str = "custom") -> str:
    """The commented starter script for ``practice`` (one of the script kinds)."""
    if practice not in PRACTICE_KINDS:
        raise GuidedError(f"unknown practice kind '{practice}' (choose from: {', '.join(PRACTICE_KINDS)})")
    template = (TEMPLATES_DIR / f"{practice}.yaml").read_text(encoding="utf-8")
    return (template.replace("__NAME__", name).replace("__TITLE__", title_from_name(name))
            .replace("__PRACTICE__", practice))


def write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet, whole or not at all (``guided.atomic.creating``:
    a temporary file beside it, then a no-clobber link)."""
    from guided.atomic import creating

    try:
        with creating(path) as tmp:
            tmp.write_bytes(data)
    except FileExistsError:
        raise GuidedError(f"{path} already exists; open it with `guided edit {path.stem}`") from None
    except OSError as exc:  # a full disk: name the file, never the hidden temporary one
        raise GuidedError(f"cannot write {path}: {disk_problem(exc)}") from None


def included_files(script: Script) -> list[Path]:
    return [step.path for step in iter_steps(script.steps) if isinstance(step, Include)]


def copy_script(source: Script, target: Path) -> list[Path]:
    """Copy ``source``'s file (comments and all) to ``target``, with the files it includes
    at the same relative places. Returns the files written."""
    if source.path is None:
        raise GuidedError(f"'{source.name or source.title}' has no file to copy")
    base = source.path.parent
    plan: list[tuple[Path, Path]] = [(source.path, target)]
    for inc in included_files(source):
        dest = target.parent / inc.resolve().relative_to(base.resolve())
        if (inc, dest) not in plan:
            plan.append((inc, dest))
    # Every file is read and every clash found before anything is written, so a refusal
    # leaves nothing behind; a failure part-way (a full disk) takes back what this run wrote.
    todo: list[tuple[Path, bytes]] = []
    for src, dest in plan:
        try:
            data = src.read_bytes()
        except OSError as exc:
            raise GuidedError(f"cannot read {src}: {disk_problem(exc)}") from None
        if dest.exists():
            if dest == target:
                raise GuidedError(f"{dest} already exists; open it with `guided edit {dest.stem}`")
            if dest.is_file() and dest.read_bytes() == data:
                continue  # the same part is already there: it is shared, not copied again
            raise GuidedError(
                f"{dest} already exists and differs from {src}; move it away or copy by hand "
                "(nothing was copied)"
            )
        todo.append((dest, data))
    written: list[Path] = []
    made: list[Path] = []  # folders this run made (parts/), taken back with the files
    try:
        for dest, data in todo:
            made.extend(reversed([p for p in [dest.parent, *dest.parent.parents] if not p.exists()]))
            write_new(dest, data)
            written.append(dest)
    except BaseException:
        for path in reversed(written):
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty: never anything that was there before
        raise
    return written


def split_command(value: str, *, windows: bool) -> list[str]:
    """An EDITOR value as a command. Windows paths keep their backslashes (no POSIX
    escapes there); double quotes group words on both."""
    if windows:
        return [part.strip('"') for part in shlex.split(value, posix=False)]
    return shlex.split(value)


def default_editors() -> tuple[str, ...]:
    """The editors tried when neither $VISUAL nor $EDITOR is set: Notepad on Windows,
    else nano, then vi. (Not Debian's sensible-editor: it may stop to ask which editor
    to use, and may offer ed.)"""
    if sys.platform == "win32":
        return ("notepad",)
    return ("nano", "vi")


def find_editor() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else the first of ``default_editors()`` installed."""
    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return split_command(value, windows=os.name == "nt")
    for name in default_editors():
        found = shutil.which(name)
        if found:
            return [found]
    raise GuidedError(
        "no text editor found: set EDITOR (for example `export EDITOR=nano`, or "
        "`set EDITOR=notepad` on Windows) "
        "or open the file in any editor you like"
    )


def edit_target(ref: str) -> Path:
    """The file ``guided edit REF`` opens: a path, or a script in your own folder."""
    from guided.script import library

    if is_path_ref(ref):
        path = Path(ref).expanduser()
        if not path.is_file():
            own = library.user_path(Path(ref).stem) if Path(ref).suffix else None
            hint = f"; your own script '{own.stem}' opens with `guided edit {own.stem}`" if own else ""
            raise GuidedError(f"there is no script file at {ref}{hint}")
        return path
    found = library.lookup(ref, library.library_files())  # as `guided play` finds it
    if found is None:
        user_script_path(ref)  # a clear message for a name that cannot be a file name
        raise GuidedError(f"you have no script called {quoted(ref)} yet; start one with `guided new {ref}`")
    if found.parent == user_scripts_dir():
        return found
    what = builtin_named(ref, found)
    mine = library.user_path(ref)  # yours, spelled another way, comes after the built-in
    if mine is not None:
        raise GuidedError(f"{what} ({found}); your own '{mine.stem}' opens with "
                          f"`guided edit {mine.stem}`")
    raise GuidedError(f"{what} ({found}); edit your own copy instead: "
                      f"guided new {free_name(found.stem)} --from {found.stem}")


def builtin_named(ref: str, path: Path) -> str:
    """``'grounding' is a built-in practice``, naming the practice when ``ref`` is spelled
    another way or is its title."""
    if ref == path.stem:
        return f"'{ref}' is a built-in practice"
    return f"'{ref}' is the built-in practice '{path.stem}'"


def edit_ref(path: Path, given: str) -> str:
    """How to name ``path`` to `guided edit` again: its short name when it is one of your
    own scripts, else the path as it was given."""
    from guided.script import library

    if path.parent.resolve() == user_scripts_dir().resolve() and \
            library.lookup(path.stem, library.library_files()) == path:
        return path.stem
    return shlex.quote(given) if given else shlex.quote(str(path))


def free_name(name: str) -> str:
    """A name like ``my-grounding`` that neither you nor the library uses yet."""
    from guided.script import library

    for candidate in [f"my-{name}", *(f"my-{name}-{n}" for n in range(2, 100))]:
        if library.builtin_path(candidate) is None and library.user_path(candidate) is None:
            return candidate
    return f"{name}-mine"


def _report_check(path: Path, ref: str) -> bool:
    """Run `guided check` on ``path`` and say how it went; True when it can be played.
    ``ref`` is how to name it to `guided edit` again."""
    from guided.practice.checks import WARNING, check_file
    from guided.script.durations import format_length

    report = check_file(path, name=path.stem)
    for problem in report.problems:
        click.echo(f"Check: {problem}", err=True)
    if report.failed() or report.script is None or report.timeline is None:
        lines = "the lines above" if len(report.problems) > 1 else "the line above"
        click.echo(f"Fix {lines}, then run `guided edit {ref}` again.", err=True)
        return False
    warnings = sum(1 for p in report.problems if p.severity == WARNING)
    note = f" ({warnings} warning{'s' if warnings != 1 else ''} to look at)" if warnings else ""
    click.echo(f"Check: all good{note}. '{report.timeline.title}', about "
               f"{format_length(report.timeline.seconds)}.")
    return True


# ---------------------------------------------------------------------------- commands


@click.command()
@click.argument("name")
@click.option("--practice", "practice", type=click.Choice(PRACTICE_KINDS), default=None,
              help="The kind of practice to start from (default: custom).")
@click.option("--from", "source", metavar="SCRIPT", default=None,
              help="Start from a copy of an existing practice (built-in or your own).")
@click.option("--force", is_flag=True,
              help="Use NAME even though a built-in practice has it, or one differing only in "
                   "capitals, '-' or '_', or it reads as a practice's title (yours then "
                   "hides it).")
def new(name: str, practice: str | None, source: str | None, force: bool) -> None:
    """Start your own practice script NAME in your scripts folder.

    The new file is full of notes explaining each line. Names are matched without
    regard to capitals, '-' or '_', so a name that a built-in practice (or one of
    yours) already has, spelled any of those ways, is refused and nothing is hidden
    by accident, as is a name that reads as another practice's title; --force uses it
    anyway (`guided remove NAME` brings the built-in back).

    \b
    guided new sam-evening
    guided new sam-breathing --practice breath
    guided new my-grounding --from grounding
    """
    if practice and source:
        raise GuidedError("choose either --practice or --from, not both")
    from guided.script import library

    path = user_script_path(name)
    own = library.user_path(name)
    if own is not None and own.stem == name:
        raise GuidedError(f"you already have a script called '{name}' ({own}); open it with `guided edit {name}`")
    if own is not None and not force:
        raise GuidedError(
            f"you already have a script called '{own.stem}' ({own}), and names are matched "
            f"without regard to capitals, '-' or '_', so '{name}' would be mixed up with it; "
            f"open yours with `guided edit {own.stem}`, choose another name, "
            f"or add --force to use '{name}' anyway"
        )
    hides = library.builtin_path(name)
    if hides is not None and not force:
        builtin = hides.stem
        other = free_name(builtin)
        what = (f"'{name}' is the name of a built-in practice, and" if builtin == name else
                f"'{name}' is so like the name of the built-in practice '{builtin}' (names are "
                "matched without regard to capitals, '-' or '_') that")
        raise GuidedError(
            f"{what} a script of yours called that would "
            f"hide it; choose another name, such as `guided new {other}` (or `guided new {other} "
            f"--from {builtin}` to start from a copy), or add --force to use '{name}' anyway"
        )
    titled = library.title_like(name)
    if titled is not None and not force:
        title, other_path = titled
        whose = (f"your script '{other_path.stem}'" if other_path.parent == user_scripts_dir()
                 else f"the built-in practice '{other_path.stem}'")
        raise GuidedError(
            f"'{name}' reads the same as the title of {whose} ('{title}'), and names are "
            f"found before titles, so `guided play {shlex.quote(title)}` would then play yours "
            f"instead; choose another name, or add --force to use '{name}' anyway"
        )
    if source:
        written = copy_script(library.load(source), path)
        click.echo(f"Copied '{source}' to {path}")
        for extra in written[1:]:
            click.echo(f"  and the part it includes: {extra}")
    else:
        write_new(path, starter_text(name, practice or "custom").encode("utf-8"))
        click.echo(f"Created {path}")
    if hides is not None:
        click.echo(f"It hides the built-in '{hides.stem}' for you; `guided remove {name}` brings the built-in back.")
    elif titled is not None:
        click.echo(f"`guided play {shlex.quote(titled[0])}` now plays it, not '{titled[1].stem}' "
                   f"(still played by its name); `guided remove {name}` undoes that.")
    _report_check(path, name)
    click.echo("\nNext steps:")
    click.echo(f"  guided edit {name}     change the words and pauses")
    click.echo(f"  guided check {name}    check it for mistakes")
    click.echo(f"  guided play {name}     listen to it")


@click.command()
@click.argument("name")
def edit(name: str) -> None:
    """Open your practice NAME (or a script file) in your text editor, then check it.

    The editor is $VISUAL, else $EDITOR, else nano, else vi (Notepad on Windows).

    \b
    guided edit sam-evening
    guided edit ~/clients/sam/evening.yaml
    """
    path = edit_target(name)
    command = find_editor()
    try:
        result = subprocess.run([*command, str(path)], check=False)
    except OSError as exc:
        raise GuidedError(f"could not start the editor '{command[0]}': {exc.strerror}") from None
    if result.returncode != 0:
        click.echo(f"The editor closed with status {result.returncode}; checking the file anyway.", err=True)
    if not _report_check(path, edit_ref(path, name)):
        raise SystemExit(1)


@click.command()
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask first (needed when not at a terminal).")
def remove(name: str, yes: bool) -> None:
    """Move your own script NAME to the trash folder (nothing is deleted).

    Asks first. The script goes to the `trash` folder of your guided folder, and
    the command says how to bring it back. Built-in practices cannot be removed;
    if yours hid one of the same name, the built-in is used again.
    """
    from guided.script import library
    from guided.script.suggest import did_you_mean

    path = library.lookup(name, library.library_files())  # as `guided play` finds it
    if path is None:
        names = [p.stem for p in library.user_files()]
        raise GuidedError(f"you have no script called {quoted(name)}{did_you_mean(name, names)}; "
                          "`guided list` shows yours (source: user)")
    if path.parent != user_scripts_dir():
        mine = library.user_path(name)
        hint = f"; your own '{mine.stem}' is removed with `guided remove {mine.stem}`" if mine else ""
        raise GuidedError(f"{builtin_named(name, path)}, which stays; "
                          f"only your own scripts can be removed{hint}")
    name = path.stem
    if not yes:
        if not sys.stdin.isatty():
            raise GuidedError(f"to remove '{name}' without being asked, add --yes")
        if not click.confirm(f"Move your script '{name}' ({path}) to the trash?", default=False):
            click.echo("Nothing was moved.")
            return
    folder = trash_dir() / dt.datetime.now().strftime("%Y-%m-%d-%H%M%S")
    n = 1
    while folder.exists():
        n += 1
        folder = folder.with_name(f"{folder.name.split('~')[0]}~{n}")
    folder.mkdir(parents=True)
    target = folder / path.name
    shutil.move(str(path), str(target))
    click.echo(f"Moved '{name}' to the trash: {target}")
    builtin = library.builtin_path(name)
    if builtin is not None:
        click.echo(f"The built-in '{builtin.stem}' is used again.")
    mover = "move" if sys.platform == "win32" else "mv"
    click.echo(f"To bring it back: {mover} {_quote(target)} {_quote(path)}")


def trash_dir() -> Path:
    """Where `guided remove` puts scripts: ``trash/`` in the guided folder."""
    return user_scripts_dir().parent / "trash"


def _quote(path: Path) -> str:
    return f'"{path}"' if sys.platform == "win32" else shlex.quote(str(path))
