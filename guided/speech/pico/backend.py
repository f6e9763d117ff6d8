"""Pico in the worker process (``guided.speech.worker``'s plain-data protocol).

Text reaches Pico in pieces of at most ``MAX_PIECE_CHARS`` (``guided.speech.chunking``,
which also cuts an endless "word"): Pico spins without end on a single token of a few
thousand characters, and a bounded piece keeps each call short. ``<`` and ``>`` become
spaces, since Pico reads them as its own markup (``<speed level="400">``); the speed is
given through py-nanotts's own ``speed``. Pico is deterministic: the same text, voice
and rate always give the same samples.
"""

from __future__ import annotations

from typing import Any

from guided.errors import GuidedError, SpeechError
from guided.speech.chunking import pieces
from guided.speech.pico.rate import pico_speed
from guided.speech.pico.voices import (
    ENGINE_NAME,
    SAMPLE_RATE,
    VOICES,
    default_voice,
    engine_version,
    pico_language,
)

MAX_PIECE_CHARS = 240
_MARKUP = str.maketrans({"<": " ", ">": " "})


class PicoBackend:
    def __init__(self) -> None:
        try:
            from py_nanotts import NanoTTS
        except ImportError as exc:  # the wheel is missing or its native part will not load
            raise SpeechError(f"the Pico voices cannot start here ({exc}); "
                              "`guided voices` lists the voices that can") from exc
        self._tts: Any = NanoTTS()

    def version(self) -> str:
        return engine_version()

    def voices(self) -> list[dict[str, str]]:
        return [{"id": vid, "name": label, "language": lang.lower(), "gender": "female",
                 "engine": ENGINE_NAME} for vid, (lang, label) in VOICES.items()]

    def default_voice(self, language: str) -> str | None:
        return default_voice(language)

    def synthesize_pcm16(self, text: str, voice: str | None, rate: int) -> tuple[bytes, int]:
        if voice is not None and voice not in VOICES:
            raise GuidedError(f"there is no Pico voice {voice!r}; "
                              f"Pico's voices are {', '.join(VOICES)}")
        language = pico_language(voice)
        speed = pico_speed(voice or "pico-en-us", rate)
        out = bytearray()
        for piece in pieces(" ".join(text.translate(_MARKUP).split()), MAX_PIECE_CHARS):
            out += self._tts.speak(piece, voice=language, speed=speed)
        return bytes(out), SAMPLE_RATE

    def close(self) -> None:
        """Nothing to release: each utterance is a fresh Pico system."""
