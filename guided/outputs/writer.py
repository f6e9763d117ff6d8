"""One writer for every file a user names: exports, transcripts, bundles, ``say -o``,
``log export -o`` and ``schema -o``.

The rule (docs/files-and-safety.md):

- Only regular files are written. A symlink is followed and the file it points to is
  replaced; a folder, device, FIFO or socket is refused in one line. ``-`` (and
  ``/dev/stdout``) mean standard output, for the text formats that can stream.
- An existing file is kept unless the command is given ``--force``.
- Never, even with ``--force``: one of the command's own inputs (script, included
  scripts, vars file), the session log, the settings, the journey progress, anything
  in the clip cache; and two outputs of one command never share a path.
- Missing folders on the way to the file are created.
- The file appears whole or not at all: it is written to a hidden temporary file
  beside the target (``.NAME.PID.XXXX.part``) and renamed into place at the end.
  Ctrl-C, SIGTERM or SIGHUP removes the temporary file; a temporary file left by a
  run that was killed outright (``kill -9``, power loss) is removed by the next run
  that writes into the same folder.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from guided.atomic import move_into_place, temp_file
from guided.errors import GuidedError

STDOUT_NAMES = ("-", "/dev/stdout")


def is_stdout(name: str | os.PathLike[str]) -> bool:
    return str(name) in STDOUT_NAMES


@dataclass
class Guard:
    """What one command must never write over (besides devices and folders)."""

    inputs: dict[Path, str] = field(default_factory=dict)  # real path -> what it is
    folders: dict[Path, str] = field(default_factory=dict)  # nothing inside these
    claimed: dict[Path, str] = field(default_factory=dict)  # outputs already planned

    def add_input(self, path: Path | str | None, what: str) -> None:
        if path:
            self.inputs.setdefault(_real(Path(path)), what)

    def add_folder(self, path: Path | str | None, what: str) -> None:
        if path:
            self.folders.setdefault(_real(Path(path)), what)

    @classmethod
    def for_user_data(cls, cache_dir: Path) -> Guard:
        """The session log, settings, journey progress and the clip cache (the folder the
        command line chose)."""
        from guided.paths import guided_home, settings_file

        guard = cls()
        home = guided_home()
        for suffix in ("", "-wal", "-shm", "-journal"):
            guard.add_input(home / f"sessions.db{suffix}", "the session log")
        guard.add_input(home / "sessions-pending.jsonl", "the session log")
        guard.add_input(settings_file(), "your settings")
        guard.add_input(home / "journey-progress.json", "your journey progress")
        guard.add_folder(cache_dir, "the clip cache")
        return guard

    def add_script(self, script: object) -> None:
        """A loaded script and every file it includes."""
        from guided.script.model import Include, iter_steps

        self.add_input(getattr(script, "path", None), "the practice script")
        for step in iter_steps(getattr(script, "steps", ())):
            if isinstance(step, Include):
                self.add_input(step.path, "a script it includes")

    def check(self, target: Path, what: str = "the output") -> None:
        real = _real(target)
        found = self.inputs.get(real) or _same_file(real, self.inputs)
        if found:
            raise GuidedError(f"{target} is {found}; it is never written over, so choose "
                              "another name for " + what)
        for folder, name in self.folders.items():
            if real == folder or folder in real.parents:
                raise GuidedError(f"{target} is inside {name} ({folder}); choose another place for {what}")
        other = self.claimed.get(real)
        if other:
            raise GuidedError(f"{what} and {other} would both be {target}; give them different names")
        self.claimed[real] = what


def check_target(target: Path | str, *, force: bool = False, guard: Guard | None = None,
                 what: str = "the output") -> Path:
    """Everything that can be said about writing ``target`` before any work. Returns the
    path to write (a symlink's target). Raises one-line ``GuidedError``s."""
    path = Path(target).expanduser()
    if is_stdout(target):
        raise GuidedError(f"{what} cannot go to standard output; give a file name")
    plain_name(path, what)
    real = _real(path)
    if guard is not None:
        guard.check(path, what)
    try:
        st = os.stat(real)
    except (FileNotFoundError, NotADirectoryError):  # the folders on the way are checked below
        st = None
    except OSError as exc:
        raise GuidedError(f"cannot write {path}: {exc.strerror or exc}") from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise GuidedError(f"{path} is a folder; give the name of a file (inside it, if you like)")
        if not stat.S_ISREG(st.st_mode):
            raise GuidedError(f"{path} is not a regular file (a device, pipe or socket); "
                              "give the name of a file to write")
        if not force:
            raise GuidedError(f"{path} already exists; add --force to replace it, or choose another name")
    _check_folder(real.parent, path)
    return real


def plain_name(path: Path, what: str = "the output") -> None:
    """Refuse a name whose bytes are not UTF-8 text (Linux allows them; the page, the
    tags, the zip and every message would have to show it as something else)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise GuidedError(f"{what} cannot be called {path}: that name holds bytes that are not "
                          "UTF-8 text; choose a name typed in ordinary letters") from None


def _check_folder(folder: Path, shown: Path) -> None:
    """The first existing folder on the way must be a folder (the rest are created)."""
    for parent in (folder, *folder.parents):
        if parent.exists():
            if not parent.is_dir():
                raise GuidedError(f"cannot write {shown}: {parent} is a file, not a folder")
            return


def commit(tmp: Path, real: Path, *, force: bool) -> None:
    """Move the finished temporary file into place (``guided.atomic.move_into_place``);
    without ``force`` never over a file that appeared meanwhile."""
    try:
        move_into_place(tmp, real, overwrite=force)
    except FileExistsError:
        raise GuidedError(f"{real} appeared while it was being written; it was left as it was") from None


@contextmanager
def writing(real: Path, *, force: bool) -> Iterator[Path]:
    """Yield a temporary path beside ``real`` to write; on success it becomes ``real``,
    on any error (or Ctrl-C, SIGTERM, SIGHUP) it is removed."""
    tmp = temp_file(real)
    try:
        yield tmp
        commit(tmp, real, force=force)
    finally:
        tmp.unlink(missing_ok=True)


def write_output(target: Path | str, data: bytes | str, *, force: bool = False,
                 guard: Guard | None = None, what: str = "the output") -> Path:
    """Check and write ``data`` (text as UTF-8, newlines as given) to ``target``."""
    real = check_target(target, force=force, guard=guard, what=what)
    with writing(real, force=force) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="")
        else:
            tmp.write_bytes(data)
    return real


# --- signals ----------------------------------------------------------------------------


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP: unwinds like Ctrl-C so temporary files are removed."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


# SIGHUP does not exist on Windows (a closed console ends the process there anyway).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def stop_on_signals(signums: Iterable[int] = STOP_SIGNALS) -> Iterator[None]:
    """Treat SIGTERM and SIGHUP like Ctrl-C while the block runs (main thread only)."""

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    previous: dict[int, object] = {}
    try:
        for signum in signums:
            if signal.getsignal(signum) == signal.SIG_IGN:
                continue  # ignored when we started (nohup): it stays ignored
            previous[signum] = signal.signal(signum, stop)
    except ValueError:  # not in the main thread (e.g. a test harness)
        pass
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]


# --- helpers ----------------------------------------------------------------------------


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path.expanduser()))


def _same_file(real: Path, known: dict[Path, str]) -> str | None:
    """Hard links and case-insensitive file systems: compare device and inode."""
    try:
        st = os.stat(real)
    except OSError:
        return None
    for path, what in known.items():
        with contextlib.suppress(OSError):
            other = os.stat(path)
            if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
                return what
    return None
