"""One rule for 16-bit samples (guided.pcm): the player, the MP3 path, the clip cache,
the recorded voice's takes and Piper all turn the same floats into the same integers."""

from __future__ import annotations

import numpy as np

from guided.audio.device import to_pcm16
from guided.pcm import from_int16, to_int16

EDGES = np.array([-1.5, -1.0, -0.5, -1 / 65536, 0.0, 0.4 / 32768, 0.5 / 32768, 1.5 / 32768,
                  2.5 / 32768, 0.25, 32766.5 / 32768, 32767 / 32768, 1.0, 1.5], dtype=np.float32)


def test_the_rule_scale_by_32768_round_to_nearest_and_hold_to_the_range() -> None:
    assert to_int16(EDGES).tolist() == [-32768, -32768, -16384, 0, 0, 0, 0, 2, 2, 8192,
                                        32766, 32767, 32767, 32767]
    back = from_int16(np.array([-32768, 0, 16384, 32767], dtype=np.int16))
    assert back.dtype == np.float32 and back.tolist() == [-1.0, 0.0, 0.5, 32767 / 32768]


def test_what_is_played_and_what_is_encoded_are_the_same_integers(monkeypatch) -> None:
    """The player's conversion, and the MP3 encoder's input, for the same blocks."""
    from guided.outputs import mp3

    rng = np.random.default_rng(7)
    block = np.concatenate([EDGES, rng.uniform(-1.2, 1.2, 5000).astype(np.float32)])
    played = to_pcm16(block)
    assert played.dtype == np.dtype("<i2")
    assert np.array_equal(played, to_int16(block))
    fed: list[bytes] = []
    import io

    import lameenc

    real = lameenc.Encoder

    class Spy:  # lameenc's own encoder, watched: the exact bytes it is given
        def __init__(self) -> None:
            self._real = real()

        def __getattr__(self, name: str):
            return getattr(self._real, name)

        def encode(self, data: bytes) -> bytes:
            fed.append(bytes(data))
            return self._real.encode(data)

    mp3._joinable(24000)  # its once-a-process look at LAME's frames is made before watching
    monkeypatch.setattr(lameenc, "Encoder", Spy)
    sink = io.BytesIO()
    mp3.encode_mp3(iter([block[:2048], block[2048:]]), sink, 24000)
    assert len(sink.getvalue()) > 100  # a real MP3 was made of them
    assert b"".join(fed) == played.tobytes()


def test_round_trip_keeps_every_16_bit_value() -> None:
    every = np.arange(-32768, 32768, dtype=np.int16)
    assert np.array_equal(to_int16(from_int16(every)), every)


def test_a_long_clip_is_converted_in_blocks_with_the_same_result() -> None:
    long = np.random.default_rng(3).uniform(-1, 1, (1 << 18) * 2 + 17).astype(np.float32)
    expected = np.clip(np.rint(long.astype(np.float64) * 32768), -32768, 32767).astype(np.int16)
    assert np.array_equal(to_int16(long), expected)
    stereo = long[:1000].reshape(500, 2)
    assert to_int16(stereo).shape == (500, 2)
