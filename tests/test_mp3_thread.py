"""LAME runs on its own threads while the next block is rendered (guided.outputs.mp3):
the bytes are those of encoding in line (for audio shorter than one segment; longer audio
is tests/test_mp3_segments.py), and a failure on either side stops both."""

from __future__ import annotations

import io
import threading
from array import array

import numpy as np
import pytest

from guided.outputs import mp3
from guided.pcm import to_int16

RATE = 24000


def _blocks(n: int = 12, size: int = 15360) -> list[np.ndarray]:
    rng = np.random.default_rng(7)
    t = np.arange(size) / RATE
    return [(0.3 * np.sin(2 * np.pi * (220 + 40 * i) * t) + 0.02 * rng.standard_normal(size))
            .astype(np.float32) for i in range(n)]


def _in_line(blocks: list[np.ndarray]) -> bytes:
    """The same encoding done the old way, every step on one thread."""
    import lameenc

    enc = lameenc.Encoder()
    enc.set_in_sample_rate(RATE)
    enc.set_channels(1)
    enc.set_vbr(4)
    enc.set_vbr_quality(mp3.VBR_QUALITY)
    enc.set_quality(mp3.ALGORITHM_QUALITY)
    data = b"".join(bytes(enc.encode(to_int16(b).astype("<i2").tobytes())) for b in blocks)
    data += bytes(enc.flush())
    sink = io.BytesIO()
    frames = mp3._Frames(sink)
    frames.write(data)
    samples = sum(len(b) for b in blocks)
    return mp3._tag_frame(frames.first, samples, len(data) + len(mp3._tag_frame(
        frames.first, 0, 0, 0, array("I"))), RATE, frames.sizes) + data


def test_the_threaded_encoder_writes_the_bytes_of_encoding_in_line() -> None:
    blocks = _blocks()
    sink = io.BytesIO()
    mp3.encode_mp3(iter(blocks), sink, RATE)
    assert sink.getvalue() == _in_line(blocks)


def test_a_failing_render_stops_the_encoder_thread_and_raises_its_own_error() -> None:
    def rendering():
        yield from _blocks(3)
        raise KeyboardInterrupt  # Ctrl-C while the fourth block renders

    before = {t.ident for t in threading.enumerate()}
    with pytest.raises(KeyboardInterrupt):
        mp3.encode_mp3(rendering(), io.BytesIO(), RATE)
    for t in threading.enumerate():
        if t.ident not in before and t.name == "guided-mp3":
            t.join(timeout=5)
            assert not t.is_alive()


class _FullDisk(io.BytesIO):
    def write(self, data) -> int:  # type: ignore[override]
        if self.tell() > 2000:
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_a_write_failing_on_the_encoder_thread_reaches_the_caller() -> None:
    """The first bytes are written when the first two segments are joined (after about
    20 s of audio, with about a minute rendered ahead): a 4-minute render stops early."""
    given = 0
    blocks = _blocks(12)

    def rendering():
        nonlocal given
        for i in range(400):
            given += 1
            yield blocks[i % len(blocks)]

    with pytest.raises(OSError, match="No space left"):
        mp3.encode_mp3(rendering(), _FullDisk(), RATE)
    assert given < 400  # it stopped rendering once the encoder had failed


def test_frame_sizes_known_by_their_header_bytes_match_reading_each_header() -> None:
    """_Frames remembers a frame's size by its header bytes; walking the stream header by
    header gives the same sizes, fed whole or in odd pieces."""
    blocks = _blocks(6)
    sink = io.BytesIO()
    mp3.encode_mp3(iter(blocks), sink, RATE)
    data = sink.getvalue()
    data = data[mp3.header(data[:4])[1]:]  # the audio frames, after the tag frame
    walked, pos = [], 0
    while pos < len(data):
        walked.append(mp3.header(data[pos:pos + 4])[1])
        pos += walked[-1]
    assert len(set(walked)) > 1  # VBR: frames of several sizes
    for piece in (len(data), 1, 7, 1000):
        frames = mp3._Frames(io.BytesIO())
        for i in range(0, len(data), piece):
            frames.write(data[i:i + piece])
        assert frames.sizes.tolist() == walked
