"""The clip cache: content-addressed, verified, shared safely between processes.

A clip's key is the sha256 of (cache format, engine, engine version, voice, rate,
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
import hashlib
import os
import struct
import tempfile
import time
import unicodedata
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guided.audio.format import SAMPLE_RATE
from guided.timeline.plan import normalise_text

FORMAT_VERSION = 1
MAGIC = b"GCLP"
HEADER = struct.Struct("<4sHHIQI")
SUFFIX = ".clip"
TEMP_PREFIX = ".tmp-"
TOUCH_EVERY = 3600.0  # seconds; how stale a hit's mtime may get before it is refreshed
STALE_TEMP_SECONDS = 3600.0  # temp files older than this were left by a killed process


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
    fields = (f"guided-clip-{FORMAT_VERSION}", engine, engine_version, voice, str(int(rate)),
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
        damaged (wrong header or size). The checksum is checked by ``load``."""
        try:
            with open(self.path(key), "rb") as f:
                head = f.read(HEADER.size)
                size = os.fstat(f.fileno()).st_size
        except (FileNotFoundError, NotADirectoryError):
            return None
        try:
            return _parse_header(head, size)
        except CorruptClip:
            return None

    def load(self, key: str) -> np.ndarray | None:
        """The clip as int16, or None if there is none. Raises ``CorruptClip`` for a
        damaged file (the caller deletes it with ``discard`` and makes it again)."""
        path = self.path(key)
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                data = f.read()
        except (FileNotFoundError, NotADirectoryError):
            return None
        n = _parse_header(data[: HEADER.size], len(data))
        payload = data[HEADER.size:]
        if zlib.crc32(payload) != HEADER.unpack_from(data)[5]:
            raise CorruptClip(f"{path.name}: checksum mismatch")
        if time.time() - st.st_mtime > TOUCH_EVERY:
            _touch(path)
        return np.frombuffer(payload, dtype="<i2", count=n).astype(np.int16)

    def store(self, key: str, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> Path:
        """Write a clip atomically (temp file in the same folder, then rename)."""
        payload = np.asarray(samples, dtype="<i2").tobytes()
        header = HEADER.pack(MAGIC, FORMAT_VERSION, 0, sample_rate, len(payload) // 2,
                             zlib.crc32(payload))
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=SUFFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header)
                f.write(payload)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide clips from other users
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def discard(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    # -- housekeeping ----------------------------------------------------------------
    def entries(self) -> Iterator[Path]:
        if not self.root.is_dir():
            return
        for sub in sorted(self.root.iterdir()):
            if sub.is_dir() and len(sub.name) == 2:
                yield from (p for p in sub.iterdir()
                            if p.suffix == SUFFIX and not p.name.startswith(TEMP_PREFIX))

    def info(self) -> CacheInfo:
        entries = size = 0
        for p in self.entries():
            try:
                size += p.stat().st_size
            except FileNotFoundError:
                continue
            entries += 1
        return CacheInfo(self.root, entries, size)

    def clear(self) -> tuple[int, int]:
        """Delete every clip (and leftover temp files); returns (clips, bytes) freed."""
        return self._remove(lambda _mtime: True, temps_older_than=0.0)

    def prune(self, older_than_seconds: float) -> tuple[int, int]:
        """Delete clips not used for ``older_than_seconds``; returns (clips, bytes)."""
        cutoff = time.time() - older_than_seconds
        return self._remove(lambda mtime: mtime < cutoff, temps_older_than=STALE_TEMP_SECONDS)

    def _remove(self, doomed, temps_older_than: float) -> tuple[int, int]:
        count = size = 0
        if not self.root.is_dir():
            return 0, 0
        now = time.time()
        for sub in self.root.iterdir():
            if not (sub.is_dir() and len(sub.name) == 2):
                continue
            for p in sub.iterdir():
                try:
                    st = p.stat()
                except FileNotFoundError:
                    continue
                if p.name.startswith(TEMP_PREFIX):
                    if now - st.st_mtime >= temps_older_than:
                        p.unlink(missing_ok=True)
                    continue
                if p.suffix == SUFFIX and doomed(st.st_mtime):
                    p.unlink(missing_ok=True)
                    count += 1
                    size += st.st_size
            with contextlib.suppress(OSError):
                sub.rmdir()  # only succeeds when empty
        return count, size


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
