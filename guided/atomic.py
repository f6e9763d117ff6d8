"""Files that appear whole or not at all.

Everything guided writes for the user (exports, transcripts, schemas, log exports,
WAV auditions) and its own small state files are written to a hidden temporary file
in the target's folder and renamed into place, so Ctrl-C or a crash never leaves a
half-written file behind. (The clip cache keeps its own variant in ``guided.speech.cache``:
its temporary names are ones ``guided cache prune`` knows to clean up.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from guided.errors import GuidedError


def temp_beside(target: Path) -> Path:
    """A hidden temporary file beside ``target`` (same folder, so the final rename is
    atomic), readable like any new file (mkstemp alone would make it private)."""
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise GuidedError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
    os.close(fd)
    mask = os.umask(0o022)
    os.umask(mask)
    os.chmod(name, 0o666 & ~mask)
    return Path(name)


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target``, on any
    error (or Ctrl-C) it is removed and ``target`` is left as it was."""
    tmp = temp_beside(target)
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8 with the newlines as given) to ``target`` atomically."""
    with replacing(target) as tmp:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8", newline="")
        else:
            tmp.write_bytes(data)
