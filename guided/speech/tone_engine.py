"""The ``test`` engine: quiet tones instead of speech, for the test suite.

It needs no speech library and no worker process, and it is the same on every
computer, so tests of the logic around speech (timing, caching, export, journeys,
variables) run in milliseconds and give the same samples every time.

Each word becomes one short tone per syllable (vowel groups, at least one) with a
small gap between syllables, a longer one after a comma and a longer still after a
sentence. A word lasts ``60 / rate`` seconds on average, so ``rate`` means words per
minute as it does for the real voices. Like a real engine it pads the line with
silence at both ends, which the ``Speaker`` trims off.

It is not a voice anyone would listen to: ``auto`` never picks it and ``guided
voices`` shows it only when asked (``--engine test``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from guided.errors import SpeechError
from guided.samples import SAMPLE_RATE
from guided.speech.base import Voice

NAME = "test"
VERSION = "1"
PAD_SECONDS = 0.1  # silence before and after the line, as engines add
LEVEL = 0.25  # tone amplitude (about -12 dBFS): well above the trim threshold
SYLLABLES_PER_WORD = 1.5  # what an average English word has: keeps `rate` honest
# voice id -> (name, language, pitch in Hz)
VOICES = {
    "low": ("Low tone", "en", 220.0),
    "high": ("High tone", "en", 330.0),
    "tief": ("Tiefer Ton", "de", 196.0),
    "grave": ("Tono grave", "es", 208.0),
    "doux": ("Ton doux", "fr", 233.0),
    "basso": ("Tono basso", "it", 185.0),
}
DEFAULT_VOICE = "low"

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[,;:]|[.!?]+")
_VOWELS = re.compile(r"[aeiouyäöüàâéèêëïîôûœæ]+", re.IGNORECASE)


def create(cache_dir: Path) -> ToneEngine:
    """A new engine (``cache_dir``, the clip cache folder every engine is made with, is
    not needed: tones keep nothing)."""
    return ToneEngine()


def available() -> bool:
    return True


def syllables(word: str) -> int:
    """Vowel groups in ``word``, at least one (digits and other letters count as one)."""
    return max(1, len(_VOWELS.findall(word)))


class ToneEngine:
    """Implements ``guided.speech.base.Engine``: deterministic tones, in-process."""

    name = NAME

    def version(self) -> str:
        return f"test tones {VERSION}"

    def voices(self) -> list[Voice]:
        return [Voice(id=vid, name=name, language=lang, engine=NAME)
                for vid, (name, lang, _pitch) in VOICES.items()]

    def default_voice(self, language: str) -> str | None:
        lang = language.strip().lower()
        return next((vid for vid, (_n, vlang, _p) in VOICES.items()
                     if lang == vlang or lang.startswith(vlang + "-")), DEFAULT_VOICE)

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        pitch = self._pitch(voice)
        beat = 60.0 / max(1, rate) / SYLLABLES_PER_WORD  # seconds per syllable, gaps included
        pad = np.zeros(int(PAD_SECONDS * SAMPLE_RATE), dtype=np.float32)
        parts = [pad]
        for token in _WORD.findall(text):
            if token in ",;:":
                parts.append(_silence(beat))
            elif token[0] in ".!?":
                parts.append(_silence(2 * beat))
            else:
                for _ in range(syllables(token)):
                    parts += [_tone(0.75 * beat, pitch), _silence(0.25 * beat)]
        parts.append(pad)
        return np.concatenate(parts), SAMPLE_RATE

    def close(self) -> None:
        pass

    @staticmethod
    def _pitch(voice: str | None) -> float:
        if not voice:
            return VOICES[DEFAULT_VOICE][2]
        wanted = voice.strip().lower()
        for vid, (name, lang, pitch) in VOICES.items():
            if wanted in (vid, name.lower(), lang):
                return pitch
        raise SpeechError(f"there is no voice {voice!r}; the test engine has "
                          f"{', '.join(VOICES)}")


def _tone(seconds: float, pitch: float) -> np.ndarray:
    n = max(1, int(seconds * SAMPLE_RATE))
    t = np.arange(n, dtype=np.float32) / np.float32(SAMPLE_RATE)
    tone = LEVEL * np.sin(np.float32(2 * np.pi * pitch) * t)
    fade = min(n // 2, int(0.005 * SAMPLE_RATE))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        tone[:fade] *= ramp
        tone[-fade:] *= ramp[::-1]
    return tone.astype(np.float32)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
