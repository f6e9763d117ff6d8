"""The door for audio from outside: own-voice takes and the files ``record --import``
brings in.

``read_take(path)`` is the one way guided decodes such a file. It opens the file
without waiting on a pipe (``O_NONBLOCK``, then ``fstat``: only a regular file is read;
a kept take inside a voice folder is also never a link), reads the header first and
refuses, in one line, a sample rate outside ``RATES``, more than ``MAX_CHANNELS``
channels, or more audio than a take can hold (``MAX_SECONDS``, ``MAX_SAMPLES``), so a
10 KB file whose header says 1 Hz, or a recorder left running for three hours, costs
nothing. The samples are then decoded block by block (soundfile) and reading stops at
the cap, whatever the header claimed; memory is bounded by the cap, never by the
file's length. A header soundfile cannot read is one line naming the file; M4A, which
soundfile's codecs do not cover, goes through ffmpeg (reading the checked file itself), asked for no more than
the cap. Notes the MP3 decoder prints on the terminal are kept off it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import numpy as np

from guided.errors import GuidedError

RATES = (8000, 192000)  # Hz: a telephone to a studio recorder
MAX_CHANNELS = 8
MAX_SECONDS = 300.0  # a take is one line of a practice; five minutes is far beyond any line
MAX_SAMPLES = int(MAX_SECONDS * 48000 * 2)  # about 110 MiB as float32: five stereo minutes at 48 kHz
BLOCK_FRAMES = 65536
SOUNDFILE = (".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus")  # libsndfile's own codecs
FFMPEG = (".m4a",)  # through ffmpeg, when it is installed
DECODED = SOUNDFILE + FFMPEG
_OPEN = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


class NotAudio(GuidedError):
    """A file that is not a take guided can use; one line naming it."""


def read_take(path: Path, *, inside: Path | None = None, max_seconds: float = MAX_SECONDS
              ) -> tuple[np.ndarray, int]:
    """The samples of ``path`` as float32 (frames, channels) and its sample rate.
    ``inside``: the folder a kept take must be directly in (then a link is refused too)."""
    with _opened(path, inside) as fh:
        if path.suffix.lower() in FFMPEG:
            return _with_ffmpeg(path, fh, max_seconds)
        return _with_soundfile(path, fh, max_seconds)


@contextmanager
def _opened(path: Path, inside: Path | None) -> Iterator[BinaryIO]:
    name = path.name
    if inside is not None and os.path.realpath(path.parent) != os.path.realpath(inside):
        raise NotAudio(f"{path} is not inside {inside}, so guided does not read it as a take")
    flags = _OPEN | (getattr(os, "O_NOFOLLOW", 0) if inside is not None else 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise NotAudio(f"{name} is not there any more") from None
    except OSError as exc:
        if os.path.islink(path):
            raise NotAudio(f"{path} is a link, not a take guided kept; record the line "
                           "again") from None
        raise NotAudio(f"cannot read {name}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a named pipe" if stat.S_ISFIFO(mode) \
                else "a device or socket"
            raise NotAudio(f"{name} is {kind}, not an audio file")
        if hasattr(os, "set_blocking"):  # not on Windows before Python 3.12
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        yield fh


def _check_shape(name: str, rate: int, channels: int, frames: int | None,
                 max_seconds: float) -> int:
    """The most frames to read; a one-line refusal for a shape no take has."""
    if not RATES[0] <= rate <= RATES[1]:
        raise NotAudio(f"{name} says its sample rate is {rate} Hz; a take must be between "
                       f"{RATES[0]} and {RATES[1]} Hz (save it again as an ordinary WAV file)")
    if not 1 <= channels <= MAX_CHANNELS:
        raise NotAudio(f"{name} says it has {channels} channels; a take has 1 to "
                       f"{MAX_CHANNELS} (save it again as mono or stereo)")
    most = int(min(max_seconds * rate, MAX_SAMPLES // channels))
    if frames is not None and frames > most:
        raise _too_long(name, frames / rate, most / rate, mono_helps=most < max_seconds * rate)
    return most


def _too_long(name: str, seconds: float, most: float, *, mono_helps: bool = False) -> NotAudio:
    def minutes(s: float) -> str:
        return f"{s / 60:.0f} minutes" if s >= 120 else f"{s:.0f} seconds"

    mono = " (or save it as mono)" if mono_helps else ""
    held = minutes(seconds) if minutes(seconds) != minutes(most) else f"more than {minutes(most)}"
    return NotAudio(f"{name} holds {held} of audio; a take is one line, at most "
                    f"{minutes(most)} here: cut it to just the line{mono}, then import it again")


def _with_soundfile(path: Path, fh: BinaryIO, max_seconds: float) -> tuple[np.ndarray, int]:
    import soundfile

    name = path.name
    try:
        with _quiet_decoder(path.suffix.lower() == ".mp3"), soundfile.SoundFile(fh) as sound:
            rate, channels = int(sound.samplerate), int(sound.channels)
            known = sound.frames if 0 <= sound.frames < 2 ** 62 else None
            most = _check_shape(name, rate, channels, known, max_seconds)
            data = _read_blocks(sound, name, most, known)
    except NotAudio:
        raise
    except (RuntimeError, TypeError, ValueError, OverflowError, MemoryError) as exc:
        raise NotAudio(f"cannot read {name} as audio ({_decoder_said(exc)}); save it again "
                       "as an ordinary WAV file") from None
    return data, rate


def _decoder_said(exc: BaseException) -> str:
    """libsndfile's reason in plain words: without the Python object it was given
    ("Error opening <_io.BufferedReader name=3>: ") and never its "internal error", which
    for a file means a header it cannot make sense of."""
    import re

    detail = re.sub(r"^Error opening <[^>]*>:\s*", "", " ".join(str(exc).split()))
    if not detail or re.search(r"internal error|SF_INFO", detail, re.IGNORECASE):
        return "its header is damaged or of a kind guided cannot read"
    return detail.rstrip(".")[:160]


def _read_blocks(sound, name: str, most: int, known: int | None) -> np.ndarray:
    """Up to ``most`` frames, block by block, into one array sized by the header (grown
    only when the header said less than the file holds): no copy of the whole take."""
    rate, channels = int(sound.samplerate), int(sound.channels)
    data = np.empty((min(known if known is not None else BLOCK_FRAMES, most), channels), np.float32)
    total = 0
    while True:
        block = sound.read(min(BLOCK_FRAMES, most + 1 - total), dtype="float32", always_2d=True)
        if not len(block):
            break
        if total + len(block) > most:  # the header said less than the file holds
            raise _too_long(name, (total + len(block)) / rate, most / rate)
        if not np.isfinite(block).all():  # a float WAV can hold NaN and infinities
            raise NotAudio(f"{name} holds samples that are not numbers (NaN or infinite); "
                           "save it again as an ordinary WAV file (16- or 24-bit PCM)")
        np.clip(block, -1.0, 1.0, out=block)  # and samples far beyond full scale
        if total + len(block) > len(data):
            data = np.resize(data, (min(max(2 * len(data), total + len(block)), most), channels))
        data[total:total + len(block)] = block
        total += len(block)
    return data[:total]


def _with_ffmpeg(path: Path, fh: BinaryIO, max_seconds: float) -> tuple[np.ndarray, int]:
    """An M4A take through ffmpeg, asked for no more than the cap (and one second more,
    to know it was longer). ffmpeg reads the very file opened and checked above (passed
    as ``/proc/self/fd/N`` where there is one) straight from the disk, and its output is
    read up to what the cap can hold: pydub, used before, read the whole file into
    memory first (a 400 MB M4A took 870 MB)."""
    import io
    import shutil
    import subprocess
    import tempfile

    name = path.name
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise NotAudio(f"cannot read {name}: reading {path.suffix} files needs ffmpeg; save "
                       "the take as a WAV file instead (16- or 24-bit PCM)")
    fd = fh.fileno()
    by_fd = f"/proc/self/fd/{fd}"
    source = by_fd if os.path.exists(by_fd) else str(path)
    command = [ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-t", f"{max_seconds + 1:g}",
               "-i", source, "-vn", "-map", "0:a:0", "-c:a", "pcm_s16le", "-f", "wav", "pipe:1"]
    cap = MAX_SAMPLES * 2 + 65536  # 16-bit samples, and the header
    with tempfile.TemporaryFile() as said:
        try:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=said, pass_fds=(fd,) if source == by_fd else ())
        except OSError as exc:
            raise NotAudio(f"cannot read {name}: ffmpeg did not start ({exc.strerror or exc})") from None
        assert proc.stdout is not None
        chunks: list[bytes] = []
        total = 0
        try:
            while total <= cap and (chunk := proc.stdout.read(min(1 << 20, cap + 1 - total))):
                chunks.append(chunk)
                total += len(chunk)
        finally:
            proc.stdout.close()
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        said.seek(0)
        detail = said.read(4096).decode("utf-8", "replace").strip().splitlines()[-1:]
    out = b"".join(chunks)
    if len(out) > cap:
        raise _too_long(name, max_seconds + 1, max_seconds)
    if not out:
        said_first = (detail or ["not an audio file"])[0].replace(source, name)
        raise NotAudio(f"cannot read {name} as audio ({said_first[:120]})")
    return _with_soundfile(path, io.BytesIO(out), max_seconds)


@contextmanager
def _quiet_decoder(quiet: bool) -> Iterator[None]:
    """The MP3 decoder (libmpg123) writes notes such as "Note: Illegal Audio-MPEG-Header"
    straight to the terminal: while it decodes, the process's standard error goes
    nowhere."""
    if not quiet:
        yield
        return
    import sys

    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
