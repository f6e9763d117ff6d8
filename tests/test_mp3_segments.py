"""A long MP3 is encoded in segments, two at a time, and joined into one stream
(guided.outputs.mp3, guided.outputs.mp3_splice). Decoded, it must be the audio encoded
whole in every way a listener or a player can tell: the same number of samples, every
sound at its time, the same quality, no click where two segments meet."""

from __future__ import annotations

import io
import threading

import numpy as np
import pytest
import soundfile

from guided.outputs import mp3, mp3_splice
from guided.pcm import to_int16

RATE = 24000
SEGMENT = round(mp3.SEGMENT_SECONDS * RATE / mp3_splice.FRAME) * mp3_splice.FRAME  # samples


def _voice_and_noise(seconds: float, seed: int = 3) -> np.ndarray:
    """Something like a voice over a quiet noise bed, with a few pauses of digital
    silence: syllables of a few harmonics gliding in pitch, then brown noise under all."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    pitch = 140 + 30 * np.sin(2 * np.pi * 0.3 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    voice = sum(np.sin(k * phase) / k for k in range(1, 7))
    syllables = np.clip(np.sin(2 * np.pi * 3.1 * t), 0, None) ** 2
    noise = np.cumsum(rng.standard_normal(n))
    noise -= np.convolve(noise, np.ones(2401) / 2401, mode="same")  # keep it near zero
    x = 0.25 * voice * syllables + 0.01 * noise / (np.abs(noise).max() or 1)
    for start in range(int(7 * RATE), n - RATE, int(23 * RATE)):  # pauses, as practices have
        x[start:start + RATE] = 0
    return x.astype(np.float32)


def _blocks(x: np.ndarray, size: int = 15360) -> list[np.ndarray]:
    return [x[i:i + size] for i in range(0, len(x), size)]


def _encode(x: np.ndarray, *, in_segments: bool) -> bytes:
    sink = io.BytesIO()
    mp3.encode_mp3(iter(_blocks(x)), sink, RATE, in_segments=in_segments)
    return sink.getvalue()


def _decode(data: bytes) -> np.ndarray:
    decoded, rate = soundfile.read(io.BytesIO(data), dtype="float32")
    assert rate == RATE
    return decoded


def _snr(decoded: np.ndarray, source: np.ndarray) -> float:
    error = decoded - source
    return float(10 * np.log10(np.sum(source.astype(np.float64) ** 2) / np.sum(error.astype(np.float64) ** 2)))


@pytest.fixture(scope="module")
def long_audio() -> tuple[np.ndarray, bytes, bytes]:
    x = _voice_and_noise(45.0)  # three segments, two joins
    source = to_int16(x).astype(np.float32) / 32768  # what the encoder is given
    return source, _encode(x, in_segments=True), _encode(x, in_segments=False)


def test_joined_segments_decode_to_every_sample_at_its_time(long_audio) -> None:
    source, joined, whole = long_audio
    a, b = _decode(joined), _decode(whole)
    assert len(a) == len(b) == len(source)
    assert joined != whole  # it was encoded in segments
    # The same quality as one encoder, sample for sample close to it, and to the source
    assert abs(_snr(a, source) - _snr(b, source)) < 0.2
    assert _snr(a, source) > 20
    assert float(np.max(np.abs(a - b))) < 0.01
    # Where two segments meet (from just before each share begins to a second after), the
    # error is what one encoder makes there: no click
    for k in range(1, len(source) // SEGMENT + 1):
        near = slice(k * SEGMENT - RATE // 10, k * SEGMENT + RATE)
        assert float(np.abs(a - source)[near].max()) <= 1.5 * float(np.abs(b - source)[near].max()) + 0.002


def test_the_joined_stream_is_one_mp3_with_a_true_header(long_audio) -> None:
    """One Xing/LAME header at the front counts every frame and byte; each frame that
    follows is a whole MPEG-2 frame, back to back (a decoder or player walking the file
    never meets a second stream's start)."""
    _source, joined, _whole = long_audio
    tag_size = mp3.header(joined[:4])[1]
    frames = joined[tag_size:]
    pos, count = 0, 0
    while pos < len(frames):
        pos += mp3_splice.frame_size(frames[pos:pos + 4])
        count += 1
    assert pos == len(frames)
    xing = joined.index(b"Xing")
    assert int.from_bytes(joined[xing + 8:xing + 12], "big") == count
    assert int.from_bytes(joined[xing + 12:xing + 16], "big") == len(joined)


def test_segments_are_joined_the_same_way_every_time() -> None:
    x = _voice_and_noise(25.0, seed=5)  # one join
    assert _encode(x, in_segments=True) == _encode(x, in_segments=True)


@pytest.mark.parametrize("end", [
    SEGMENT - 1, SEGMENT, SEGMENT + 1,  # the second segment begins before the first's share ends
    SEGMENT + mp3_splice.POST * mp3_splice.FRAME - 1,  # ends inside the overlap: the first has it all
    SEGMENT + mp3_splice.POST * mp3_splice.FRAME,
    SEGMENT + mp3_splice.POST * mp3_splice.FRAME + 1,  # the second segment has one sample past it
    2 * SEGMENT + 577,
])
def test_audio_ending_anywhere_around_a_join_keeps_its_length(end: int) -> None:
    x = _voice_and_noise(end / RATE + 0.01, seed=end % 97)[:end]
    decoded = _decode(_encode(x, in_segments=True))
    assert len(decoded) == end
    source = to_int16(x).astype(np.float32) / 32768
    assert _snr(decoded, source) > 20


def test_segments_that_cannot_be_joined_are_told_after_all_the_audio_is_taken(monkeypatch) -> None:
    """The caller encodes again in one piece from what it kept (guided.outputs.export):
    it must have been given every block first."""
    def never(*args, **kwargs):
        raise mp3_splice.Unjoinable("no frame to join at")

    monkeypatch.setattr(mp3_splice, "join", never)
    blocks = _blocks(_voice_and_noise(25.0))
    taken = 0

    def rendering():
        nonlocal taken
        for block in blocks:
            taken += 1
            yield block

    before = {t.ident for t in threading.enumerate()}
    with pytest.raises(mp3_splice.Unjoinable):
        mp3.encode_mp3(rendering(), io.BytesIO(), RATE)
    assert taken == len(blocks)
    assert not [t for t in threading.enumerate() if t.ident not in before and t.is_alive()
                and t.name == "guided-mp3"]


def test_a_frame_short_of_room_for_the_reservoir_grows_to_the_next_bitrate() -> None:
    header_56k = bytes([0xFF, 0xF3, 0x74, 0xC4])  # MPEG-2, 24 kHz, 56 kb/s, mono: 168 bytes
    assert mp3_splice.frame_size(header_56k) == 168
    assert mp3_splice._growth(header_56k, 0) == 0
    assert mp3_splice._growth(header_56k, 5) == 24  # 64 kb/s: 192 bytes
    assert mp3_splice._growth(header_56k, 30) == 72  # 80 kb/s: 240 bytes
    header_160k = bytes([0xFF, 0xF3, 0xE4, 0xC4])
    assert mp3_splice.frame_size(header_160k) == 480
    assert mp3_splice._growth(header_160k, 1) is None  # nothing bigger: the next frame is tried


def test_only_what_can_be_joined_is_cut() -> None:
    assert mp3._joinable(RATE)
    first = _encode(_voice_and_noise(1.0), in_segments=False)[:4]
    assert mp3_splice.joinable(first, RATE)
    stereo = bytes([first[0], first[1], first[2], first[3] & 0x3F])
    with_crc = bytes([first[0], first[1] & 0xFE, first[2], first[3]])
    assert not mp3_splice.joinable(stereo, RATE)
    assert not mp3_splice.joinable(with_crc, RATE)
    assert not mp3_splice.joinable(b"ID3\x04", RATE)
    assert not mp3_splice.joinable(first, 22050)


SCRIPT = """\
format: 1
title: Long enough for three segments
steps:
  - bell
  - say: Let your shoulders soften.
  - pause: 20s
  - say: And notice the floor under you.
  - pause: 20s
  - bell: {sound: chime}
"""


@pytest.mark.parametrize("joins", [True, False])
def test_an_export_whose_segments_cannot_be_joined_is_encoded_whole(cli, tmp_path, monkeypatch, joins) -> None:
    monkeypatch.setenv("GUIDED_CACHE_DIR", str(tmp_path / "cache"))
    if not joins:
        def never(*args, **kwargs):
            raise mp3_splice.Unjoinable("no frame to join at")

        monkeypatch.setattr(mp3_splice, "join", never)
    practice = tmp_path / "long.yaml"
    practice.write_text(SCRIPT)
    out = tmp_path / "long.mp3"
    result = cli("export", str(practice), "-o", str(out), "--engine", "test")
    assert result.returncode == 0, result.stderr
    decoded = _decode(out.read_bytes())
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.speech.choice import VoiceChoice

    with prepare(practice, Chosen(tmp_path / "cache", voice=VoiceChoice(engine="test"))) as prep:
        assert len(decoded) == prep.timeline.length > 2 * SEGMENT
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


class _SlowSink(io.BytesIO):
    """A sink that takes its time; ``writing`` is set when the first write begins."""

    def __init__(self) -> None:
        super().__init__()
        self.writing = threading.Event()

    def write(self, data) -> int:  # type: ignore[override]
        import time

        self.writing.set()
        time.sleep(0.05)
        return super().write(data)


def test_in_one_piece_the_mp3_is_written_as_it_is_encoded() -> None:
    """The one-piece encoding (the fallback) keeps nothing whole in memory: by the time
    most of the audio is rendered, most of its MP3 is in the sink."""
    blocks = _blocks(_voice_and_noise(60.0))
    sink = io.BytesIO()
    seen: list[int] = []

    def rendering():
        for i, block in enumerate(blocks):
            if i == len(blocks) - 5:
                import time

                time.sleep(0.5)  # the encoder catches up with what was rendered
                seen.append(sink.tell())
            yield block

    mp3.encode_mp3(rendering(), sink, RATE, in_segments=False)
    assert seen[0] > 0.5 * len(sink.getvalue())


def test_nothing_is_written_after_a_failure_is_raised() -> None:
    blocks = _blocks(_voice_and_noise(50.0))

    sink = _SlowSink()

    def rendering():
        yield from blocks  # the first join is written ...
        assert sink.writing.wait(10)
        raise RuntimeError("render failed")  # ... while the render fails
    with pytest.raises(RuntimeError, match="render failed"):
        mp3.encode_mp3(rendering(), sink, RATE)
    size = len(sink.getvalue())
    import time

    time.sleep(0.5)
    assert len(sink.getvalue()) == size
    assert not [t for t in threading.enumerate() if t.name == "guided-mp3" and t.is_alive()]


def test_once_two_segments_cannot_be_joined_nothing_more_is_encoded(monkeypatch) -> None:
    def never(*args, **kwargs):
        raise mp3_splice.Unjoinable("no frame to join at")

    monkeypatch.setattr(mp3_splice, "join", never)
    steps_after: list[int] = []
    real_step = mp3._Lame._step

    def step(self, segment, pcm):
        if self.stream.unjoinable is not None:
            steps_after.append(segment)
        return real_step(self, segment, pcm)

    monkeypatch.setattr(mp3._Lame, "_step", step)
    with pytest.raises(mp3_splice.Unjoinable):
        mp3.encode_mp3(iter(_blocks(_voice_and_noise(90.0))), io.BytesIO(), RATE)
    assert steps_after == []
