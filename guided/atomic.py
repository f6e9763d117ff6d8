"""Files that appear whole or not at all.

Everything guided writes for the user (exports, transcripts, schemas, log exports,
WAV auditions) and its own small state files are written to a hidden temporary file
in the target's folder and moved into place by ``move_into_place`` (the one last step
of every atomic write in guided: ``replacing``, ``creating``, the output writer, the clip
cache, kept engine files), so Ctrl-C or a crash never leaves a half-written file behind.
(The clip cache names its temporary files its own way, ones ``guided cache prune`` knows
to clean up, and hands them to ``move_into_place`` too.)
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from guided.errors import GuidedError

TEMP_SUFFIXES = (".part", ".building")
STALE_AFTER = 24 * 3600.0  # a temp file whose process is unknown is stale after a day
# exactly as ``temp_name`` and ``tempfile`` name them: a process number in ASCII digits
# and eight characters from tempfile's alphabet (it took any word: a user's hidden
# ``.thesis.2019.final.part`` or ``.photos.1999.summer.building`` was removed as stale)
_TEMP_NAME = re.compile(r"^\..+\.([0-9]{1,10})\.[a-z0-9_]{8}(?:\.part|\.building)$")


def temp_beside(target: Path) -> Path:
    """A hidden temporary file beside ``target`` (same folder, so the final rename is
    atomic), named ``.NAME.PID.XXXX.part`` so a later run can remove it if this process
    is killed outright (see ``sweep_stale``)."""
    return temp_file(target)


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GuidedError(f"cannot create the folder {folder}: {exc.strerror or exc}") from None


def temp_name(target: Path) -> str:
    return f".{target.name[:80]}.{os.getpid()}."


def temp_file(target: Path) -> Path:
    """A hidden temporary file beside ``target`` named so the next run can tell whether its
    writer is still alive; readable like any new file (mkstemp alone makes it private)."""
    folder = target.parent if str(target.parent) else Path(".")
    make_folder(folder)
    sweep_stale(folder)
    try:
        fd, name = tempfile.mkstemp(prefix=temp_name(target), suffix=".part", dir=folder)
    except OSError as exc:
        raise GuidedError(f"cannot write in {folder}: {exc.strerror or exc}") from None
    os.close(fd)
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(name, 0o666 & ~mask)
    return Path(name)


def temp_folder(target: Path) -> Path:
    folder = target.parent if str(target.parent) else Path(".")
    make_folder(folder)
    sweep_stale(folder)
    try:
        return Path(tempfile.mkdtemp(prefix=temp_name(target), suffix=".building", dir=folder))
    except OSError as exc:
        raise GuidedError(f"cannot write in {folder}: {exc.strerror or exc}") from None


# --- temporary files left by runs that were killed -------------------------------------


def sweep_stale(folder: Path) -> int:
    """Remove ``.NAME.PID.XXXX.part`` files and ``.building`` folders whose process is gone
    (or, if the process can't be told, older than a day). Returns how many were removed."""
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    now = time.time()
    for name in names:
        match = _TEMP_NAME.match(name)
        if not match:
            continue
        path = folder / name
        pid = int(match.group(1))
        try:
            st = os.lstat(path)
        except OSError:
            continue
        if pid == os.getpid() or (_alive(pid) and now - st.st_mtime < STALE_AFTER):
            continue
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(st.st_mode):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    from guided.portable import pid_alive

    return pid_alive(pid)


def move_into_place(tmp: Path | str, target: Path | str, *, overwrite: bool = True) -> None:
    """The finished temporary file ``tmp`` (in ``target``'s folder) becomes ``target`` in
    one step, so a reader sees the old file or the new one, never half of one. With
    ``overwrite=False`` a file already at ``target`` is never replaced (a hard link, which
    fails if one appeared meanwhile; on a file system without hard links, a rename when
    nothing is there): ``FileExistsError``, and ``tmp`` is left for the caller to remove."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "it already exists", str(target)) from None
        os.replace(tmp, target)
        return
    Path(tmp).unlink(missing_ok=True)


@contextmanager
def creating(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` to write; on success it becomes ``target``,
    which must not exist (``FileExistsError`` if it appeared meanwhile); on any error
    (or Ctrl-C) it is removed and nothing is left behind."""
    tmp = temp_beside(target)
    try:
        yield tmp
        move_into_place(tmp, target, overwrite=False)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target`` (a symlink's
    target, never the link itself), on any error (or Ctrl-C) it is removed and
    ``target`` is left as it was."""
    real = Path(os.path.realpath(target))
    existed = real.exists()
    tmp = temp_beside(real)
    try:
        yield tmp
        move_into_place(tmp, real)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if str(tmp) not in (exc.filename, exc.filename2) and str(real) not in (exc.filename, exc.filename2):
            raise
        raise _cannot(target, existed, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _cannot(target: Path, existed: bool, exc: OSError) -> Exception:
    """A failed write named by the user's file, never the hidden temporary one:
    ``cannot change settings.yaml: operation not permitted``."""
    from guided.errors import GuidedError, disk_problem

    return GuidedError(f"cannot {'change' if existed else 'write'} {target}: {disk_problem(exc)}")


def write_atomic(target: Path, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8 with the newlines as given) to ``target`` atomically."""
    with replacing(target) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="")
        else:
            tmp.write_bytes(data)


def lock_file(target: Path) -> Path:
    """The lock beside ``target`` (``.NAME.lock``) that two commands changing it share."""
    return target.parent / f".{target.name}.lock"


@contextmanager
def changing(target: Path, what: str) -> Iterator[None]:
    """Hold ``target``'s lock for a read-change-write, so a second guided changing it at the
    same time waits its turn instead of writing over the first one's change. Read the
    file again inside. Waiting too long, or a folder where the lock cannot be made, is
    one line naming ``target`` (``what``: "your settings", for the message)."""
    from guided.errors import GuidedError
    from guided.portable import LockTimeout, locked

    lock = lock_file(target)
    try:
        with locked(lock):
            yield
    except LockTimeout:
        raise GuidedError(f"another guided is changing {what} ({target}) and has not finished; "
                          "try again in a moment") from None
    except OSError as exc:
        if exc.filename not in (str(lock), str(lock.parent)):
            raise
        raise _cannot(target, True, exc) from None
