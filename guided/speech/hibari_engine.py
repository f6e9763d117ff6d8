"""hibari: the default natural voice (PyPI ``hibari-tts``, Apache-2.0).

hibari is a small English text-to-speech model (about 8 MB, distilled from
Kokoro-82M) with its lexicon and a pure-Python phonemizer inside the wheel; it needs
only numpy and onnxruntime and speaks at 24 kHz, the session's sample rate.

Voices: ``heart`` (American English, female) ships in the package. hibari knows
other voices (fenrir, emma, fable, kore) that it would download on first use; guided
never reaches the network, so it lists and uses one of those only when its file is
already in hibari's voice folder (``HIBARI_HOME``, else the user cache's ``hibari/``;
``hibari "Hello" --voice emma`` run once by the user puts it there). Models are
always opened through ``voice_path(..., download_missing=False)`` and handed to
``Hibari(model=...)``, so no code path here can start a download.

Every clip is seeded from its voice, rate and text, so the same text always gives
the same samples.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import threading
import types
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np

from guided.errors import SpeechError
from guided.speech.base import Voice
from guided.speech.chunking import pieces
from guided.speech.hibari_shared import model, pool, warm_in_background

ENGINE_NAME = "hibari"
DEFAULT_VOICE = "heart"
HIBARI_RATE = 24000

# Calibration (bench/voice_bench.py reports the rate heard at 140): words per minute from the
# heart voice at each of hibari's speeds, over 40 `say` texts of the built-in
# library (684 words), each clip timed from its first to its last voiced sample, as
# for espeak-ng and Piper. hibari's pace is not proportional to its speed (durations
# are whole frames), so the speed for a rate is read off this table, linearly between
# points: `rate: 140` is speed 0.70.
SPEED_TO_WPM = (
    (0.45, 93.6), (0.55, 105.2), (0.65, 125.6), (0.70, 140.6), (0.75, 145.6), (0.80, 160.7),
    (0.85, 180.8), (0.90, 192.1), (1.00, 200.9), (1.10, 207.8), (1.30, 233.4), (1.60, 328.2),
    (2.00, 367.3),
)
SPEED_RANGE = (0.4, 2.0)


class _LoadedOnFirstUse(types.ModuleType):
    """``urllib.request`` before anything has used it: the first name read from it, set
    or deleted on it runs the real module's code in this very module object, which
    from then on is the plain module (as ``importlib.util.LazyLoader`` does, but
    without loading when the import system merely looks at it)."""

    def __getattr__(self, name: str) -> Any:  # only for names it lacks
        _load_into(self)
        return getattr(self, name)

    def __setattr__(self, name: str, value: Any) -> None:
        _load_into(self)
        setattr(self, name, value)

    def __delattr__(self, name: str) -> None:
        _load_into(self)
        delattr(self, name)


_URLLIB_LOCK = threading.Lock()


def _load_into(module: types.ModuleType) -> None:
    import urllib

    with _URLLIB_LOCK:
        if type(module) is not _LoadedOnFirstUse:
            return  # loaded meanwhile by another thread
        object.__setattr__(module, "__class__", types.ModuleType)
        try:
            module.__spec__.loader.exec_module(module)  # type: ignore[union-attr]
        except BaseException:  # never left half made: the next import starts afresh
            if sys.modules.get("urllib.request") is module:
                del sys.modules["urllib.request"]
                del urllib.request  # type: ignore[attr-defined]
            raise


def _defer_urllib_request() -> None:
    """hibari's voice registry imports ``urllib.request`` for the downloads guided never
    makes; importing it (with http.client, email and ssl) is about 30 ms of a cold
    start. Until something really uses it, ``urllib.request`` is a module that loads
    itself on first use (``_LoadedOnFirstUse``), so nothing changes for any other user
    of it."""
    if "urllib.request" in sys.modules:
        return
    import importlib.machinery
    import urllib

    spec = importlib.machinery.PathFinder.find_spec("urllib.request", urllib.__path__)
    if spec is None or spec.loader is None:
        return  # not where Python keeps it: leave it to the import system
    module = _LoadedOnFirstUse("urllib.request")
    module.__dict__.update(__spec__=spec, __loader__=spec.loader, __file__=spec.origin,
                           __cached__=spec.cached, __package__="urllib")
    sys.modules["urllib.request"] = module
    urllib.request = module  # type: ignore[attr-defined]  # as an import would set it


_defer_urllib_request()


def installed() -> bool:
    try:
        return importlib.util.find_spec("hibari") is not None
    except (ImportError, ValueError):
        return False


def available() -> bool:
    return installed()


def speed(rate: int) -> float:
    """hibari's ``speed`` for a speaking rate in words per minute."""
    speeds = [s for s, _ in SPEED_TO_WPM]
    wpms = [w for _, w in SPEED_TO_WPM]
    if rate < wpms[0]:  # slower than measured: extend the first segment
        slope = (speeds[1] - speeds[0]) / (wpms[1] - wpms[0])
        value = speeds[0] - (wpms[0] - rate) * slope
    else:
        value = float(np.interp(rate, wpms, speeds))
    low, high = SPEED_RANGE
    return round(min(high, max(low, value)), 3)


def voice_files() -> dict[str, tuple[Path, dict[str, Any]]]:
    """The hibari voices present on this computer: name -> (model file, registry entry).
    Never downloads: voices not on disk are left out."""
    if not installed():
        return {}
    from hibari.voices import VOICES, voice_path

    found = {}
    for name, info in VOICES.items():
        try:
            path = Path(voice_path(name, download_missing=False))
        except (FileNotFoundError, ValueError):
            continue
        if path.is_file():
            found[name] = (path, info)
    return found


def missing_voices() -> list[str]:
    """hibari voices that could be added (not on disk yet)."""
    if not installed():
        return []
    from hibari.voices import VOICES

    present = voice_files()
    return [name for name in VOICES if name not in present]


def voice_list() -> list[Voice]:
    result = []
    for name, (_path, info) in voice_files().items():
        language = str(info.get("language", "")).lower()
        label = f"{name} ({info.get('accent', '')} English, hibari)".replace(" ,", ",")
        result.append(Voice(id=name, name=label, language=language,
                            gender=str(info.get("gender", "")), engine=ENGINE_NAME))
    return result


def clip_seed(voice: str, rate: int, text: str) -> int:
    """The noise seed of one clip: from what the clip key is made of."""
    digest = hashlib.sha256(f"{voice}\x1f{rate}\x1f{text}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def _hibari_version() -> str:
    from guided.speech.hibari_fast import hibari_version

    return hibari_version()


AHEAD = 4  # sentences of one clip in hand at once (model outputs are ~1 MB a second)
def _plain_session(tts: Any) -> Any:
    """The voice model's onnxruntime session when it takes the inputs ``_infer`` gives
    (hibari 0.2), else None: then hibari's own ``from_ids`` voices each sentence."""
    from guided.speech.hibari_model import session_as_expected

    session = getattr(tts, "sess", None)
    return session if session is not None and session_as_expected(session) else None


class _NotAsExpected(Exception):
    """hibari's waveform step did not draw its noise as this release does."""


def _noise_shape(outputs: list[np.ndarray]) -> tuple[int, int]:
    try:
        bins, frames = outputs[0].shape  # hibari 0.2: complex noise, one value per bin and frame
    except (IndexError, ValueError, AttributeError):
        raise _NotAsExpected() from None
    return bins, 2 * frames


def _waveform(outputs: list[np.ndarray], noise: _Noise) -> np.ndarray:
    from hibari import dsp

    return dsp.synth(*outputs, noise)


class _Noise:
    """The one draw ``hibari.dsp.synth`` makes from its generator, made beforehand in the
    clip's order (``HibariEngine._voice_in_parallel``); anything else it asks for means
    another hibari, and the clip is made one sentence after another instead."""

    def __init__(self, samples: np.ndarray):
        self._samples = samples
        self.used = False

    def standard_normal(self, size: Any = None, dtype: Any = np.float64) -> np.ndarray:
        if self.used or dtype is not np.float32 or tuple(np.atleast_1d(size)) != self._samples.shape:
            raise _NotAsExpected()
        self.used = True
        return self._samples

    def __getattr__(self, name: str) -> Any:
        raise _NotAsExpected()


class HibariEngine:
    """The hibari engine (``guided.speech.base.Engine``), in the program's own process."""

    name = ENGINE_NAME

    def __init__(self, folder: Path | None = None) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._running: set[Any] = set()  # the onnxruntime.RunOptions of the runs in progress
        self._folder = folder  # where hibari's tables and optimized model are kept

    def version(self) -> str:
        return f"hibari-tts {_hibari_version()}; seeded; speed for 140 wpm {speed(140):g}"

    def voice_version(self, voice: str | None, language: str) -> str:
        name = voice or self.default_voice(language) or DEFAULT_VOICE
        path, info = self._files(name)
        return f"{self.version()}; {name}@{str(info.get('sha256', ''))[:12] or path.name}"

    def voices(self) -> list[Voice]:
        return voice_list()

    def default_voice(self, language: str) -> str | None:
        wanted = (language or "en").strip().lower().replace("_", "-")
        voices = voice_list()
        exact = [v.id for v in voices if v.language == wanted]
        family = [v.id for v in voices if v.language.split("-")[0] == wanted.split("-")[0]]
        picks = exact or family
        if DEFAULT_VOICE in picks:
            return DEFAULT_VOICE
        return picks[0] if picks else None

    def start(self) -> None:
        """Load the default voice and its phonemizer now, in the background."""
        warm_in_background(self._warm)

    def _warm(self) -> None:
        try:
            path, info = self._files(DEFAULT_VOICE)
            model(DEFAULT_VOICE, path, info, self._folder).tts()
        except Exception:  # noqa: BLE001 - a real failure shows up when a clip is made
            pass

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        name = voice or DEFAULT_VOICE
        path, info = self._files(name)
        voice_model = model(name, path, info, self._folder)
        try:
            tts = voice_model.tts()
            # Bounded pieces (guided.speech.chunking): hibari cuts only at sentence and
            # clause ends, so one run-on sentence would be one run whose memory grows
            # with its length (2.2 GB at 5,000 characters). Pieces are joined as hibari
            # joins its own sentences, with nothing between them.
            runs = [tts.ids(phonemes) for piece in pieces(text)
                    for phonemes in voice_model.phonemize(piece)]
            seed = clip_seed(name, rate, text)
            try:
                parts = self._voice_in_parallel(tts, runs, speed(rate), seed)
            except _NotAsExpected:  # another hibari: one sentence after another
                parts = self._voice_in_order(tts, runs, speed(rate), seed)
        except SpeechError:
            raise
        except Exception as exc:  # noqa: BLE001 - onnxruntime / phonemizer errors
            if self._stop.is_set():
                raise SpeechError("speech was stopped") from None
            raise SpeechError(f"hibari could not speak {text[:40]!r}: {exc}") from exc
        parts = [part for part in parts if len(part)]
        if not parts:
            raise SpeechError(f"hibari found nothing to say in {text[:40]!r}")
        return np.concatenate(parts).astype(np.float32, copy=False), HIBARI_RATE

    def _voice_in_order(self, tts: Any, runs: list[list[int]], speed: float,
                        seed: int) -> list[np.ndarray]:
        """hibari's own way: each sentence's model run, then its waveform, drawing the
        noise from one generator in turn (``Hibari.stream``)."""
        rng = np.random.default_rng(seed)
        session = _plain_session(tts)
        parts = []
        for ids in runs:
            if session is None or len(ids) < 3:  # its own call (nothing to say: no noise drawn)
                if self._stop.is_set():
                    raise SpeechError("speech was stopped")
                parts.append(tts.from_ids(ids, speed, rng))
                continue
            from hibari import dsp

            parts.append(dsp.synth(*self._infer(session, ids, speed), rng))
        return parts

    def _voice_in_parallel(self, tts: Any, runs: list[list[int]], speed: float,
                           seed: int) -> list[np.ndarray]:
        """The same samples as ``_voice_in_order``, with the sentences of a clip made side
        by side on the cores (a cold ``guided play`` waits for its first clip; issue 13).
        The model runs are independent; the waveform step draws its noise once from
        the clip's generator, so the draws are made beforehand, in order, and each
        sentence's waveform is then finished on its own. At most ``AHEAD`` sentences
        are in hand at once, so memory stays bounded whatever the length."""
        session = _plain_session(tts)
        if session is None:
            raise _NotAsExpected()
        rng = np.random.default_rng(seed)
        workers = pool()
        runs = [ids for ids in runs if len(ids) >= 3]  # as hibari: too short is silence, no draw
        parts: list[np.ndarray] = []
        window: list[Future] = []
        try:
            for start in range(0, len(runs), AHEAD):
                window = [workers.submit(self._infer, session, ids, speed)
                          for ids in runs[start:start + AHEAD]]
                finishing = []
                for made in window:
                    outputs = made.result()
                    noise = _Noise(rng.standard_normal(_noise_shape(outputs), dtype=np.float32))
                    finishing.append((workers.submit(_waveform, outputs, noise), noise))
                window = [job for job, _ in finishing]
                for job, noise in finishing:
                    parts.append(job.result())
                    if not noise.used:
                        raise _NotAsExpected()
        finally:
            for job in window:
                job.cancel()
        return parts

    def _infer(self, session: Any, ids: list[int], speed: float) -> list[np.ndarray]:
        """One model run, which ``abort`` can end between its steps (hibari's own call
        takes no run options): the six outputs the waveform step takes."""
        import onnxruntime

        options = onnxruntime.RunOptions()
        with self._lock:
            if self._stop.is_set():
                raise SpeechError("speech was stopped")
            self._running.add(options)
        try:
            out = session.run(None, {"ids": np.asarray([ids], np.int64),
                                     "speed": np.asarray([speed], np.float32)}, options)
        finally:
            with self._lock:
                self._running.discard(options)
        return [o[0] for o in out]

    def close(self) -> None:
        """Nothing to release: the loaded model stays warm for the rest of the process."""

    def abort(self) -> None:
        """Stop at once (from any thread): the model run in progress ends at its next step."""
        with self._lock:
            self._stop.set()
            for options in self._running:
                options.terminate = True

    def _files(self, name: str) -> tuple[Path, dict[str, Any]]:
        if not installed():
            raise SpeechError("hibari is not installed; reinstall guided (pip install guided)")
        files = voice_files()
        if name not in files:
            raise SpeechError(f"the hibari voice {name!r} is not on this computer; "
                              f"{how_to_add(name)}")
        return files[name]


def preload(engine: str, voices: tuple[str | None, ...], cache_dir: str | Path | None) -> None:
    """Start loading hibari's default voice and phonemizer in the background now, when
    it is the voice most likely to speak (``engine`` auto or hibari, no other voice
    named), so that it is ready, or nearly, when the first clip is wanted. The
    ``Speaker`` made later for ``cache_dir`` finds it loaded (or loading): nothing is
    loaded twice. Wasted only when the script turns out to choose another voice."""
    if engine not in ("auto", ENGINE_NAME) or any(v not in (None, DEFAULT_VOICE) for v in voices):
        return
    if not installed():
        return
    from guided.paths import cache_dir as default_cache_dir

    root = Path(cache_dir) if cache_dir else default_cache_dir()  # as the Speaker does
    HibariEngine(root / "hibari").start()


def how_to_add(name: str = "emma") -> str:
    """How a user adds a hibari voice (guided never downloads it)."""
    from hibari.voices import cache_dir

    folder = cache_dir()  # hibari's own folder (HIBARI_HOME, else the user cache)
    return (f"add one by running `hibari \"Hello\" --voice {name}` once while online "
            f"(hibari keeps its voices in {folder})")


def create(cache_dir: Path | None = None) -> HibariEngine:
    """The engine as ``guided.speech.engines`` makes it: hibari keeps its parsed
    phonemizer tables and optimized model in the cache folder's ``hibari/``
    (``guided.speech.hibari_fast``)."""
    from guided.paths import cache_dir as default_cache_dir

    return HibariEngine((Path(cache_dir) if cache_dir else default_cache_dir()) / "hibari")
