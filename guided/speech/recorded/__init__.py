"""The therapist's own voice: lines recorded once, spoken wherever the script says them.

- ``guided.speech.recorded.store``: the voice folder (``GUIDED_HOME/voices/NAME``).
- ``guided.speech.recorded.takes``: reading takes and preparing them for playback.
- ``RecordedLines``: the clip source the ``Speaker`` asks first when ``--voice``
  names a recorded voice. A recorded line's clip is the prepared take (cached in the
  audio cache under a key made from the take's checksum, so clearing the cache only
  means preparing again); a line with no take goes to the default synthesized voice.
- ``RecordedEngine`` (engine ``recorded`` in ``guided.speech.engines``): lists the
  recorded voices for ``guided voices`` and speaks a recorded line on its own.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from guided.errors import GuidedError, SpeechError
from guided.pcm import from_int16, to_int16
from guided.speech.base import SpeechSettings, Voice
from guided.speech.cache import ClipCache, CorruptClip, clip_key, normalise
from guided.speech.engines import RECORDED
from guided.speech.recorded.store import VoiceStore, recorded_voices
from guided.speech.recorded.takes import PREP_VERSION, prepare
from guided.speech.trim import trim

ENGINE = RECORDED


class RecordedLines:
    """Prepared clips of one recorded voice (implements the clip part of
    ``guided.samples.ClipSource`` for the lines that have a take)."""

    def __init__(self, store: VoiceStore, cache: ClipCache, fallback: SpeechSettings):
        self.store = store
        self.cache = cache
        self.fallback = fallback  # the synthesized voice for lines with no take
        self._reported: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()

    @property
    def name(self) -> str:
        return self.store.name

    def has(self, text: str) -> bool:
        return bool(normalise(text)) and self.store.has(text)

    def key(self, text: str) -> str:
        line = self.store.line(text)
        version = f"prep{PREP_VERSION}:{line.sha256 if line else '-'}"
        return clip_key(ENGINE, version, self.store.name, 0, text)

    def cached_length(self, text: str) -> int | None:
        return self.cache.read_length(self.key(text))

    def clip(self, text: str) -> np.ndarray:
        key = self.key(text)
        try:
            stored = self.cache.load(key)
        except CorruptClip:
            self.cache.discard(key)
            stored = None
        if stored is None:
            stored = to_int16(self.prepared(text))
            self.cache.store(key, stored)
        return from_int16(stored)

    def prepared(self, text: str) -> np.ndarray:
        return prepared_clip(self.store, text)

    def prefetch(self, texts: Iterable[str]) -> None:
        """Prepare the recorded lines among ``texts`` that are not cached yet, in order,
        in the background (a first play then never waits for a long take)."""
        todo = [t for t in texts if self.has(t) and self.cached_length(t) is None]
        if not todo:
            return

        def run() -> None:
            for text in todo:
                if self._stop.is_set():
                    return
                try:
                    self.clip(text)
                except Exception:  # noqa: BLE001 - clip() says what is wrong when it is needed
                    return

        threading.Thread(target=run, daemon=True, name="guided-recorded").start()

    def close(self) -> None:
        self._stop.set()

    def missing(self, texts: Iterable[str]) -> list[str]:
        """The texts (normalised, in order, once each) with no take."""
        seen: dict[str, None] = {}
        for text in texts:
            clean = normalise(text)
            if clean and not self.store.has(clean):
                seen.setdefault(clean, None)
        return list(seen)

    def report_missing(self, texts: Iterable[str]) -> None:
        """One line on stderr saying how many of these lines the default voice speaks
        (each line counted once per run)."""
        missing = self.missing(texts)
        with self._lock:
            new = [t for t in missing if t not in self._reported]
            self._reported.update(new)
        if not new:
            return
        lines, it = ("1 line has", "it") if len(new) == 1 else (f"{len(new)} lines have", "them")
        print(f"{lines} no recording in {self.name}'s voice yet, so the default voice speaks "
              f"{it} (`guided check SCRIPT --voice {self.name}` names {it}).", file=sys.stderr)


def prepared_clip(store: VoiceStore, text: str) -> np.ndarray:
    """The take for ``text``, prepared and trimmed like a synthesized clip."""
    line = store.line(text)
    if line is None:
        raise SpeechError(f"{store.name!r} has no recording of {text!r}")
    samples, rate = store.read_take(line)
    try:
        clip = trim(prepare(samples, rate).samples)
    except Exception as exc:  # noqa: BLE001 - a damaged take: say which one
        raise SpeechError(f"the recording of {text!r} in {store.name}'s voice cannot be used "
                          f"({exc}); record it again with `guided record`") from None
    if len(clip) == 0:
        raise SpeechError(f"the recording of {text!r} in {store.name}'s voice is silent; "
                          "record it again with `guided record`")
    return clip


def lines_for(settings: SpeechSettings, cache: ClipCache,
              fallback: SpeechSettings) -> RecordedLines | None:
    """The recorded voice ``settings`` speak with (engine ``recorded``), else None;
    ``fallback`` speaks the lines it has no take of."""
    if settings.engine != ENGINE:
        return None
    store = VoiceStore.find(settings.voice)
    if store is None:
        raise SpeechError(f"there is no recorded voice called {settings.voice!r}; "
                          "`guided voices` lists yours")
    return RecordedLines(store, cache, fallback)


class RecordedEngine:
    """The ``recorded`` engine: its voices are the recorded ones; it speaks only the
    lines that have a take (the ``Speaker`` sends the others to the default voice)."""

    name = ENGINE

    def version(self) -> str:
        return f"prep{PREP_VERSION}"

    def voices(self) -> list[Voice]:
        found = []
        for store in recorded_voices():
            try:
                count = _count(len(store.lines()))
            except GuidedError:
                count = "damaged"
            found.append(Voice(store.name, f"{store.name} ({count})", "", "", ENGINE))
        return found

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        from guided.samples import SAMPLE_RATE

        store = VoiceStore.find(voice)
        if store is None:
            raise SpeechError(f"there is no recorded voice called {voice!r}; see `guided voices`")
        return prepared_clip(store, text), SAMPLE_RATE

    def close(self) -> None:
        pass


def _count(n: int) -> str:
    return "1 line" if n == 1 else f"{n} lines"


def create(cache_dir: Path) -> RecordedEngine:
    """The stand-in ``guided.speech.engines`` makes (``Speaker`` speaks takes itself)."""
    return RecordedEngine()
