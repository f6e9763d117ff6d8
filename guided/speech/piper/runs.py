"""Text to Piper's model runs of bounded length, and one run.

Piper's memory and the time before it can be stopped grow with the number of
phonemes it speaks in one run: about 1 MB per phoneme on top of the model, and
text that espeak-ng spells out letter by letter (other scripts under an English
voice: "Chinese letter ...") gives five or more phonemes per character. So text is
cut twice: into pieces of at most ``MAX_PIECE_CHARS`` characters at sentence,
clause and word boundaries (``guided.speech.chunking``), then each of Piper's
sentences into runs of at most ``run_limit(length_scale)`` phonemes (fewer when
speaking slowly, as each phoneme then lasts longer), at the same kinds of
boundaries in the phoneme string. Ordinary English sentences fit in one run and
are spoken exactly as Piper speaks them.

Each run gives its working memory back when it ends (onnxruntime's arena shrinks),
so a long text does not keep the largest run's memory while the next ones grow
beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from guided.speech.chunking import MAX_PIECE_CHARS, pieces

# Phonemes times length scale per run: about 24 s of speech and 500 MB of working
# memory, measured with the joe voice (memory grows with the seconds of speech made).
RUN_BUDGET = 480  # every sentence of the built-in library fits in one run, even at rate 80
MIN_RUN_PHONEMES = 40


def run_limit(length_scale: float) -> int:
    """The most phonemes one run may hold at ``length_scale``."""
    return max(MIN_RUN_PHONEMES, int(RUN_BUDGET / max(length_scale, 0.1)))


def phoneme_runs(model: Any, text: str, length_scale: float) -> Iterator[list[int]]:
    """The phoneme ids of each run, in order, for a ``piper.PiperVoice``."""
    limit = run_limit(length_scale)
    for piece in pieces(text, MAX_PIECE_CHARS):
        for sentence in model.phonemize(piece):
            for run in split_phonemes(sentence, limit):
                yield model.phonemes_to_ids(run)


def split_phonemes(phonemes: list[str], limit: int) -> list[list[str]]:
    """One sentence's phonemes as runs of at most ``limit``, cut between words (or
    clauses) where it must be cut at all."""
    if not phonemes:
        return []
    if len(phonemes) <= limit or any(len(p) != 1 for p in phonemes):
        return [phonemes]  # fits (or is not one character per phoneme: left as it is)
    return [list(run) for run in pieces("".join(phonemes), limit)]


def synthesize_ids(model: Any, ids: list[int], length_scale: float, options: Any) -> np.ndarray:
    """One run of ``model`` (a ``piper.PiperVoice``) as float32 audio, peak-normalised
    as Piper does for each sentence; ``options`` (``onnxruntime.RunOptions``) lets
    another thread end the run."""
    config = model.config
    inputs = {
        "input": np.array([ids], dtype=np.int64),
        "input_lengths": np.array([len(ids)], dtype=np.int64),
        "scales": np.array([config.noise_scale, length_scale, config.noise_w_scale],
                           dtype=np.float32),
    }
    if config.num_speakers > 1:
        inputs["sid"] = np.array([config.default_speaker_id or 0], dtype=np.int64)
    audio = model.session.run(None, inputs, options)[0].squeeze()
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    audio = np.zeros_like(audio) if peak < 1e-8 else audio / peak
    return np.clip(audio, -1.0, 1.0).astype(np.float32)
