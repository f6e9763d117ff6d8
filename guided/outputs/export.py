"""Export a practice to an audio file: two constant-memory passes over the render.

1. Render once and measure integrated loudness and true peak (``guided.audio.loudness``),
   keeping the rendered audio in a temporary file beside the output.
2. Read it back with one linear gain to -19 LUFS (mono), through a gentle look-ahead
   limiter only if that gain would push the true peak over -1 dBTP, and encode it
   in-process, block by block (``guided.outputs.encode``: libsndfile through soundfile,
   MP3 with LAME through lameenc). The true peak of what the encoder was given is
   known (the gain is linear, the limiter holds its ceiling), so an MP3 is decoded and
   measured only when that leaves less room under -1 dBTP than LAME's overshoot needs
   (``ENCODER_HEADROOM_DB``); if it is then over -1 dBTP, it is encoded again from the
   kept render with the limiter lower (at most ``RETRIES`` times), each retry decoded
   and checked. Tags and chapters are then written with mutagen.

The output only appears when complete: the encoder writes a hidden temporary file in
the same folder, which is renamed over the target at the very end. Any error or Ctrl-C
removes the temporary file and leaves no half-written output.
"""

from __future__ import annotations

import math
import os
import tempfile
from array import array
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guided.atomic import make_folder
from guided.audio.loudness import (
    LIMIT_AT,
    TARGET_LUFS_MONO,
    TRUE_PEAK_CEILING,
    Loudness,
    Meter,
    normalised,
)
from guided.audio.render import render
from guided.errors import GuidedError, disk_problem
from guided.outputs.encode import ENCODINGS, decoded_true_peak, encode, encoder_problem
from guided.outputs.formats import AUDIO_FORMATS, LOG_FORMATS, TRANSCRIPT_FORMATS
from guided.outputs.mp3_splice import Unjoinable
from guided.outputs.writer import check_target, is_stdout, writing
from guided.samples import SAMPLE_RATE, ClipSource
from guided.script.durations import format_timestamp
from guided.timeline.plan import Timeline

assert tuple(ENCODINGS) == AUDIO_FORMATS  # one encoder for each format the commands offer
CHECKED_FORMATS = ("mp3",)  # lossy formats whose decoded true peak is checked after encoding
RETRIES = 2  # encodings again, each with the limiter lower, if the decoded peak is over the ceiling
RETRY_MARGIN = 0.5  # dB below the ceiling, beyond the measured overshoot, for each retry
# How far LAME's MP3, decoded, may go above the audio it was given: the worst over the
# built-in library is 0.15 dB (bench/peak_headroom.py; tests/test_mp3_peak.py checks it). When the audio leaves this much room under the ceiling (always, as the limiter
# keeps it at LIMIT_AT), the MP3 is not decoded again to be measured.
ENCODER_HEADROOM_DB = 0.5
EXPORT_BLOCK = 15360  # bigger blocks than playback; with the 1024-tap K-weighting, one 16384 FFT each
ALBUM = "guided practices"
GENRE = "Guided practice"
DEFAULT_ARTIST = "guided"

Progress = Callable[[float], None]  # called with seconds of audio just processed


@dataclass(frozen=True)
class ExportResult:
    path: Path
    seconds: float
    measured: Loudness  # before the gain
    gain_db: float
    limited: bool  # the limiter was needed for the true-peak ceiling
    decoded_peak: float | None = None  # dBTP of the file as decoded, where it was checked


def format_for(path: Path, fmt: str | None = None) -> str:
    """The format from ``--format`` or else the file's extension. A file name whose
    extension names another format than ``--format`` is refused (x.mp3 holding Ogg)."""
    if is_stdout(path):  # `-o -` has no extension: say what is really wrong
        check_target(path, what="the audio")
    ext = path.suffix.lstrip(".").lower()
    if fmt and ext in (*AUDIO_FORMATS, "oga", *TRANSCRIPT_FORMATS, *LOG_FORMATS) \
            and fmt.lower() != ("ogg" if ext == "oga" else ext):
        raise GuidedError(f"{path} ends in {path.suffix} but --format is {fmt}; "
                          f"name the file .{fmt}, or leave out --format")
    name = (fmt or ext).lower()
    if name == "oga":
        name = "ogg"
    if name not in AUDIO_FORMATS:
        shown = f"'{path.suffix}'" if not fmt and path.suffix else f"'{name}'" if name else "none"
        raise GuidedError(
            f"cannot tell which audio format to write (got {shown}); use a file name ending in "
            f"{', '.join('.' + f for f in AUDIO_FORMATS)} or pass --format"
        )
    return name


def check_output(out: Path, fmt: str | None = None, *, force: bool = True, guard=None) -> str:
    """Everything that can be said about ``out`` before any work: the format, the
    encoder, and the output writer's rules (``guided.outputs.writer``). Returns the format."""
    fmt = format_for(out, fmt)
    problem = encoder_problem()
    if problem:
        raise GuidedError(problem)
    check_target(out, force=force, guard=guard, what="the audio")
    return fmt


def export_timeline(
    timeline: Timeline,
    clips: ClipSource,
    out: Path | str,
    *,
    fmt: str | None = None,
    progress: Progress | None = None,
    force: bool = True,
) -> ExportResult:
    """Render ``timeline`` (clips from ``clips``) into the file ``out``, normalised and tagged.
    Without ``force`` an existing file is never replaced (the command's rule). Audio
    measured at an earlier export (``kept_loudness``, in the clip cache of ``clips``) is
    rendered, measured and encoded in one pass."""
    from guided.outputs import kept_loudness

    kept = kept_loudness.folder_for(clips)
    out = Path(out)
    fmt = check_output(out, fmt, force=force)
    real = Path(os.path.realpath(out))  # a symlink's target is written, not the link
    folder = real.parent
    make_folder(folder)
    key = kept_loudness.render_key(timeline, clips) if kept is not None else ""
    known = kept_loudness.recall(kept, key) if kept is not None else None
    with ExitStack() as stack:
        spool = stack.enter_context(_Spool(folder))
        tmp = stack.enter_context(writing(real, force=force))
        meter = Meter()

        def rendered(share: float) -> Iterator[np.ndarray]:
            ambience = timeline.script.ambience
            for block in render(timeline.events, clips, ambience=ambience,
                                volume=timeline.script.ambience_volume, block_size=EXPORT_BLOCK):
                meter.feed(block)
                spool.write(block)
                if progress:
                    progress(share * len(block) / SAMPLE_RATE)
                yield block

        def kept_render(report: bool) -> Iterator[np.ndarray]:
            for block in spool.read():
                if progress and report:
                    progress(len(block) / SAMPLE_RATE)
                yield block

        encoded, measured, report = None, None, True
        if known is not None:  # one pass, checked: what was kept must be what is measured now
            try:
                encoded = _encode_checked(rendered(2.0), kept_render, known, tmp, fmt)
                measured, report = meter.result(), False  # the one pass reported it all
            except ArithmeticError:  # a kept value no render gives: measured first below
                meter, spool = Meter(), stack.enter_context(_Spool(folder))
        if measured is None:  # measured first: nothing kept, or it could not be used
            for _block in rendered(1.0):
                pass
            measured = meter.result()
        if encoded is None or measured != known:  # encoded (again) with the gain measured now
            if kept is not None:
                kept_loudness.keep(kept, key, measured)
            encoded = _encode_checked(kept_render(report), kept_render, measured, tmp, fmt)
        gain, limited, decoded = encoded
        write_tags(tmp, fmt, timeline)
    assert measured is not None
    return ExportResult(out, timeline.seconds, measured, gain, limited, decoded)


def _encode_checked(first: Iterable[np.ndarray], again: Callable[[bool], Iterable[np.ndarray]],
                    measured: Loudness, tmp: Path, fmt: str) -> tuple[float, bool, float | None]:
    """Encode ``first`` with the gain ``measured`` calls for into ``tmp``; an MP3 whose
    decoded peak may be over the ceiling is checked, and encoded ``again`` (the kept
    render) with the limiter lower if it is. Returns (gain, limited, decoded peak)."""
    gain = measured.gain_db(TARGET_LUFS_MONO)
    limited = not math.isinf(measured.true_peak) and measured.true_peak + gain > LIMIT_AT
    ceiling, decoded = LIMIT_AT, None
    for attempt in range(1 + RETRIES):
        try:
            encode(normalised(first if attempt == 0 else again(False), gain, limit=limited,
                              ceiling_db=ceiling), tmp, fmt)
        except Unjoinable:  # the MP3's segments could not be joined: in one piece, then
            encode(normalised(again(False), gain, limit=limited, ceiling_db=ceiling), tmp, fmt,
                   in_segments=False)
        if fmt not in CHECKED_FORMATS or math.isinf(measured.true_peak):
            break
        if attempt == 0 and source_peak(measured.true_peak, gain, limited, ceiling) \
                <= TRUE_PEAK_CEILING - ENCODER_HEADROOM_DB:
            break  # room enough for the encoder's overshoot (a retry is always checked)
        # A lossy encoder can put a decoded peak above the ceiling the limiter kept
        # to: measure the file as played back, and if it is over, encode it again
        # from the spooled render with the limiter lower by the overshoot.
        decoded = decoded_true_peak(tmp)
        if decoded <= TRUE_PEAK_CEILING:
            break
        limited = True
        ceiling -= decoded - TRUE_PEAK_CEILING + RETRY_MARGIN
    return gain, limited, decoded


def source_peak(true_peak: float, gain_db: float, limited: bool, ceiling: float = LIMIT_AT) -> float:
    """The true peak (dBTP) of the audio handed to the encoder, known without measuring it
    again: the loudness gain is linear, and the limiter keeps the 4x-oversampled peak at
    or under its ``ceiling``."""
    return min(true_peak + gain_db, ceiling) if limited else true_peak + gain_db


class _Spool:
    """The rendered audio kept between the two passes, so it is rendered only once: an
    unnamed temporary file beside the output (the system removes it however we stop;
    memory stays constant). Blocks of digital silence, most of a practice, are only
    counted, never written."""

    def __init__(self, folder: Path):
        try:
            self._file = tempfile.TemporaryFile(prefix=".guided-render-", dir=folder)  # noqa: SIM115 (closed by __exit__)
        except OSError as exc:
            raise GuidedError(f"cannot write in {folder}: {exc.strerror or exc}") from exc
        self._folder = folder
        self._lengths = array("q")  # per block: samples written, or minus the length of a silence

    def __enter__(self) -> _Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._file.close()

    def write(self, block: np.ndarray) -> None:
        if block.any():
            try:
                self._file.write(np.ascontiguousarray(block, dtype=np.float32).data.cast("B"))
            except OSError as exc:  # the disk is full (or a size limit): nothing is kept
                raise GuidedError(f"cannot write the audio in {self._folder}: "
                                  f"{disk_problem(exc)}") from exc
            self._lengths.append(len(block))
        else:
            self._lengths.append(-len(block))

    def read(self) -> Iterator[np.ndarray]:
        self._file.flush()
        self._file.seek(0)
        for n in self._lengths:
            if n < 0:
                yield np.zeros(-n, dtype=np.float32)
                continue
            block = np.empty(n, dtype=np.float32)
            if self._file.readinto(block.data.cast("B")) != 4 * n:
                raise GuidedError("the temporary audio file was cut short; is the disk full?")
            yield block


def encode_samples(samples: np.ndarray, path: Path, fmt: str) -> None:
    """Encode one short clip (float samples at ``SAMPLE_RATE``) as ``fmt``, untagged."""
    encode([np.asarray(samples, dtype=np.float32)], path, fmt, in_segments=False)


# --- tags and chapters ------------------------------------------------------------------


def tag_values(timeline: Timeline) -> dict[str, str]:
    script = timeline.script
    return {"title": timeline.title, "artist": script.author or DEFAULT_ARTIST, "album": ALBUM,
            "genre": GENRE, "comment": timeline.description}


def write_tags(path: Path, fmt: str, timeline: Timeline) -> None:
    """Title, artist, album, genre, comment and one chapter per section.

    mp3 and wav get ID3v2.3 (CHAP frames under a top-level, ordered CTOC); ogg and flac
    get Vorbis comments with chapters the Vorbis way (CHAPTER001=00:00:00.000,
    CHAPTER001NAME=...)."""
    from mutagen import MutagenError

    try:
        if fmt in ("mp3", "wav"):
            _write_id3(path, fmt, timeline)
        else:
            _write_vorbis(path, fmt, timeline)
    except (OSError, MutagenError) as exc:  # mutagen wraps the OSError of a full disk
        cause = _os_error_in(exc)
        reason = disk_problem(cause) if cause is not None else str(exc)
        raise GuidedError(f"cannot write the chapters and titles into {path.parent}: "
                          f"{reason}") from exc


def _os_error_in(exc: BaseException) -> OSError | None:
    """The ``OSError`` behind an exception (mutagen wraps it, as its argument or cause)."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if isinstance(item, OSError):
            return item
        if isinstance(item, BaseException) and id(item) not in seen:
            seen.add(id(item))
            todo.extend([*item.args, item.__cause__, item.__context__])
    return None


def _ms(samples: int, rate: int) -> int:
    return int(round(samples * 1000 / rate))


def _write_id3(path: Path, fmt: str, timeline: Timeline) -> None:
    from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TCON, TIT2, TPE1, CTOCFlags

    values = tag_values(timeline)
    tags = _ordered_id3() if fmt == "mp3" else ID3()
    tags.add(TIT2(encoding=3, text=[values["title"]]))
    tags.add(TPE1(encoding=3, text=[values["artist"]]))
    tags.add(TALB(encoding=3, text=[values["album"]]))
    tags.add(TCON(encoding=3, text=[values["genre"]]))
    if values["comment"]:
        tags.add(COMM(encoding=3, lang="eng", desc="", text=[values["comment"]]))
    chapters = timeline.chapters()
    ids = [f"chp{i}" for i in range(len(chapters))]
    rate = timeline.sample_rate
    for element_id, chapter in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=element_id, start_time=_ms(chapter.start, rate),
                      end_time=_ms(chapter.end, rate),
                      sub_frames=[TIT2(encoding=3, text=[chapter.title])]))
    for toc in chapter_tables(ids):
        flags = CTOCFlags.ORDERED | (CTOCFlags.TOP_LEVEL if toc.top else 0)
        tags.add(CTOC(element_id=toc.id, flags=flags, child_element_ids=toc.children,
                      sub_frames=[TIT2(encoding=3, text=[toc.title])]))
    if fmt == "mp3":
        tags.save(path, v2_version=3)
    else:
        from mutagen.wave import WAVE

        wav = WAVE(path)
        wav.add_tags()
        assert wav.tags is not None
        wav.tags = _ordered_id3(type(wav.tags))  # WAV's own ID3 chunk, frames in order too
        for frame in tags.values():
            wav.tags.add(frame)
        wav.save(v2_version=3)


MAX_TOC_CHILDREN = 255  # a CTOC frame counts its entries in one byte


@dataclass(frozen=True)
class _Toc:
    id: str
    title: str
    children: list[str]
    top: bool


def chapter_tables(ids: list[str]) -> list[_Toc]:
    """The ID3 tables of contents for ``ids``: one top-level CTOC when there are at most
    255 chapters; beyond that, chapters go in nested CTOCs of up to 255 each (the ID3v2
    chapter spec allows a CTOC to list other CTOCs), and the top level lists those.
    Every chapter is kept, in order; lower levels are written first."""
    tables: list[_Toc] = []
    level, depth = ids, 0
    while len(level) > MAX_TOC_CHILDREN:
        depth += 1
        groups = [level[i:i + MAX_TOC_CHILDREN] for i in range(0, len(level), MAX_TOC_CHILDREN)]
        first = 1
        parents = []
        for n, group in enumerate(groups):
            span = len(group) * MAX_TOC_CHILDREN ** (depth - 1)
            last = min(first + span - 1, len(ids))
            title = f"Sections {first}-{last}" if last > first else f"Section {first}"
            toc = _Toc(f"toc{depth}-{n}", title, group, False)
            tables.append(toc)
            parents.append(toc.id)
            first = last + 1
        level = parents
    tables.append(_Toc("toc", "Sections", level, True))
    return tables


def _ordered_id3(base: type | None = None):
    """An ID3 tag (of class ``base``: ID3, or the WAV file's ID3 chunk) that writes frames
    in the order they were added. mutagen sorts frames by size, which scrambles the CHAP
    frames; players that follow the CTOC don't mind, but ffprobe and simpler players
    list chapters in file order."""
    from mutagen.id3 import ID3

    base = base or ID3
    try:
        from mutagen.id3._tags import save_frame
    except ImportError:  # pragma: no cover - a future mutagen: fall back to its order
        return base()

    class OrderedID3(base):  # type: ignore[valid-type, misc]
        def _write(self, config):
            return bytearray().join(save_frame(f, config=config) for f in self.values())

    return OrderedID3()


def _write_vorbis(path: Path, fmt: str, timeline: Timeline) -> None:
    from mutagen.flac import FLAC
    from mutagen.oggvorbis import OggVorbis

    audio = OggVorbis(path) if fmt == "ogg" else FLAC(path)
    if audio.tags is None:
        audio.add_tags()
    values = tag_values(timeline)
    for key, value in values.items():
        if value:
            audio[key.upper()] = [value]
    if values["comment"]:
        audio["DESCRIPTION"] = [values["comment"]]
    for i, chapter in enumerate(timeline.chapters(), start=1):
        audio[f"CHAPTER{i:03d}"] = [format_timestamp(_ms(chapter.start, timeline.sample_rate))]
        audio[f"CHAPTER{i:03d}NAME"] = [chapter.title]
    audio.save()
