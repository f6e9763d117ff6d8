"""Piper: natural neural speech, fully offline (the optional ``guided[neural]`` extra).

Piper (``piper-tts``, GPL-3.0) runs a VITS voice model with onnxruntime. The parts:

- ``voices``: where voices are found (voice packages, ``GUIDED_VOICES_DIR``);
- ``rate``: words per minute to Piper's length scale;
- ``identity``: each model's sha256, remembered in ``piper/voice-ids.json`` of the
  audio cache so a 63 MB model is not re-read on every start;
- ``models``: loading a model (its optimized graph kept in ``piper/`` of the audio
  cache) with a noise seed per clip;
- ``runs``: text to model runs of bounded length (memory stays bounded, Ctrl-C is
  quick), and one run;
- ``engine``: the ``Engine`` itself.
"""

from __future__ import annotations

from pathlib import Path

from guided.speech.piper.engine import ENGINE_NAME, PiperEngine
from guided.speech.piper.rate import SENTENCE_GAP_SECONDS, length_scale
from guided.speech.piper.voices import (
    DEFAULT_VOICE,
    PiperVoiceFiles,
    available,
    find_voices,
    piper_installed,
)

__all__ = [
    "DEFAULT_VOICE", "ENGINE_NAME", "SENTENCE_GAP_SECONDS", "PiperEngine", "PiperVoiceFiles",
    "available", "create", "find_voices", "length_scale", "piper_installed",
]


def create(cache_dir: Path) -> PiperEngine:
    """The engine as ``guided.speech.engines`` makes it."""
    return PiperEngine(cache_dir=cache_dir)
