"""MP3 encoding with LAME through ``lameenc``, with the Xing and LAME header written here.

Why not libsndfile: its LAME always runs at ``-q 0`` (the most careful search). At the
24 kHz session rate that search writes a few granules whose last count1 quadruple runs
past the granule's declared length. mpg123 (and so soundfile) drops that quadruple;
FFmpeg's decoder, which Chrome, Firefox on some systems and many players use, decodes it
and turns it into a burst: breath-awareness decoded to +0.2 dBTP (a sample of 0.98 where
the source had 0.23), and some twenty short clicks in a 6-minute practice. FFmpeg logs
each one as "overread, skip". LAME at ``-q 5`` and above never writes such granules, so
this module asks for ``-V 4 -q 5`` (docs/export.md has the measurements).

lameenc returns only the audio frames, so the first frame written is a placeholder that
becomes, at the end, the usual Xing (frame count, size, seek table) and LAME (encoder
delay and padding, for gapless playback) header, as LAME's own front end writes it.

LAME is most of a warm export's CPU, and it works on one core. So audio longer than a
segment (about 20 s) is given, in segments that overlap a little (``_Plan``), to two
LAMEs at once, each on its own thread, while the next block is rendered and measured; each
segment is joined to the next where both encoders made the same frame
(``guided.outputs.mp3_splice``), so the file decodes to the very same number of samples,
every sound at its own time: one MP3 stream, as if encoded whole.
"""

from __future__ import annotations

import contextlib
import math
import queue
import threading
from array import array
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

import numpy as np

from guided.outputs import mp3_splice
from guided.outputs.mp3_splice import BITRATES, ENCODER_DELAY, SAMPLES_PER_FRAME, header
from guided.pcm import to_int16

VBR_QUALITY = 4  # -V 4
ALGORITHM_QUALITY = 5  # -q 5: the most careful search that never writes an overreading granule
_TAG_FRAME_KBPS = {1: 128, 2: 64, 3: 64}  # big enough for the 156 bytes of the two tags
# LAME fills shared tables when an encoder first starts (lameenc starts it on the first
# ``encode`` call); `export --all` encodes on two threads, so starts take turns.
_STARTING = threading.Lock()
_NOTHING = contextlib.nullcontext()
_QUEUED = 96  # blocks rendered ahead of the encoders (0.64 s of audio each; 3 MiB in all)
# LAMEs at once: a warm export is mostly LAME. At least two: neighbouring segments overlap,
# so segment k + 1 is given samples before segment k ends, on an encoder of its own.
_WORKERS = 2
SEGMENT_SECONDS = 20.0  # each encoder's share of the audio (one more encoder start each)
_START_BYTES = 2 * 1152  # samples (16 bits) a new encoder starts on, taking its turn
_PROBING = threading.Lock()
_PROBED: dict[int, bool] = {}  # sample rate: whether its segments can be joined


def lameenc_problem() -> str | None:
    try:
        import lameenc  # noqa: F401
    except (ImportError, OSError) as exc:
        return (f"the MP3 encoder (the lameenc package) could not be loaded ({exc}); "
                "reinstalling guided with `pip install --force-reinstall guided` brings it back")
    return None


class _Frames:
    """Writes the encoder's bytes and keeps every frame's size (for the seek table)."""

    def __init__(self, sink: BinaryIO):
        self.sink = sink
        self.sizes = array("I")
        self.first = b""
        self._pending = bytearray()
        self._known: dict[int, int] = {}  # frame size by header bytes 2 and 3

    def write(self, data: bytes) -> None:
        if not data:
            return
        self.sink.write(data)
        buf = self._pending
        buf += data
        pos = 0
        known = self._known
        while len(buf) - pos >= 4:
            # a frame's size follows from its second and third bytes once the first is sync
            key = (buf[pos + 1] << 8) | buf[pos + 2]
            size = known.get(key) if buf[pos] == 0xFF else None
            if size is None:
                _, size, _ = header(bytes(buf[pos:pos + 4]))
                known[key] = size
            if len(buf) - pos < size:
                break
            if not self.first:
                self.first = bytes(buf[pos:pos + 4])
            self.sizes.append(size)
            pos += size
        del buf[:pos]


class _Stream:
    """The MP3 written in order: a placeholder for the tag frame, then the segments. In one
    piece, the encoder's bytes go straight to the sink; in segments, each segment is kept
    (about 20 s of MP3, a few hundred KiB) until it is joined to the next
    (``guided.outputs.mp3_splice``), and written then."""

    def __init__(self, sink: BinaryIO, segment_frames: int):
        self.frames = _Frames(sink)
        self.sink = sink
        self.segment_frames = segment_frames  # 0: one piece
        self.placeholder: bytes | None = None
        self._lock = threading.Lock()
        self._head = 0  # the next segment to write
        self._head_at = 0  # the frame of the whole its kept part starts at
        self._last: int | None = None
        self._parts: dict[int, list[bytes]] = {}  # segments being encoded
        self._done: dict[int, bytes] = {}  # segments encoded, not yet written
        self._closed = False
        # Segments that cannot be joined: raised once all the audio is given, so that
        # whoever rendered it has it all (guided.outputs.export encodes it again whole).
        self.unjoinable: mp3_splice.Unjoinable | None = None

    @property
    def wanted(self) -> bool:
        """Whether what is still encoded will be used (not after a failure)."""
        return self.unjoinable is None and not self._closed

    def write(self, segment: int, data: bytes) -> None:
        with self._lock:
            if not self.segment_frames:
                self._emit(data)
            elif self.wanted:
                self._parts.setdefault(segment, []).append(data)

    def done(self, segment: int) -> None:
        with self._lock:
            if self.segment_frames and self.wanted:
                self._done[segment] = b"".join(self._parts.pop(segment, []))
                self._write_ready()

    def finish(self, last: int) -> None:
        """Every segment up to ``last`` is given; those after it are not used."""
        with self._lock:
            self._last = last
            self._write_ready()

    def close(self) -> None:
        """Nothing more reaches the sink (the caller stops: failed or interrupted)."""
        with self._lock:
            self._closed = True
            self._parts.clear()
            self._done.clear()

    def _write_ready(self) -> None:
        while self._head in self._done and self.wanted:
            head = self._done[self._head]
            if self._head == self._last:
                self._emit(head)
            elif self._head + 1 in self._done:
                share = (self._head + 1) * self.segment_frames  # the frame the next segment's share starts at
                try:
                    kept, rest, at = mp3_splice.join(
                        head, self._head_at, self._done[self._head + 1], share - mp3_splice.PRE,
                        share, share + mp3_splice.POST - mp3_splice.SETTLE)
                except mp3_splice.Unjoinable as exc:
                    self.unjoinable = exc
                    self._parts.clear()
                    self._done.clear()
                    return
                self._emit(bytes(kept))
                self._done[self._head + 1], self._head_at = rest, at
            else:
                return
            del self._done[self._head]
            self._head += 1

    def _emit(self, data: bytes) -> None:
        if self._closed:
            return
        if self.placeholder is None and data:
            self.placeholder = _tag_frame(data[:4], 0, 0, 0, array("I"))
            self.sink.write(self.placeholder)
        self.frames.write(data)


class _Lame(threading.Thread):
    """One LAME at a time on its own thread, for the segments given to it in turn (a fresh
    encoder for each). lameenc lets go of the GIL while it encodes, so two of these encode
    two segments at once while the next block is rendered on the calling thread."""

    def __init__(self, rate: int, stream: _Stream, budget: threading.Semaphore):
        super().__init__(name="guided-mp3", daemon=True)
        self.rate = rate
        self.stream = stream
        self.budget = budget
        self.error: BaseException | None = None
        self.queue: queue.Queue[tuple[int, bytes | None] | None] = queue.Queue()
        self._enc: Any = None
        self._begun = False

    def run(self) -> None:
        while (item := self.queue.get()) is not None:
            segment, pcm = item
            if self.error is None and self.stream.wanted:
                try:
                    self._step(segment, pcm)
                except BaseException as exc:  # noqa: BLE001 (raised again on the caller's thread)
                    self.error = exc
            if pcm is not None:
                self.budget.release()

    def _step(self, segment: int, pcm: bytes | None) -> None:
        if self._enc is None:
            self._enc, self._begun = _new_encoder(self.rate), False
        if pcm is None:  # the segment's end
            with _STARTING if not self._begun else _NOTHING:
                self.stream.write(segment, bytes(self._enc.flush()))
            self._enc = None
            self.stream.done(segment)
            return
        if not self._begun:  # LAME starts on its first samples: a few, taking turns
            with _STARTING:
                self.stream.write(segment, bytes(self._enc.encode(pcm[:_START_BYTES])))
            self._begun = True
            pcm = pcm[_START_BYTES:]
        if pcm:
            self.stream.write(segment, bytes(self._enc.encode(pcm)))


class _Abandoned(Exception):
    """The caller stopped (failed or interrupted): what is queued is not encoded."""


def _raise_failure(workers: list[_Lame]) -> None:
    """Raise, on the caller's thread, the first error an encoder thread met."""
    failed = next((w.error for w in workers if w.error is not None), None)
    if failed is not None:
        raise failed


def _stop(workers: list[_Lame], stream: _Stream) -> None:
    """The caller failed or was interrupted: nothing more is encoded or written, and the
    encoder threads have ended (or are past writing) when this returns."""
    stream.close()
    for worker in workers:
        worker.error = worker.error or _Abandoned()
        worker.queue.put(None)
    for worker in workers:
        worker.join(timeout=5)


class _Plan:
    """Which samples go to which segment: segment ``k`` is given frames ``k * S - PRE`` to
    ``(k + 1) * S + POST`` of the whole (``S`` frames, about 20 s; the first from 0), so
    two neighbours share ``PRE + POST`` frames, where they are joined. With ``rate`` 0,
    one segment is given everything."""

    def __init__(self, rate: int):
        frame = mp3_splice.FRAME
        self.segment_frames = round(SEGMENT_SECONDS * rate / frame) if rate else 0
        self._length = self.segment_frames * frame
        self._pre, self._post = mp3_splice.PRE * frame, mp3_splice.POST * frame
        self._open = 0  # the first segment not yet ended
        self._begun = -1  # the last segment begun

    def _start(self, k: int) -> float:
        if not k:
            return 0
        return k * self._length - self._pre if self._length else math.inf

    def _end(self, k: int) -> float:
        return (k + 1) * self._length + self._post if self._length else math.inf

    def route(self, at: int, pcm: np.ndarray) -> Iterator[tuple[int, np.ndarray | None]]:
        """(segment, samples) for the samples ``pcm`` starting at ``at``, and (segment,
        None) for each segment that ends with them."""
        stop = at + len(pcm)
        k = self._open
        while self._start(k) < stop:
            lo, hi = max(self._start(k), at), min(self._end(k), stop)
            if hi > lo:
                self._begun = max(self._begun, k)
                yield k, pcm[int(lo) - at:int(hi) - at]
            if self._end(k) <= stop:
                yield k, None
                self._open = k + 1
            k += 1

    def last(self) -> int | None:
        """At the end of the audio: the last segment it needs (None: no audio). When the
        audio ends inside the overlap of two segments, the earlier one has it all."""
        return min(self._open, self._begun) if self._begun >= 0 else None


def _new_encoder(rate: int) -> Any:
    import lameenc

    enc = lameenc.Encoder()
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_vbr(4)  # vbr_mtrh, LAME's default VBR mode
    enc.set_vbr_quality(VBR_QUALITY)
    enc.set_quality(ALGORITHM_QUALITY)
    return enc


def _joinable(rate: int) -> bool:
    """Whether this LAME writes, at ``rate``, frames that ``mp3_splice`` can join, with
    the frame grid it counts on (checked once per rate, on a few frames of silence)."""
    with _PROBING:
        if rate not in _PROBED:
            enc = _new_encoder(rate)
            samples = 3 * mp3_splice.FRAME - ENCODER_DELAY  # LAME: ceil((n + 576) / F) + 1 frames
            with _STARTING:
                data = bytes(enc.encode(bytes(2 * samples))) + bytes(enc.flush())
            _PROBED[rate] = (mp3_splice.joinable(data[:4], rate)
                             and mp3_splice.starts(data, 4)[-1] == len(data))
        return _PROBED[rate]


def encode_mp3(blocks: Iterable[np.ndarray], sink: BinaryIO, rate: int, *,
               in_segments: bool = True) -> None:
    """Encode mono float ``blocks`` at ``rate`` to the seekable ``sink`` as VBR MP3: in
    segments (about 20 s, overlapping by a little) encoded two at a time, joined into one
    stream. ``mp3_splice.Unjoinable`` (segments that cannot be joined): encode the audio
    again ``in_segments=False``."""
    start = sink.tell()
    split = in_segments and _joinable(rate)
    plan = _Plan(rate if split else 0)
    stream = _Stream(sink, plan.segment_frames)
    budget = threading.Semaphore(_QUEUED)
    workers = [_Lame(rate, stream, budget) for _ in range(_WORKERS)]
    for worker in workers:
        worker.start()
    samples = 0

    def give(segment: int, pcm: np.ndarray | None) -> None:
        _raise_failure(workers)
        if pcm is None:
            workers[segment % _WORKERS].queue.put((segment, None))
        elif len(pcm):
            budget.acquire()
            workers[segment % _WORKERS].queue.put((segment, pcm.tobytes()))

    try:
        for block in blocks:
            pcm = to_int16(block).astype("<i2", copy=False)
            for segment, piece in plan.route(samples, pcm):
                give(segment, piece)
            samples += len(pcm)
        last = plan.last()
        if last is not None:
            give(last, None)  # and a segment after it, begun, is not used
        for worker in workers:
            worker.queue.put(None)
        for worker in workers:
            worker.join()
    except BaseException:
        _stop(workers, stream)
        raise
    _raise_failure(workers)
    if last is not None:
        stream.finish(last)
    if stream.unjoinable is not None:
        raise stream.unjoinable
    if stream.placeholder is None:
        return
    end = sink.tell()
    sink.seek(start)
    sink.write(_tag_frame(stream.frames.first, samples, end - start, rate, stream.frames.sizes))
    sink.seek(end)


def _tag_frame(first: bytes, samples: int, total: int, rate: int, sizes: array) -> bytes:
    """The Xing + LAME header frame (LAME's own layout), for ``sizes`` audio frames."""
    version, _, frame_rate = header(first)
    index = BITRATES[min(version, 2)].index(_TAG_FRAME_KBPS[version])
    head = bytes([0xFF, first[1], (index << 4) | (first[2] & 0x0C), first[3]])
    _, size, _ = header(head)
    side = (17 if (first[3] >> 6) == 3 else 32) if version == 1 else (9 if (first[3] >> 6) == 3 else 17)
    nframes = len(sizes)
    frame = bytearray(size)
    frame[:4] = head
    at = 4 + side
    toc = bytearray(100)
    if nframes and total:
        offsets = np.concatenate([[size], size + np.cumsum(np.asarray(sizes, dtype=np.int64))])
        for i in range(100):
            k = min(nframes - 1, int(i / 100 * nframes))
            toc[i] = min(255, int(offsets[k] * 256 / total))
    xing = (b"Xing" + (15).to_bytes(4, "big") + nframes.to_bytes(4, "big") + total.to_bytes(4, "big")
            + bytes(toc) + (100 - 10 * VBR_QUALITY).to_bytes(4, "big"))
    per_frame = SAMPLES_PER_FRAME[version]
    padding = max(0, nframes * per_frame - ENCODER_DELAY - samples) if nframes else 0
    lame = bytearray(36)
    lame[:9] = b"LAME3.100"
    lame[9] = 0x04  # tag revision 0, VBR method 4 (mtrh)
    lame[10] = min(255, (frame_rate // 2) // 100)  # lowpass / 100 Hz (informative)
    lame[21:24] = ((min(ENCODER_DELAY, 4095) << 12) | min(padding, 4095)).to_bytes(3, "big")
    lame[28:32] = total.to_bytes(4, "big")  # music length, this frame included
    frame[at:at + len(xing)] = xing
    at += len(xing)
    frame[at:at + 36] = lame
    crc = _crc16(bytes(frame[:at + 34]))  # the first 190 bytes of the frame
    frame[at + 34:at + 36] = crc.to_bytes(2, "big")
    return bytes(frame)


def _crc16(data: bytes) -> int:
    """CRC-16 (polynomial 0x8005, reflected), as LAME computes the LAME tag's CRC."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
