"""The ``Speaker``: trimmed clips for the current voice and rate, from the cache or
freshly synthesized, by a small pool of engine workers.

Every other part of the program gets speech from here::

    settings = settle(VoiceChoice(), language="en")   # guided.speech.choice
    with Speaker(settings, cache_dir()) as speaker:   # guided.paths: the folder the command chose
        speaker.ensure(texts)            # export: fill the cache, both cores busy
        samples = speaker.clip(text)     # float32 mono at guided.samples.SAMPLE_RATE

For live play, ``prefetch(texts)`` starts synthesizing in order in the background and
``clip(text)`` waits for (or jumps the queue with) the text it needs.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from guided.errors import GuidedError, SpeechError
from guided.pcm import from_int16
from guided.speech import engines
from guided.speech.base import Engine, SpeechSettings
from guided.speech.cache import ClipCache, CorruptClip, clip_key, normalise
from guided.speech.choice import VoiceChoice, settle
from guided.speech.trim import clean, to_int16

if TYPE_CHECKING:
    from guided.speech.recorded import RecordedLines

URGENT, BACKGROUND = 0, 1  # job priorities: a clip someone waits for goes first
FIRST_CLIP_HEAD_START = 0.3  # seconds the first worker runs alone while the cache is cold
# How long a stop (Ctrl-C) waits for a worker still busy in a step it cannot leave (hibari's
# waveform arithmetic, up to a second on a loaded machine) before leaving it to end alone.
STOP_WAIT = 0.2
_STOPPED = "speech was stopped before this clip was made"


@dataclass
class SpeakerStats:
    hits: int = 0  # clips served from the cache
    synthesized: int = 0  # clips made by the engine (cache misses)
    recovered: int = 0  # damaged cache entries detected and made again


@dataclass
class _Job:
    key: str
    text: str
    future: Future = field(default_factory=Future)
    claimed: bool = False


class Speaker:
    """Implements ``guided.samples.ClipSource``. Thread-safe; close it when done
    (or use it as a context manager)."""

    def __init__(self, settings: SpeechSettings, cache_dir: Path, workers: int | None = None):
        """``cache_dir`` is the clip cache folder the command line chose
        (``guided.paths.cache_dir`` decides the default)."""
        self.settings = settings
        self.cache = ClipCache(Path(cache_dir))
        # A recorded voice (guided record) speaks the lines it has; the synthesized
        # voice settled for the others (``settings.fallback``) speaks the rest.
        self.recorded: RecordedLines | None = None
        if settings.engine == engines.RECORDED:  # imported only then: not on a first sound's way
            from guided.speech import recorded

            self.recorded = recorded.lines_for(settings, self.cache, _fallback(settings))
        if self.recorded is not None:
            settings = self.recorded.fallback
        self._engine_settings = settings
        self.engine_name = engines.check_name(settings.engine)
        self.stats = SpeakerStats()
        self._factory = engines.engine_factory(self.engine_name)
        self._n_workers = workers or min(2, os.cpu_count() or 1)
        self._voice_key = (settings.voice or f"default:{settings.language}").strip().lower()
        self._version: str | None = None
        self._voice_arg: str | None = settings.voice
        self._voice_resolved = settings.voice is not None
        self._lock = threading.Lock()
        self._jobs: dict[str, _Job] = {}
        self._queue: queue.PriorityQueue[tuple[int, int, _Job | None]] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._engines: list[Engine] = []
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._first_done = threading.Event()
        self._announced = False

    def announce(self) -> None:
        """Say once who is speaking (``settings.announce``, if the command gave one)."""
        if self._announced:
            return
        self._announced = True
        if self.settings.announce is not None and self.settings.note:
            self.settings.announce(self.settings.note)

    # -- ClipSource ------------------------------------------------------------------
    def clip(self, text: str) -> np.ndarray:
        """The trimmed clip for ``text``: float32 mono at ``SAMPLE_RATE`` (empty for
        blank text)."""
        if not normalise(text):
            return np.zeros(0, dtype=np.float32)
        self.announce()
        if self.recorded and self.recorded.has(text):
            return self.recorded.clip(text)
        key = self.key(text)
        with self._lock:
            job = self._jobs.get(key)
            if job is not None and not job.claimed:
                self._queue.put((URGENT, next(self._seq), job))  # jump the queue
        if job is None:
            samples = self._load(key)
            if samples is not None:
                return samples
            job = self._submit(key, text, URGENT)
        job.future.result()  # raises the job's SpeechError
        stored = self.cache.load(key)  # just written; read back so no job holds audio
        for _ in range(3):  # cleared meanwhile by another process: make it again
            if stored is not None:
                break
            job = self._submit(key, text, URGENT)
            job.future.result()
            stored = self.cache.load(key)
        if stored is None:
            raise SpeechError(f"could not keep the clip for {_quote(text)} in {self.cache.root}")
        return _as_float(stored)

    def cached_length(self, text: str) -> int | None:
        """Length in samples if the clip is cached (reads only its header)."""
        if not normalise(text):
            return 0
        if self.recorded and self.recorded.has(text):
            return self.recorded.cached_length(text)
        return self.cache.read_length(self.key(text))

    def measure(self, text: str) -> int:
        """Length in samples, synthesizing the clip if needed."""
        n = self.cached_length(text)
        return n if n is not None else len(self.clip(text))

    def ensure(self, texts: Iterable[str], progress: Callable[[int], None] | None = None) -> None:
        """Synthesize every text not yet cached, on all workers; ``progress(n)`` is
        called with the number of texts done since the last call."""
        self.announce()
        jobs: list[_Job] = []
        ready = 0
        seen: set[str] = set()
        texts = self._note_missing(texts)
        for text in texts:
            if not normalise(text):
                continue
            if self.recorded and self.recorded.has(text):
                self.recorded.clip(text)  # prepared once, then cached
                ready += 1
                continue
            key = self.key(text)
            if key in seen:
                continue
            seen.add(key)
            with self._lock:
                job = self._jobs.get(key)
            if job is None and self._cached_ok(key):
                ready += 1
                continue
            jobs.append(job or self._submit(key, text, BACKGROUND))
        if progress and ready:
            progress(ready)
        for job in jobs:
            job.future.result()  # raises the job's SpeechError
            if progress:
                progress(1)

    def introduce(self, texts: Iterable[str]) -> None:
        """Say, once, who speaks and how many of ``texts`` a recorded voice has no take for."""
        self.announce()
        self._note_missing(texts)

    def prefetch(self, texts: Iterable[str]) -> None:
        """Start synthesizing the missing texts in the background, in this order, saying
        nothing (``introduce`` does, once playing is sure: ``guided play`` starts the
        speech before its device check)."""
        texts = list(texts)
        if self.recorded:
            self.recorded.prefetch(texts)
        for text in texts:
            if not normalise(text) or (self.recorded and self.recorded.has(text)):
                continue
            key = self.key(text)
            with self._lock:
                if key in self._jobs:
                    continue
            if self.cache.read_length(key) is None:
                self._submit(key, text, BACKGROUND)

    def key(self, text: str) -> str:
        if self.recorded and self.recorded.has(text):
            return self.recorded.key(text)
        return clip_key(self.engine_name, self._engine_version(), self._voice_key,
                        self.settings.rate, text)

    def close(self) -> None:
        if self.recorded:
            self.recorded.close()
        with self._lock:
            if self._closed:
                return
            self._closed = True
            threads = list(self._threads)
            busy = bool(self._jobs)
        self._first_done.set()  # no head start to wait for any more
        if busy:  # stopped early (Ctrl-C, an error): do not finish the queue
            for engine in self._engines:
                abort = getattr(engine, "abort", None)
                if callable(abort):
                    abort()
        for _ in threads:
            self._queue.put((URGENT - 1, next(self._seq), None))  # stop, ahead of pending work
        deadline = time.monotonic() + STOP_WAIT
        for t in threads:
            t.join(max(0.0, deadline - time.monotonic()) if busy else None)
        for i, engine in enumerate(self._engines):
            if i >= len(threads) or not threads[i].is_alive():  # a busy one uses it still
                engine.close()
        with self._lock:
            pending = list(self._jobs.values())
            self._jobs.clear()
        for job in pending:  # a worker left busy may settle one at the same moment
            _settle(job.future, SpeechError(_STOPPED))

    def __enter__(self) -> Speaker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -------------------------------------------------------------------
    def _note_missing(self, texts: Iterable[str]) -> list[str]:
        """The texts, after saying (once) how many a recorded voice has no take for."""
        texts = list(texts)
        if self.recorded:
            self.recorded.report_missing(texts)
        return texts

    def _engine_version(self) -> str:
        if self._version is None:
            with self._lock:
                if not self._engines:  # made now, started only when a clip is missing
                    self._engines.append(self._factory(cache_dir=self.cache.root))
                first = self._engines[0]
            # An engine that can name the model behind one voice (Piper) keys clips on
            # that alone, so installing another voice does not make every clip again.
            per_voice = getattr(first, "voice_version", None)
            self._version = (per_voice(self._engine_settings.voice, self.settings.language)
                             if callable(per_voice) else first.version())
        return self._version

    def _load(self, key: str) -> np.ndarray | None:
        try:
            samples = self.cache.load(key)
        except CorruptClip:
            self.cache.discard(key)
            with self._lock:
                self.stats.recovered += 1
            return None
        if samples is not None:
            with self._lock:
                self.stats.hits += 1
            return _as_float(samples)
        return None

    def _cached_ok(self, key: str) -> bool:
        """Whether a sound clip is cached (fully verified, so ``ensure`` repairs damage)."""
        if self.cache.read_length(key) is None:
            if self.cache.path(key).exists():
                self.cache.discard(key)
                with self._lock:
                    self.stats.recovered += 1
            return False
        try:
            self.cache.load(key)
        except CorruptClip:
            self.cache.discard(key)
            with self._lock:
                self.stats.recovered += 1
            return False
        return True

    def _submit(self, key: str, text: str, priority: int) -> _Job:
        with self._lock:
            if self._closed:
                raise SpeechError("the speaker is closed")
            job = self._jobs.get(key)
            if job is None:
                job = _Job(key, text)
                self._jobs[key] = job
                self._queue.put((priority, next(self._seq), job))
        self._start_workers()
        return job

    def _start_workers(self) -> None:
        with self._lock:
            if self._threads or self._closed:
                return
            while len(self._engines) < self._n_workers:
                self._engines.append(self._factory(cache_dir=self.cache.root))
            for i, engine in enumerate(self._engines):
                if i == 0:
                    with contextlib.suppress(Exception):  # a failed start shows up per job
                        _start(engine)  # warms up while we carry on
                t = threading.Thread(target=self._run, args=(engine, i), daemon=True,
                                     name=f"guided-speech-{i}")
                self._threads.append(t)
                t.start()

    def _run(self, engine: Engine, index: int) -> None:
        if index > 0:
            # Let the first worker have the CPU to itself until its first clip is out,
            # so live play starts sooner; then join in.
            self._first_done.wait(FIRST_CLIP_HEAD_START)
            with contextlib.suppress(Exception):  # a failed start shows up per job below
                if not self._closed:  # woken by a stop: nothing to warm up for
                    _start(engine)
        while True:
            _prio, _seq, job = self._queue.get()
            if job is None:
                return
            with self._lock:
                if job.claimed:
                    continue
                job.claimed = True
            try:
                samples = self._synthesize(engine, job.text)
                if self._closed:  # stopped meanwhile: the cache may be gone (a temporary one)
                    raise SpeechError(_STOPPED)
                self._store(job.key, samples)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits
                with self._lock:
                    self._jobs.pop(job.key, None)
                _settle(job.future, exc)
                continue
            with self._lock:
                self.stats.synthesized += 1
                self._jobs.pop(job.key, None)
            _settle(job.future, None)  # waiters read the clip from the cache
            self._first_done.set()

    def _store(self, key: str, samples: np.ndarray) -> None:
        try:
            self.cache.store(key, samples)
        except OSError as exc:
            raise GuidedError(
                f"cannot write to the audio cache {self.cache.root} ({exc.strerror or exc}); "
                "choose another folder with --cache-dir or GUIDED_CACHE_DIR"
            ) from exc

    def _synthesize(self, engine: Engine, text: str) -> np.ndarray:
        voice = self._voice_for(engine)
        pcm, sample_rate = engine.synthesize(normalise(text), voice, self.settings.rate)
        if pcm is None or len(pcm) == 0:
            raise SpeechError(f"the speech engine made no audio for {_quote(text)}")
        samples = clean(pcm, sample_rate)
        del pcm  # a long clip is not kept twice while it is made int16
        if len(samples) == 0:
            raise SpeechError(f"the speech engine made only silence for {_quote(text)}")
        return to_int16(samples)

    def _voice_for(self, engine: Engine) -> str | None:
        if not self._voice_resolved:
            pick = getattr(engine, "default_voice", None)
            voice = pick(self.settings.language) if callable(pick) else None
            with self._lock:
                if not self._voice_resolved:
                    self._voice_arg, self._voice_resolved = voice, True
        return self._voice_arg


def _settle(future: Future, exc: BaseException | None) -> None:
    """Give a job's outcome to whoever waits, unless a stop has already given it one
    (``close`` does not wait long for a worker busy in a step it cannot leave)."""
    with contextlib.suppress(InvalidStateError):
        if exc is None:
            future.set_result(None)
        else:
            future.set_exception(exc)


def _start(engine: Engine) -> None:
    start = getattr(engine, "start", None)  # engines in worker processes can warm up early
    if callable(start):
        start()


def _as_float(samples: np.ndarray) -> np.ndarray:
    return from_int16(samples)  # the one int16 rule (guided.pcm)


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _fallback(settings: SpeechSettings) -> SpeechSettings:
    """Who speaks a recorded voice's lines that have no take: the voice settled with it,
    else the best voice for its language."""
    if settings.fallback is not None or settings.engine != engines.RECORDED:
        return settings.fallback or settings
    return settle(VoiceChoice(), language=settings.language, rate=settings.rate)
