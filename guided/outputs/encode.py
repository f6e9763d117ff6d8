"""Encode float PCM blocks to a file in-process with libsndfile (through ``soundfile``).

soundfile's wheels carry libsndfile built with LAME (MP3), Vorbis and FLAC on Linux,
macOS and Windows, so exporting needs no program installed beside guided. The audio
is written block by block as it arrives: memory stays flat however long the practice.

The settings (see docs/export.md for the reasoning):

- mp3: LAME variable bit rate at ``-V 4 -q 5``, through ``lameenc``, not libsndfile
  (``guided.outputs.mp3`` says why: libsndfile's LAME always runs at ``-q 0``, which at
  24 kHz writes granules that FFmpeg-based players decode as clicks over 0 dBTP). The
  whole band up to 11 kHz (breath, sibilants) stays, and the silences that fill most of
  a practice cost almost nothing. ``ENCODINGS["mp3"]`` is libsndfile's setting, kept for
  the benchmark's comparisons. bench/encode_bench.py measures this.
- ogg: Vorbis quality 4 (compression_level 0.6), transparent for speech.
- flac: 16-bit, libsndfile's default level (5).
- wav: 16-bit PCM.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guided.errors import GuidedError, disk_problem
from guided.outputs.mp3 import encode_mp3, lameenc_problem
from guided.samples import SAMPLE_RATE


@dataclass(frozen=True)
class Encoding:
    format: str  # libsndfile's container name
    subtype: str
    compression_level: float | None = None
    bitrate_mode: str | None = None


ENCODINGS: Mapping[str, Encoding] = {
    "mp3": Encoding("MP3", "MPEG_LAYER_III", compression_level=0.4, bitrate_mode="VARIABLE"),
    "ogg": Encoding("OGG", "VORBIS", compression_level=0.6),
    "flac": Encoding("FLAC", "PCM_16"),
    "wav": Encoding("WAV", "PCM_16"),
}

# Opening an encoder sets up LAME's and Vorbis's shared tables; `export --all` encodes
# on two threads, so openings take turns (the encoding itself runs in parallel: the
# calls into libsndfile release the GIL).
_OPENING = threading.Lock()


def encoder_problem() -> str | None:
    """Why encoding cannot work here (soundfile, lameenc or their codecs missing), or None."""
    problem = lameenc_problem()
    if problem:
        return problem
    try:
        import soundfile
    except (ImportError, OSError) as exc:
        return (f"the audio encoder (the soundfile package) could not be loaded ({exc}); "
                "reinstalling guided with `pip install --force-reinstall guided` brings it back")
    missing = [fmt for fmt, enc in ENCODINGS.items()
               if enc.format not in soundfile.available_formats()
               or enc.subtype not in soundfile.available_subtypes(enc.format)]
    if missing:
        return (f"this copy of libsndfile {soundfile.__libsndfile_version__} cannot write "
                f"{', '.join(missing)}; soundfile 0.13 or newer brings one that can")
    return None


def encode(blocks: Iterable[np.ndarray], path: Path, fmt: str,
           encoding: Encoding | None = None, *, in_segments: bool = True) -> None:
    """Write mono float32 ``blocks`` at SAMPLE_RATE to ``path`` as ``fmt`` (with
    ``encoding`` instead of the usual settings, for the benchmark). An MP3 is encoded
    ``in_segments`` two at a time (``guided.outputs.mp3``); if they cannot be joined,
    ``mp3_splice.Unjoinable`` is raised, and the caller encodes again in one piece."""
    try:
        _encode(_from_source(_with_sound(blocks, fmt, path)), path, fmt, encoding, in_segments)
    except _SourceFailed as failed:  # the render's own error, not the file's
        raise failed.error from failed.error.__cause__


class _SourceFailed(Exception):  # noqa: N818 - carries the error, it is not one itself
    """An error raised while the blocks were made (reading clips, rendering): carried past
    the encoders' handlers, which would take it for a failed write of the file."""

    def __init__(self, error: BaseException):
        super().__init__(str(error))
        self.error = error


def _from_source(blocks: Iterable[np.ndarray]) -> Iterator[np.ndarray]:
    it = iter(blocks)
    while True:
        try:
            block = next(it)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - raised again, unchanged, by encode
            raise _SourceFailed(exc) from exc
        yield block


def _encode(blocks: Iterable[np.ndarray], path: Path, fmt: str, encoding: Encoding | None,
            in_segments: bool) -> None:
    import soundfile

    if fmt == "mp3" and encoding is None:
        _encode_mp3(blocks, path, in_segments)
        return
    enc = encoding or ENCODINGS[fmt]
    try:
        with _OPENING:
            sink = soundfile.SoundFile(
                str(path), "w", samplerate=SAMPLE_RATE, channels=1, format=enc.format,
                subtype=enc.subtype, compression_level=enc.compression_level,
                bitrate_mode=enc.bitrate_mode)
    except (soundfile.LibsndfileError, ValueError, TypeError) as exc:
        raise GuidedError(f"cannot write the audio in {path.parent} ({exc}); is the disk "
                          "full, or the folder read-only?") from exc
    try:
        with sink:  # closing flushes the encoder and writes the MP3 info header
            for block in blocks:
                sink.write(np.ascontiguousarray(block, dtype=np.float32))
    except (soundfile.LibsndfileError, AssertionError) as exc:
        detail = str(exc) or "the encoder wrote less than it was given"
        raise GuidedError(
            f"cannot write the audio in {path.parent} ({detail}); is the disk full?") from exc


def _with_sound(blocks: Iterable[np.ndarray], fmt: str, path: Path) -> Iterator[np.ndarray]:
    """``blocks``, started: a ``GuidedError`` before any file is opened when there is no
    sample at all (LAME cannot flush what it never began, FLAC writes a broken file)."""
    it = iter(blocks)
    head: list[np.ndarray] = []
    for block in it:
        head.append(block)
        if len(block):
            break
    else:
        raise GuidedError(f"nothing to write to {path.name}: the practice has no sound in it "
                          f"(it lasts 0:00), and an empty {fmt} file would not play")
    return itertools.chain(head, it)


def _encode_mp3(blocks: Iterable[np.ndarray], path: Path, in_segments: bool) -> None:
    try:
        sink = open(path, "wb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise GuidedError(f"cannot write the audio in {path.parent}: {disk_problem(exc)}") from exc
    try:
        with sink:
            encode_mp3(blocks, sink, SAMPLE_RATE, in_segments=in_segments)
    except OSError as exc:  # as the render's own spool says it (guided.outputs.export)
        raise GuidedError(f"cannot write the audio in {path.parent}: {disk_problem(exc)}") from exc
    except ValueError as exc:
        raise GuidedError(f"cannot write the audio in {path.parent} ({exc}); is the disk full?") from exc


def decoded_true_peak(path: Path) -> float:
    """The true peak (dBTP) of the encoded file ``path`` as a decoder plays it back,
    measured with guided's own meter; -inf for silence.

    It reads through libsndfile's plain sequential read: soundfile's ``read`` and
    ``blocks`` ask for the position before every block, and for MP3 that is a seek that
    drops the decoder's bit reservoir and glitches the next frame."""
    import soundfile

    from guided.audio.loudness import Meter

    meter = Meter()
    block = 15360
    try:
        with soundfile.SoundFile(str(path)) as sound:
            channels = sound.channels
            buf = np.empty(block * channels, dtype=np.float32)
            ptr = soundfile._ffi.cast("float *", soundfile._ffi.from_buffer(buf))
            while (got := soundfile._snd.sf_readf_float(sound._file, ptr, block)) > 0:
                x = buf[:got * channels]
                meter.feed(x if channels == 1 else x.reshape(got, channels).mean(axis=1))
    except (soundfile.LibsndfileError, RuntimeError) as exc:
        raise GuidedError(f"could not read back the {path.suffix.lstrip('.') or 'audio'} just "
                          f"written in {path.parent} ({exc})") from exc
    return meter.result().true_peak
