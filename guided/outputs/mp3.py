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
"""

from __future__ import annotations

import contextlib
import queue
import threading
from array import array
from collections.abc import Iterable
from typing import Any, BinaryIO

import numpy as np

from guided.pcm import to_int16

VBR_QUALITY = 4  # -V 4
ALGORITHM_QUALITY = 5  # -q 5: the most careful search that never writes an overreading granule
ENCODER_DELAY = 576  # samples LAME adds in front (LAME 3.100, as its own header states)
_SAMPLES_PER_FRAME = {1: 1152, 2: 576, 3: 576}  # Layer III, by MPEG version (1, 2, 2.5)
_BITRATES = {  # kb/s by bitrate index, Layer III
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 3: (11025, 12000, 8000)}
_TAG_FRAME_KBPS = {1: 128, 2: 64, 3: 64}  # big enough for the 156 bytes of the two tags
# LAME fills shared tables when an encoder first starts (lameenc starts it on the first
# ``encode`` call); `export --all` encodes on two threads, so starts take turns.
_STARTING = threading.Lock()
_NOTHING = contextlib.nullcontext()
_QUEUED = 4  # blocks rendered ahead of the encoder (about 0.6 s of audio each)


def lameenc_problem() -> str | None:
    try:
        import lameenc  # noqa: F401
    except (ImportError, OSError) as exc:
        return (f"the MP3 encoder (the lameenc package) could not be loaded ({exc}); "
                "reinstalling guided with `pip install --force-reinstall guided` brings it back")
    return None


def _header(b: bytes) -> tuple[int, int, int]:
    """(MPEG version 1/2/3, frame size in bytes, sample rate) of the frame header ``b``."""
    if len(b) < 4 or b[0] != 0xFF or (b[1] & 0xE0) != 0xE0 or (b[1] & 0x06) != 0x02:
        raise ValueError("the MP3 encoder wrote something that is not a Layer III frame")
    version = {3: 1, 2: 2, 0: 3}[(b[1] >> 3) & 3]
    kbps = _BITRATES[min(version, 2)][b[2] >> 4]
    rate = _RATES[version][(b[2] >> 2) & 3]
    per_frame = _SAMPLES_PER_FRAME[version]
    return version, per_frame * kbps * 125 // rate + ((b[2] >> 1) & 1), rate


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
                _, size, _ = _header(bytes(buf[pos:pos + 4]))
                known[key] = size
            if len(buf) - pos < size:
                break
            if not self.first:
                self.first = bytes(buf[pos:pos + 4])
            self.sizes.append(size)
            pos += size
        del buf[:pos]


class _Encoder(threading.Thread):
    """LAME, on its own thread: lameenc lets go of the GIL while it encodes, so the next
    block is rendered and measured on the calling thread while this one is encoded (about
    half of a warm export's CPU is LAME). Blocks are encoded, and their frames written, in
    the order they were given, by one thread: the bytes are the same as encoding in line."""

    def __init__(self, enc: Any, sink: BinaryIO):
        super().__init__(name="guided-mp3", daemon=True)
        self.enc = enc
        self.sink = sink
        self.frames = _Frames(sink)
        self.placeholder: bytes | None = None
        self.started = False
        self.error: BaseException | None = None
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=_QUEUED)

    def put(self, pcm: bytes) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put(pcm)

    def finish(self) -> None:
        """Wait until every block given is encoded and written; raise what went wrong."""
        self._queue.put(None)
        self.join()
        if self.error is not None:
            raise self.error

    def abandon(self) -> None:
        """Stop after what is queued (the caller failed or was interrupted)."""
        self.error = self.error or _Abandoned()
        with contextlib.suppress(queue.Full):
            self._queue.put(None, timeout=1.0)

    def run(self) -> None:
        while (pcm := self._queue.get()) is not None:
            if self.error is None:
                try:
                    self._encode(pcm)
                except BaseException as exc:  # noqa: BLE001 (raised again on the caller's thread)
                    self.error = exc

    def _encode(self, pcm: bytes) -> None:
        if self.started:
            data = bytes(self.enc.encode(pcm))
        else:
            with _STARTING:
                data = bytes(self.enc.encode(pcm))
            self.started = True
        self.write(data)

    def write(self, data: bytes) -> None:
        if self.placeholder is None and data:
            self.placeholder = _tag_frame(data[:4], 0, 0, 0, array("I"))
            self.sink.write(self.placeholder)
        self.frames.write(data)


class _Abandoned(Exception):
    pass


def encode_mp3(blocks: Iterable[np.ndarray], sink: BinaryIO, rate: int) -> None:
    """Encode mono float ``blocks`` at ``rate`` to the seekable ``sink`` as VBR MP3."""
    import lameenc

    enc = lameenc.Encoder()
    enc.set_in_sample_rate(rate)
    enc.set_channels(1)
    enc.set_vbr(4)  # vbr_mtrh, LAME's default VBR mode
    enc.set_vbr_quality(VBR_QUALITY)
    enc.set_quality(ALGORITHM_QUALITY)
    start = sink.tell()
    encoder = _Encoder(enc, sink)
    encoder.start()
    samples = 0
    try:
        for block in blocks:
            pcm = to_int16(block).astype("<i2", copy=False)
            samples += len(pcm)
            encoder.put(pcm.tobytes())
    except BaseException:
        encoder.abandon()
        raise
    encoder.finish()
    with _STARTING if not encoder.started else _NOTHING:
        tail = bytes(enc.flush())
    encoder.write(tail)
    if encoder.placeholder is None:
        return
    end = sink.tell()
    sink.seek(start)
    sink.write(_tag_frame(encoder.frames.first, samples, end - start, rate, encoder.frames.sizes))
    sink.seek(end)


def _tag_frame(first: bytes, samples: int, total: int, rate: int, sizes: array) -> bytes:
    """The Xing + LAME header frame (LAME's own layout), for ``sizes`` audio frames."""
    version, _, frame_rate = _header(first)
    index = _BITRATES[min(version, 2)].index(_TAG_FRAME_KBPS[version])
    head = bytes([0xFF, first[1], (index << 4) | (first[2] & 0x0C), first[3]])
    _, size, _ = _header(head)
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
    per_frame = _SAMPLES_PER_FRAME[version]
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
