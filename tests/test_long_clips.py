"""Long clips are resampled, trimmed and converted block by block (bounded memory):
the blocks leave no trace in the sound."""

from __future__ import annotations

import numpy as np

from guided.speech import resample as resampling
from guided.speech.trim import clean, to_int16, trim


def test_resampling_in_blocks_gives_the_same_sound_as_one_pass(monkeypatch) -> None:
    t = np.arange(22050 * 4) / 22050
    tone = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    whole = resampling.resample(tone, 22050, 24000)  # one block
    monkeypatch.setattr(resampling, "BLOCK_SAMPLES", 10_000)  # nine blocks
    blocks = resampling.resample(tone, 22050, 24000)
    assert blocks.shape == whole.shape == (24000 * 4,)
    assert np.max(np.abs(blocks - whole)) < 1e-6
    expected = 0.5 * np.sin(2 * np.pi * 440 * np.arange(len(blocks)) / 24000)
    middle = slice(100, -100)  # away from the zero-padded ends
    assert np.max(np.abs(blocks[middle] - expected[middle])) < 1e-3
    pcm = np.round(tone * 32767).astype(np.int16)  # int16 is read as x / 32768, per block
    assert np.max(np.abs(resampling.resample(pcm, 22050, 24000) - blocks)) < 1e-4


def test_trim_and_int16_conversion_of_a_long_clip() -> None:
    rng = np.random.default_rng(7)
    speech = (rng.standard_normal(3_000_000) * 0.1).astype(np.float32)
    speech[:50_000] = 0
    speech[-70_000:] = 0
    cut = trim(speech)
    assert len(cut) == 3_000_000 - 120_000 and cut[0] == 0 and speech[0] == 0
    own = speech.copy()
    view = trim(own, copy=False)
    assert np.shares_memory(view, own) and np.array_equal(view, cut)  # no second copy
    expected = np.round(np.clip(cut, -1.0, 32767 / 32768) * 32768.0).astype(np.int16)
    assert np.array_equal(to_int16(cut), expected)
    pcm = np.zeros(22050 * 200, dtype=np.int16)  # 200 s at Piper's rate, speech in the middle
    pcm[22050:44100] = (rng.standard_normal(22050) * 3000).astype(np.int16)
    assert abs(len(clean(pcm, 22050)) - 24000) < 100
