"""The door for files guided keeps for itself.

A kept file (``voice.json``, ``journey-progress.json``, ``sessions-pending.jsonl``,
``settings.yaml``, an engine's kept start-up files) is read only when it is what guided
would have left there: a regular file, directly inside the folder it belongs to, not a
link (opened with ``O_NOFOLLOW``), not a pipe or a device (opened with ``O_NONBLOCK``
and checked with ``fstat`` before a byte is read, so a FIFO never blocks), no bigger
than its cap. JSON is also checked for nesting before it is parsed. Anything else is
``Damaged``: one line naming the file, saying it looks damaged and what to do.

A missing file is not damage: the readers return ``None`` and the caller uses its
defaults.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path

from guided.errors import GuidedError

MAX_BYTES = 1024 * 1024  # a kept file guided writes is a few KiB; a damaged one may be anything
MAX_DEPTH = 32  # guided's own JSON nests 3 deep
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_BINARY", 0)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class Damaged(GuidedError):
    """A kept file that is not as guided writes it; one line, naming the file."""

    def __init__(self, path: Path, why: str, advice: str):
        super().__init__(f"{path} looks damaged ({why}); {advice}")
        self.path, self.why = path, why


def kept_path(folder: Path, name: str) -> Path:
    """``folder / name`` for a plain file name (no folder part, no ``..``)."""
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    return folder / name


def read_kept(path: Path, *, advice: str, max_bytes: int = MAX_BYTES,
              kind: str = "a file guided wrote") -> bytes | None:
    """The bytes of the kept file ``path`` (None when there is none). ``advice`` says
    what to do when it is damaged ("remove it and record the line again"); ``kind``
    names what belongs there, in messages ("it is a named pipe, not {kind}")."""
    try:
        fd = os.open(path, _READ_FLAGS)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Damaged(path, _open_problem(path, exc, kind), advice) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Damaged(path, f"it is {_kind(info.st_mode)}, not {kind}", advice)
        if info.st_size > max_bytes:
            raise Damaged(path, f"it is {_size(info.st_size)}, and {kind} may be at most "
                                f"{_size(max_bytes)}", advice)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(65536, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew while being read
                raise Damaged(path, f"it grew past {_size(max_bytes)} while being read", advice)
        return b"".join(chunks)
    except OSError as exc:
        raise Damaged(path, f"it cannot be read: {(exc.strerror or str(exc)).lower()}",
                      advice) from None
    finally:
        os.close(fd)


def read_kept_text(path: Path, *, advice: str, max_bytes: int = MAX_BYTES) -> str | None:
    """The kept file as UTF-8 text (None when there is none)."""
    data = read_kept(path, advice=advice, max_bytes=max_bytes)
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Damaged(path, f"line {line} is not UTF-8 text", advice) from None


def read_kept_json(path: Path, *, advice: str, max_bytes: int = MAX_BYTES,
                   max_depth: int = MAX_DEPTH) -> object | None:
    """The kept JSON file parsed (None when there is none)."""
    text = read_kept_text(path, advice=advice, max_bytes=max_bytes)
    if text is None:
        return None
    try:
        return parse_json(text, max_depth=max_depth)
    except ValueError as exc:
        raise Damaged(path, str(exc), advice) from None


def parse_json(text: str, *, max_depth: int = MAX_DEPTH) -> object:
    """``json.loads`` with nesting capped (checked before parsing, so a file nested
    100,000 deep costs one scan, never the stack). ``ValueError`` saying why otherwise."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                raise ValueError(f"it nests more than {max_depth} levels deep")
        elif token in "]}":
            depth -= 1
    try:
        return json.loads(text)
    except RecursionError:  # pragma: no cover - the scan above stops this first
        raise ValueError(f"it nests more than {max_depth} levels deep") from None
    except ValueError as exc:
        raise ValueError(f"not JSON as guided writes it: {str(exc).splitlines()[0]}") from None


def json_lines(text: str, *, max_depth: int = MAX_DEPTH) -> list[tuple[int, object | ValueError]]:
    """Each non-blank line of a JSON-lines file, numbered from 1: its value, or the
    ``ValueError`` that says why it cannot be read (the caller keeps such a line)."""
    found: list[tuple[int, object | ValueError]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            found.append((number, parse_json(line, max_depth=max_depth)))
        except ValueError as exc:
            found.append((number, exc))
    return found


def _open_problem(path: Path, exc: OSError, kind: str) -> str:
    import errno

    if exc.errno in (errno.ELOOP, errno.EMLINK) or os.path.islink(path):
        return f"it is a link to {os.path.realpath(path)}, not {kind}"
    if exc.errno == errno.EISDIR:
        return f"it is a folder, not {kind}"
    return f"it cannot be opened: {(exc.strerror or str(exc)).lower()}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MiB"
    return f"{max(1, n // 1024)} KiB"


def seal(data: bytes, marker: bytes) -> bytes:
    """A copy guided keeps of something it made (an optimised model): the bytes, then
    ``marker`` and their SHA-256, so a damaged copy is known before it is used."""
    return data + marker + hashlib.sha256(data).digest()


def unseal(sealed: bytes | None, marker: bytes) -> bytes | None:
    """The bytes inside a ``seal``-ed copy, or None unless its digest matches (damaged,
    cut short, or from before copies carried one)."""
    tail = len(marker) + 32
    if sealed is None or len(sealed) <= tail or sealed[-tail:-32] != marker:
        return None
    data = sealed[:-tail]
    return data if hashlib.sha256(data).digest() == sealed[-32:] else None
