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

import atexit
import hashlib
import importlib.util
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guided.errors import SpeechError
from guided.speech.base import Voice
from guided.speech.chunking import pieces

if TYPE_CHECKING:  # numpy only where audio is made: listing voices (`guided check`) needs none
    import numpy as np

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
        import numpy as np

        value = float(np.interp(rate, wpms, speeds))
    low, high = SPEED_RANGE
    return round(min(high, max(low, value)), 3)


def voice_files(folder: Path | None = None) -> dict[str, tuple[Path, dict[str, Any]]]:
    """The hibari voices present on this computer: name -> (model file, registry entry).
    Never downloads: voices not on disk are left out. ``folder`` (default: the audio
    cache's ``hibari/``) keeps what was found, so that the next start need not import
    hibari to know it (``guided.speech.hibari_facts``)."""
    return _facts(folder)[1]


def _facts(folder: Path | None) -> tuple[str, dict[str, tuple[Path, dict[str, Any]]]]:
    """hibari's release and the voices on this computer: as kept in ``folder`` while
    they still hold, else from hibari itself (and then kept)."""
    from guided.speech import hibari_facts

    engines_own = folder is not None  # the engine's folder, which it fills anyway
    if folder is None:
        from guided.paths import cache_dir

        folder = cache_dir() / "hibari"
    known = hibari_facts.kept(folder)
    if known is not None:
        return known
    if not installed():
        return "", {}
    from hibari.voices import VOICES, voice_path
    from hibari.voices import cache_dir as voice_folder

    where = voice_folder()
    stamp = hibari_facts.folder_stamp(where)  # before looking: a voice added meanwhile is seen next time
    found = {}
    for name, info in VOICES.items():
        try:
            path = Path(voice_path(name, download_missing=False))
        except (FileNotFoundError, ValueError):
            continue
        if path.is_file():
            found[name] = (path, info)
    version = _hibari_version()
    hibari_facts.keep(folder, version, found, where, stamp, make=engines_own)
    return version, found


def missing_voices() -> list[str]:
    """hibari voices that could be added (not on disk yet)."""
    if not installed():
        return []
    from hibari.voices import VOICES

    present = voice_files()
    return [name for name in VOICES if name not in present]


def voice_list(folder: Path | None = None) -> list[Voice]:
    result = []
    for name, (_path, info) in voice_files(folder).items():
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


def _plain_session(tts: Any) -> Any:
    """The voice model's onnxruntime session when it takes the inputs ``_infer`` gives
    (hibari 0.2), else None: then hibari's own ``from_ids`` voices each sentence."""
    from guided.speech.hibari_model import session_as_expected

    session = getattr(tts, "sess", None)
    return session if session is not None and session_as_expected(session) else None


class _G2P:
    """hibari's phonemizer, loaded in a background thread (while the voice model loads
    beside it) and shared by every voice of one accent. Parsing its gzipped JSON tables
    takes 0.5 to 1 s on a busy machine, so the parsed tables are kept in the cache
    (``guided.speech.hibari_fast``) and read from there in a few milliseconds."""

    def __init__(self, british: bool, folder: Path | None):
        self._british, self._folder = british, folder
        self._ready = threading.Event()
        self._real: Any = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._load, daemon=True, name="guided-hibari-g2p").start()

    def _load(self) -> None:
        try:
            from guided.speech.hibari_fast import load_g2p

            self._real = load_g2p(self._british, self._folder)
        except BaseException as exc:  # noqa: BLE001 - raised where it is used
            self._error = exc
        finally:
            self._ready.set()

    def __call__(self, text: str) -> str:
        self._ready.wait()
        if self._error is not None:
            raise SpeechError(f"hibari's phonemizer could not start ({self._error})")
        with self._lock:  # pure Python with caches: one sentence at a time
            return self._real(text)


class _Model:
    """One voice, loaded once per process and shared by every speech thread: the
    onnxruntime session is thread-safe; the phonemizer loads beside it, in parallel."""

    def __init__(self, name: str, path: Path, british: bool, folder: Path | None):
        self.name, self.path, self._folder = name, path, folder
        self._lock = threading.Lock()
        self._g2p = _g2p(british, folder)
        self._tts: Any = None

    def tts(self) -> Any:
        with self._lock:
            if self._tts is None:
                from guided.speech.hibari_model import make_tts

                self._tts = make_tts(self.name, self.path, self._g2p, self._folder, threads=1)
            return self._tts

    def phonemize(self, text: str) -> list[str]:
        return list(self.tts().phonemize(text))


_MODELS: dict[tuple[str, Path | None], _Model] = {}
_G2PS: dict[tuple[bool, Path | None], _G2P] = {}
_MODELS_LOCK = threading.Lock()


_WARMING: list[threading.Thread] = []


def _finish_warming() -> None:
    """At exit (an error before the first clip, say): let a model still loading finish
    first. onnxruntime aborts the process ("terminate called ...") if the interpreter
    shuts down while one of its sessions is being made. Not when the process ends at
    once after a stop (``os._exit``): nothing is shut down then."""
    from guided.interrupts import leaving_at_once

    if leaving_at_once():
        return
    for thread in list(_WARMING):
        thread.join(10.0)


def _g2p(british: bool, folder: Path | None) -> _G2P:
    with _MODELS_LOCK:
        if (british, folder) not in _G2PS:
            _G2PS[british, folder] = _G2P(british, folder)
        return _G2PS[british, folder]


def _model(name: str, path: Path, info: dict[str, Any], folder: Path | None) -> _Model:
    with _MODELS_LOCK:
        found = _MODELS.get((name, folder))
    if found is None:  # made outside the lock: _Model takes it for its phonemizer
        made = _Model(name, path, bool(info.get("british")), folder)
        with _MODELS_LOCK:
            found = _MODELS.setdefault((name, folder), made)
    return found


class HibariEngine:
    """The hibari engine (``guided.speech.base.Engine``), in the program's own process."""

    name = ENGINE_NAME

    def __init__(self, folder: Path | None = None) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._running: set[Any] = set()  # the onnxruntime.RunOptions of the runs in progress
        self._folder = folder  # where hibari's tables and optimized model are kept

    def version(self) -> str:
        release = _facts(self._folder)[0] or _hibari_version()  # kept: hibari need not be imported
        return f"hibari-tts {release}; seeded; speed for 140 wpm {speed(140):g}"

    def voice_version(self, voice: str | None, language: str) -> str:
        name = voice or self.default_voice(language) or DEFAULT_VOICE
        path, info = self._files(name)
        return f"{self.version()}; {name}@{str(info.get('sha256', ''))[:12] or path.name}"

    def voices(self) -> list[Voice]:
        return voice_list()

    def default_voice(self, language: str) -> str | None:
        wanted = (language or "en").strip().lower().replace("_", "-")
        voices = voice_list(self._folder)
        exact = [v.id for v in voices if v.language == wanted]
        family = [v.id for v in voices if v.language.split("-")[0] == wanted.split("-")[0]]
        picks = exact or family
        if DEFAULT_VOICE in picks:
            return DEFAULT_VOICE
        return picks[0] if picks else None

    def start(self) -> None:
        """Load the default voice and its phonemizer now, in the background."""
        thread = threading.Thread(target=self._warm, daemon=True, name="guided-hibari-warm")
        with _MODELS_LOCK:
            if not _WARMING:
                atexit.register(_finish_warming)
            _WARMING.append(thread)
        thread.start()

    def _warm(self) -> None:
        try:
            path, info = self._files(DEFAULT_VOICE)
            _model(DEFAULT_VOICE, path, info, self._folder).tts()
        except Exception:  # noqa: BLE001 - a real failure shows up when a clip is made
            pass

    def synthesize(self, text: str, voice: str | None, rate: int) -> tuple[np.ndarray, int]:
        import numpy as np

        name = voice or DEFAULT_VOICE
        path, info = self._files(name)
        model = _model(name, path, info, self._folder)
        try:
            tts = model.tts()
            # Bounded pieces (guided.speech.chunking): hibari cuts only at sentence and
            # clause ends, so one run-on sentence would be one run whose memory grows
            # with its length (2.2 GB at 5,000 characters). Pieces are joined as hibari
            # joins its own sentences, with nothing between them.
            runs = [tts.ids(phonemes) for piece in pieces(text)
                    for phonemes in model.phonemize(piece)]
            parts = self._voice_in_order(tts, runs, speed(rate), clip_seed(name, rate, text))
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
        import numpy as np

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

    def _infer(self, session: Any, ids: list[int], speed: float) -> list[np.ndarray]:
        """One model run, which ``abort`` can end between its steps (hibari's own call
        takes no run options): the six outputs the waveform step takes."""
        import numpy as np
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
        files = voice_files(self._folder)
        if name not in files:
            raise SpeechError(f"the hibari voice {name!r} is not on this computer; "
                              f"{how_to_add(name)}")
        return files[name]


def preload(engine: str, voices: tuple[str | None, ...], cache_dir: Path) -> None:
    """Start loading hibari's default voice and phonemizer in the background now, when
    it is the voice most likely to speak (``engine`` auto or hibari, no other voice
    named), so that it is ready, or nearly, when the first clip is wanted. The
    ``Speaker`` made later for ``cache_dir`` finds it loaded (or loading): nothing is
    loaded twice. Wasted only when the script turns out to choose another voice."""
    if engine not in ("auto", ENGINE_NAME) or any(v not in (None, DEFAULT_VOICE) for v in voices):
        return
    if not installed():
        return
    HibariEngine(Path(cache_dir) / "hibari").start()  # where the Speaker's engine keeps it


def how_to_add(name: str = "emma") -> str:
    """How a user adds a hibari voice (guided never downloads it)."""
    from hibari.voices import cache_dir

    folder = cache_dir()  # hibari's own folder (HIBARI_HOME, else the user cache)
    return (f"add one by running `hibari \"Hello\" --voice {name}` once while online "
            f"(hibari keeps its voices in {folder})")


def create(cache_dir: Path) -> HibariEngine:
    """The engine as ``guided.speech.engines`` makes it: hibari keeps its parsed
    phonemizer tables and optimized model in the cache folder's ``hibari/``
    (``guided.speech.hibari_fast``)."""
    return HibariEngine(Path(cache_dir) / "hibari")
