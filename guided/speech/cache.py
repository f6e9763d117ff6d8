"""The clip cache: content-addressed, verified, shared safely between processes.

A clip's key is the sha256 of (cache format and sample rate, engine, engine version, voice, rate,
text with whitespace normalised), so re-exporting an unchanged script synthesizes
nothing and editing one ``say`` makes exactly one new clip. Files live in a two-level
fan-out, ``ab/abcdef….clip``; each holds a small header and int16 PCM:

    magic b"GCLP" | format u16 | reserved u16 | sample rate u32 | samples u64 | crc32 u32

A truncated or corrupt file is detected when read (size from the header, crc32 of the
payload) and treated as missing, so it is made again. Writes go to a temporary file
in the same folder and are renamed into place (``os.replace``), so readers never see
a partial clip and two processes writing the same key both succeed.

Pruning is by last use: a hit refreshes the file's modification time (at most once
an hour, to keep reads cheap).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import re
import shutil
import stat
import struct
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guided.atomic import move_into_place
from guided.errors import GuidedError
from guided.samples import SAMPLE_RATE
from guided.timeline.plan import normalise_text

FORMAT_VERSION = 1
MAGIC = b"GCLP"
HEADER = struct.Struct("<4sHHIQI")
SUFFIX = ".clip"
TEMP_PREFIX = ".tmp-"
TOUCH_EVERY = 3600.0  # seconds; how stale a hit's mtime may get before it is refreshed
STALE_TEMP_SECONDS = 3600.0  # temp files older than this were left by a killed process
MAX_CLIP_BYTES = 2 * 3600 * SAMPLE_RATE  # an hour of int16: no clip comes near it
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_FANOUT = re.compile(r"^[0-9a-f]{2}$")
# Loudness measurements kept beside the clips (guided.outputs.kept_loudness names them
# by the digest of a render); cleared and pruned with the clips.
KEPT_LOUDNESS = "loudness"
_KEPT_LOUDNESS_NAME = re.compile(r"^[0-9a-f]{32}\.json$")
_CLIP_NAME = re.compile(r"^[0-9a-f]{64}" + re.escape(SUFFIX) + r"$")


def _clip_name(sub: Path, name: str) -> bool:
    """Whether ``name`` is a clip's name as ``path`` makes it, in its own fan-out folder
    ``sub`` (what ``info`` counts and what ``clear``/``prune`` may remove: one rule)."""
    return _CLIP_NAME.match(name) is not None and name.startswith(sub.name)
# what ``store`` names its temporary file: mkstemp(prefix=".tmp-PID-", suffix=".clip")
_TEMP_NAME = re.compile(r"^" + re.escape(TEMP_PREFIX) + r"([0-9]{1,10})-[a-z0-9_]{8}"
                        + re.escape(SUFFIX) + r"$")


class CorruptClip(Exception):
    """A cache file exists but is damaged (truncated, wrong header, bad checksum)."""


@dataclass(frozen=True)
class CacheInfo:
    location: Path
    entries: int
    size_bytes: int


def normalise(text: str) -> str:
    """The text as it takes part in the key: Unicode NFC, whitespace collapsed."""
    return normalise_text(unicodedata.normalize("NFC", text))


def clip_key(engine: str, engine_version: str, voice: str, rate: int, text: str) -> str:
    fields = (f"guided-clip-{FORMAT_VERSION}-{SAMPLE_RATE}", engine, engine_version, voice, str(int(rate)),
              normalise(text))
    return hashlib.sha256("\x1f".join(fields).encode("utf-8")).hexdigest()


class ClipCache:
    """One cache folder. Safe to use from several threads and processes at once."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}{SUFFIX}"

    def read_length(self, key: str) -> int | None:
        """Samples in the clip, from the header alone; None if missing or visibly
        damaged (wrong header or size, or not a regular file). The checksum is checked
        by ``load``."""
        try:
            f = self._open(self.path(key))
        except CorruptClip:
            return None
        if f is None:
            return None
        with f:
            head = f.read(HEADER.size)
            size = os.fstat(f.fileno()).st_size
        try:
            return _parse_header(head, size)
        except CorruptClip:
            return None

    def load(self, key: str) -> np.ndarray | None:
        """The clip as int16, or None if there is none. Raises ``CorruptClip`` for a
        damaged file, or anything that is not a regular file (the caller deletes it with
        ``discard`` and makes it again)."""
        path = self.path(key)
        f = self._open(path)
        if f is None:
            return None
        with f:
            st = os.fstat(f.fileno())
            data = f.read(HEADER.size + MAX_CLIP_BYTES + 1)
        n = _parse_header(data[: HEADER.size], len(data))
        payload = memoryview(data)[HEADER.size:]  # no copy of a long clip
        if zlib.crc32(payload) != HEADER.unpack_from(data)[5]:
            raise CorruptClip(f"{path.name}: checksum mismatch")
        if time.time() - st.st_mtime > TOUCH_EVERY:
            _touch(path)
        return np.frombuffer(payload, dtype="<i2", count=n).astype(np.int16)

    def _open(self, path: Path):
        """The clip file opened for reading, without following a link or waiting on a
        pipe; None if there is none. Anything but a regular file is ``CorruptClip``; a
        folder that cannot be read is a one-line ``GuidedError`` naming it."""
        try:
            fd = os.open(path, _READ_FLAGS)
        except (FileNotFoundError, NotADirectoryError):
            return None
        except PermissionError:
            raise _unreadable(path) from None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR, errno.EOPNOTSUPP):
                raise CorruptClip(f"{path.name}: not a regular file") from None
            raise GuidedError(f"cannot read the clip cache {path.parent} "
                              f"({exc.strerror or exc})") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise CorruptClip(f"{path.name}: not a regular file")
        return os.fdopen(fd, "rb")

    def store(self, key: str, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
        """Write a clip atomically (temp file in the same folder, then rename). Whatever
        is in the clip's place (a folder, a pipe, a link) is replaced; a ``clear`` running
        at the same time only means trying again."""
        payload = np.asarray(samples, dtype="<i2").tobytes()
        header = HEADER.pack(MAGIC, FORMAT_VERSION, 0, sample_rate, len(payload) // 2,
                             zlib.crc32(payload))
        path = self.path(key)
        last: OSError | None = None
        for attempt in range(5):
            try:
                self._make_folder(path.parent)
                fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=SUFFIX,
                                           dir=path.parent)
            except (FileNotFoundError, FileExistsError) as exc:  # a clear removed the folder
                last = exc  # between our mkdir and its check, or before mkstemp
                continue
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(header)
                    f.write(payload)
                os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide clips from other users
                try:
                    move_into_place(tmp, path)
                except OSError as exc:
                    if exc.errno not in (errno.EISDIR, errno.ENOTEMPTY, errno.EEXIST):
                        raise
                    _remove_any(path)  # a folder where the clip belongs
                    move_into_place(tmp, path)
                return path
            except FileNotFoundError:
                if attempt == 4:
                    raise
            finally:
                Path(tmp).unlink(missing_ok=True)
        raise last or FileNotFoundError(errno.ENOENT, "the cache folder keeps disappearing",
                                        str(path.parent))

    def _make_folder(self, folder: Path) -> None:
        """The fan-out folder; anything else with its name (a file, a pipe, a link) goes."""
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISDIR(st.st_mode):
            folder.unlink()
        folder.mkdir(parents=True, exist_ok=True)

    def discard(self, key: str) -> None:
        """Remove whatever is in the clip's place (a damaged clip, a folder, a pipe)."""
        try:
            _remove_any(self.path(key))
        except PermissionError:
            raise _unreadable(self.path(key)) from None

    # -- housekeeping ----------------------------------------------------------------
    def _folders(self) -> Iterator[Path]:
        """The fan-out folders (two hex digits), never following links."""
        try:
            names = sorted(os.listdir(self.root))
        except FileNotFoundError:
            return
        except PermissionError:
            raise _unreadable(self.root / "x") from None
        except NotADirectoryError:
            raise GuidedError(f"the clip cache {self.root} is a file, not a folder; "
                              "choose another with --cache-dir or GUIDED_CACHE_DIR") from None
        for name in names:
            if _FANOUT.match(name) and is_real_folder(self.root / name):
                yield self.root / name

    def _listdir(self, sub: Path) -> list[str]:
        try:
            return os.listdir(sub)
        except FileNotFoundError:
            return []
        except PermissionError:
            raise _unreadable(sub / "x") from None

    def entries(self) -> Iterator[Path]:
        """Guided's clips: regular files named exactly as ``path`` names them (never a
        folder, a link or anything else that happens to end in ``.clip``)."""
        for path, _st in self._clips():
            yield path

    def _clips(self) -> Iterator[tuple[Path, os.stat_result]]:
        for sub in self._folders():
            yield from self._files_named(sub, functools.partial(_clip_name, sub))

    def _files_named(self, folder: Path, wanted: Callable[[str], object]
                     ) -> Iterator[tuple[Path, os.stat_result]]:
        """The regular files of ``folder`` whose names ``wanted`` picks, in name order,
        with their ``lstat`` (never a link, a folder or a pipe of the same name)."""
        for name in sorted(self._listdir(folder)):
            if not wanted(name):
                continue
            try:
                st = os.lstat(folder / name)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode):
                yield folder / name, st

    def info(self) -> CacheInfo:
        entries = size = 0
        for _path, st in self._clips():
            size += st.st_size
            entries += 1
        return CacheInfo(self.root, entries, size)

    def clear(self) -> tuple[int, int]:
        """Delete every clip (and leftover temp files); returns (clips, bytes) freed.
        A temporary file that a running process is writing right now stays."""
        return self._remove(lambda _mtime: True)

    def prune(self, older_than_seconds: float) -> tuple[int, int]:
        """Delete clips not used for ``older_than_seconds``; returns (clips, bytes)."""
        cutoff = time.time() - older_than_seconds
        return self._remove(lambda mtime: mtime < cutoff)

    def _remove_measurements(self, doomed) -> None:
        """The kept loudness measurements ``doomed`` picks, and their folder once empty,
        with its write's leftovers (``guided.atomic``); not counted as clips."""
        from guided.atomic import sweep_stale

        folder = self.root / KEPT_LOUDNESS
        if not is_real_folder(folder):
            return
        for path, st in self._files_named(folder, _KEPT_LOUDNESS_NAME.match):
            if doomed(st.st_mtime):
                path.unlink(missing_ok=True)
        sweep_stale(folder)  # what a write cut short left (a kill, a full disk)
        with contextlib.suppress(OSError):
            folder.rmdir()  # only succeeds when empty

    def count_older(self, older_than_seconds: float) -> tuple[int, int]:
        """(clips, bytes) that ``prune(older_than_seconds)`` would delete now."""
        cutoff = time.time() - older_than_seconds
        count = size = 0
        for _path, st in self._clips():
            if st.st_mtime < cutoff:
                count += 1
                size += st.st_size
        return count, size

    def _remove(self, doomed) -> tuple[int, int]:
        """Remove guided's own files, whatever else the cache holds: clips (regular files
        named exactly as ``path`` names them, in their fan-out folder) that ``doomed``
        picks, and temporary files named as ``store`` names them whose process has gone.
        A fan-out folder goes only when this emptied it. Nothing else is touched, and no
        link is followed. A cache that cannot be changed is one line saying so."""
        count = size = 0
        now = time.time()
        try:
            for sub in self._folders():
                removed = False
                for name in self._listdir(sub):
                    clip = _clip_name(sub, name)
                    temp = _TEMP_NAME.match(name) is not None
                    if not (clip or temp):
                        continue
                    p = sub / name
                    try:
                        st = os.lstat(p)
                    except FileNotFoundError:
                        continue
                    if not stat.S_ISREG(st.st_mode):
                        continue  # never a clip; made again in its place when needed
                    if temp:
                        if not _being_written(name) or now - st.st_mtime >= STALE_TEMP_SECONDS:
                            p.unlink(missing_ok=True)
                            removed = True
                        continue
                    if doomed(st.st_mtime):
                        p.unlink(missing_ok=True)
                        removed = True
                        count += 1
                        size += st.st_size
                if removed:
                    with contextlib.suppress(OSError):
                        sub.rmdir()  # only succeeds when empty
            self._remove_measurements(doomed)
        except PermissionError:
            done = f" ({_clips(count)} deleted before that)" if count else ""
            raise GuidedError(f"the clip cache {self.root} is read-only, so its clips stay{done}") from None
        except OSError as exc:
            if exc.errno != errno.EROFS:
                raise GuidedError(f"cannot tidy the clip cache {self.root}: "
                                  f"{exc.strerror or exc}") from None
            raise GuidedError(f"the clip cache {self.root} is on a read-only disk; "
                              "nothing was deleted") from None
        return count, size


def is_real_folder(path: Path) -> bool:
    """A folder itself, not a link to one (nor a file, nor nothing): what the cache and
    what is kept beside its clips may be read from and written into."""
    return os.path.isdir(path) and not os.path.islink(path)


def _clips(n: int) -> str:
    return f"{n} clip{'s' if n != 1 else ''}"


def _being_written(name: str) -> bool:
    """Whether a temporary clip's process (its pid is in the name) is still running."""
    match = _TEMP_NAME.match(name)
    if not match:
        return False
    from guided.portable import pid_alive

    try:
        return pid_alive(int(match.group(1)))
    except (OverflowError, ValueError):  # no process can have that number
        return False


def _remove_any(path: Path) -> None:
    """Remove a file, link, pipe or folder (a folder's contents too)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISDIR(st.st_mode):
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _unreadable(path: Path) -> GuidedError:
    return GuidedError(f"cannot read the clip cache folder {path.parent} (permission denied); "
                       "let guided read it, or choose another cache with --cache-dir")


def _parse_header(head: bytes, file_size: int) -> int:
    if len(head) < HEADER.size:
        raise CorruptClip("shorter than its header")
    magic, version, _reserved, sample_rate, n, _crc = HEADER.unpack_from(head)
    if magic != MAGIC or version != FORMAT_VERSION or sample_rate != SAMPLE_RATE:
        raise CorruptClip("not a clip of this format")
    if file_size != HEADER.size + 2 * n:
        raise CorruptClip("truncated")
    return n


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # read-only cache: pruning by age is then approximate
        os.utime(path)
