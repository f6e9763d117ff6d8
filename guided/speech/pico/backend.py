"""Pico in the worker process (``guided.speech.worker``'s plain-data protocol).

Text reaches Pico in pieces of at most ``MAX_PIECE_CHARS`` (``guided.speech.chunking``,
which also cuts an endless "word"): Pico spins without end on a single token of a few
thousand characters, and a bounded piece keeps each call short. The text is first made
into what Pico reads as a speaker would (``guided.speech.pico.text``: no markup of its
own, ellipses and dashes as pauses); the speed is given through py-nanotts's own
``speed``.

Pico keeps state from one utterance to the next inside its library (the same sentence
spoken twice in one process can differ in its noise), so each clip is made in a child
forked from this worker before Pico ever spoke: every clip starts from the same state,
and the same text, voice and rate always give the same samples (a fork costs a few
milliseconds). Where there is no fork (Windows) clips are made in this process, and may
differ by that noise from one run to the next. A child that hangs is ended by an alarm.
"""

from __future__ import annotations

import os
import signal
from typing import Any

from guided.errors import GuidedError, SpeechError
from guided.speech.chunking import pieces
from guided.speech.pico.rate import pico_speed
from guided.speech.pico.text import for_pico, number_ends
from guided.speech.pico.voices import (
    ENGINE_NAME,
    SAMPLE_RATE,
    VOICES,
    default_voice,
    engine_version,
    pico_language,
)

MAX_PIECE_CHARS = 240


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
        parts = [number_ends(piece)
                 for piece in pieces(for_pico(text, language), MAX_PIECE_CHARS)]
        if not hasattr(os, "fork"):
            return self._speak(parts, language, speed), SAMPLE_RATE
        return self._speak_in_child(parts, language, speed, 10 + len(text) // 50), SAMPLE_RATE

    def _speak(self, parts: list[str], language: str, speed: float) -> bytes:
        return b"".join(self._tts.speak(piece, voice=language, speed=speed) for piece in parts)

    def _speak_in_child(self, parts: list[str], language: str, speed: float, limit: int) -> bytes:
        """``_speak`` in a child forked from this worker, within ``limit`` seconds."""
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: speak, hand the samples over, leave without cleaning up
            code = 1
            try:
                os.close(read)
                signal.alarm(limit)  # its default action ends the child
                view = memoryview(self._speak(parts, language, speed))
                while view:
                    view = view[os.write(write, view):]
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            data: bytes = pipe.read()
        _, status = os.waitpid(pid, 0)
        if status != 0:  # a retry on a fresh worker (guided.speech.worker)
            raise RuntimeError(f"Pico stopped before it finished (status {status})")
        return data

    def close(self) -> None:
        """Nothing to release: each utterance is a fresh Pico system."""
