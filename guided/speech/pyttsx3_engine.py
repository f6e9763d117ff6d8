"""The default engine: pyttsx3 (espeak-ng on Linux, the platform voices on macOS
and Windows).

pyttsx3 can hang or fail silently after many utterances, so it never runs in the
program's own process: ``create(cache_dir)`` returns a ``WorkerEngine`` hosting
``Pyttsx3Backend`` in a worker process (see ``guided.speech.worker``). The backend
imports nothing heavy, so a worker is ready in well under 0.1 s.

On Linux the backend drives espeak-ng through pyttsx3's own espeak binding in
synchronous mode rather than through pyttsx3's event loop. The loop sleeps 10 ms per
utterance, joins audio chunks quadratically (a 5,000-character ``say`` ran at about
50x real time instead of 750x) and, measured here, loses about one utterance in 300.
Same library, same voices and the same output samples, without those costs. Set
``GUIDED_PYTTSX3_LOOP=1`` to use pyttsx3's loop anyway (macOS and Windows always do).
"""

from __future__ import annotations

import ctypes
import os
import platform
import shutil
import tempfile
from pathlib import Path
from typing import Any

from guided.errors import SpeechError
from guided.runtime import current
from guided.speech.worker import WorkerEngine

NAME = "pyttsx3"
BACKEND = "guided.speech.pyttsx3_engine:Pyttsx3Backend"


def create(cache_dir: Path) -> WorkerEngine:
    """The engine as the rest of the program uses it: pyttsx3 in a worker process
    (it keeps nothing in the cache folder)."""
    return WorkerEngine(NAME, BACKEND, version=engine_version)


# espeak-ng's rate setting is not the rate you hear: asked for 140 words per minute it
# speaks the built-in library at about 167 (measured on trimmed clips of 60 library
# lines; 120 gives 142). Scaling by this factor makes `rate: 140` sound like 140.
ESPEAK_RATE_FACTOR = 0.85


def espeak_rate(rate: int) -> int:
    """The espeak-ng rate setting that sounds like ``rate`` words per minute."""
    return max(80, round(rate * ESPEAK_RATE_FACTOR))


def engine_version() -> str:
    """pyttsx3's version plus the platform speech library's (espeak-ng's on Linux) and
    the rate calibration; part of every cache key, so changing any makes clips anew."""
    backend = _backend_version()
    if backend.startswith("espeak-ng"):
        backend += f" (rate x{ESPEAK_RATE_FACTOR})"
    return f"pyttsx3 {_pyttsx3_version()}; {backend}"


def _pyttsx3_version() -> str:
    # The dist-info folder beside the package names the version; reading it directly
    # keeps importlib.metadata (about 20 ms) off the path to the first spoken line.
    import importlib.util

    spec = importlib.util.find_spec("pyttsx3")
    if spec and spec.origin:
        for info in Path(spec.origin).parent.parent.glob("pyttsx3-*.dist-info"):
            return info.name[len("pyttsx3-"):-len(".dist-info")]
    from importlib import metadata

    try:
        return metadata.version("pyttsx3")
    except metadata.PackageNotFoundError:
        return "unknown"


def _backend_version() -> str:
    system = platform.system()
    if system in ("Darwin", "Windows"):
        return f"{system} {platform.release()}"
    try:
        from guided.speech.espeak_lib import data_path

        data_path()  # the system's libespeak-ng, else the espeak extra's
        from pyttsx3.drivers import _espeak  # loads libespeak-ng; espeak_Info needs no init

        info = _espeak.Info(None)
        return f"espeak-ng {info.decode() if isinstance(info, bytes) else info}"
    except Exception:  # noqa: BLE001 - no espeak-ng: synthesis will say so clearly
        return "espeak-ng unknown"


class Pyttsx3Backend:
    """pyttsx3 in the current process (one per process: pyttsx3 keeps global state).
    Speaks the worker's plain-data protocol."""

    def __init__(self) -> None:
        self._espeak: _EspeakSynth | None = None
        self._engine: Any = None  # a pyttsx3 engine, where its own loop is used
        try:
            if platform.system() == "Linux" and not current().pyttsx3_loop:  # GUIDED_PYTTSX3_LOOP
                self._espeak = _EspeakSynth()
            else:
                import pyttsx3

                self._engine = pyttsx3.init()
        except Exception as exc:  # noqa: BLE001 - missing espeak-ng and friends
            raise SpeechError(
                f"could not start pyttsx3 ({exc}); on Debian or Ubuntu, install espeak-ng, "
                "or add guided's espeak extra: pip install 'guided[espeak]'"
            ) from exc
        self._voices: list[dict[str, str]] | None = None
        self._resolved: dict[str, str] = {}
        self._tmp: Path | None = None  # made only if pyttsx3's own loop is used (not espeak-ng)

    def version(self) -> str:
        return engine_version()

    def voices(self) -> list[dict[str, str]]:
        if self._voices is None:
            if self._espeak is not None:
                from pyttsx3.drivers.espeak import EspeakDriver  # its voice listing is static

                found = EspeakDriver.getProperty("voices")
            else:
                found = self._engine.getProperty("voices")
            self._voices = [_voice_dict(v) for v in found]
        return self._voices

    def default_voice(self, language: str) -> str | None:
        """The voice for ``language`` (``en``, ``de``, ``pt-br`` ...), or None for
        the engine's own default."""
        return match_language(self.voices(), language)

    def resolve_voice(self, voice: str) -> str:
        """A voice id for an id, a name or a language code (case does not matter)."""
        if voice not in self._resolved:
            wanted = voice.strip().lower()
            found = next((v["id"] for v in self.voices()
                          if wanted in (v["id"].lower(), v["name"].lower())), None)
            found = found or match_language(self.voices(), wanted)
            if not found:
                raise SpeechError(
                    f"there is no voice {voice!r}; `guided voices` lists the voices you can use"
                )
            self._resolved[voice] = found
        return self._resolved[voice]

    def synthesize_pcm16(self, text: str, voice: str | None, rate: int) -> tuple[bytes, int]:
        voice_id = self.resolve_voice(voice) if voice else None
        if self._espeak is not None:
            frames = self._espeak.speak(text, voice_id, espeak_rate(rate))
            if not frames:
                raise RuntimeError("espeak-ng produced no audio")
            return frames, self._espeak.sample_rate
        if voice_id:
            self._engine.setProperty("voice", voice_id)
        on_espeak = platform.system() not in ("Darwin", "Windows")
        self._engine.setProperty("rate", espeak_rate(rate) if on_espeak else int(rate))
        frames, rate_hz = self._speak_to_wav(text)
        if not frames:  # pyttsx3 now and then loses an utterance: try once more here
            frames, rate_hz = self._speak_to_wav(text)
        if not frames:  # the worker is restarted and the text tried again
            raise RuntimeError("pyttsx3 produced no audio")
        return frames, rate_hz

    def _speak_to_wav(self, text: str) -> tuple[bytes, int]:
        if self._tmp is None:
            self._tmp = Path(tempfile.mkdtemp(prefix="guided-speech-"))
        path = self._tmp / "clip.wav"
        path.unlink(missing_ok=True)
        self._engine.save_to_file(text, str(path))
        self._engine.runAndWait()
        if not path.is_file():
            return b"", 0
        import soundfile as sf

        with sf.SoundFile(str(path)) as f:
            rate_hz, subtype, channels = f.samplerate, f.subtype, f.channels
            frames = f.read(dtype="int16").astype("<i2", copy=False).tobytes()
        path.unlink(missing_ok=True)
        if subtype != "PCM_16" or channels != 1:
            raise RuntimeError(f"unexpected WAV from pyttsx3 ({channels} ch, {subtype})")
        return frames, rate_hz

    def close(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None


class _EspeakSynth:
    """espeak-ng through pyttsx3's binding, synchronously: ``speak`` returns when the
    whole utterance has been delivered to the callback."""

    BUFFER_MS = 500

    def __init__(self) -> None:
        from guided.speech.espeak_lib import data_path

        path = data_path()  # the system's libespeak-ng, else the espeak extra's (and its data)
        from pyttsx3.drivers import _espeak

        self._lib = _espeak
        self.sample_rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, self.BUFFER_MS, path)
        if self.sample_rate <= 0:
            raise RuntimeError("could not initialise espeak-ng")
        current = _espeak.GetCurrentVoice()
        self._default = (current.contents.identifier.decode() if current and
                         current.contents.identifier else "en").encode()
        self._chunks: list[bytes] = []
        _espeak.SetSynthCallback(self._on_audio)

    def _on_audio(self, wav: Any, numsamples: int, _events: Any) -> int:
        if numsamples > 0:
            self._chunks.append(ctypes.string_at(wav, numsamples * 2))
        return 0  # 0 = carry on

    def speak(self, text: str, voice: str | None, rate: int) -> bytes:
        """The utterance as int16 PCM. espeak-ng keeps state from one utterance to
        the next (its pitch flutter runs on), so the same text sounded slightly
        different after different texts. Each utterance is therefore made in a
        forked copy of this process, which starts from the same state every time:
        the same text always gives the same samples (a fork costs about 1 ms)."""
        if not hasattr(os, "fork"):
            return self._speak_here(text, voice, rate)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: speak, send the samples, leave at once
            code = 0
            try:
                os.close(read_fd)
                try:
                    audio, header = self._speak_here(text, voice, rate), b"K"
                except SpeechError as exc:
                    audio, header = str(exc).encode(), b"V"
                except Exception as exc:  # noqa: BLE001 - reported to the parent
                    audio, header = f"{type(exc).__name__}: {exc}".encode(), b"E"
                with os.fdopen(write_fd, "wb") as out:
                    out.write(header + audio)
            except BaseException:  # noqa: BLE001 - never return into the parent's code
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        with os.fdopen(read_fd, "rb") as result:
            data = result.read()
        _, status = os.waitpid(pid, 0)
        if not data or status != 0:
            raise RuntimeError("the espeak-ng helper process failed")
        kind, payload = data[:1], data[1:]
        if kind == b"V":
            raise SpeechError(payload.decode("utf-8", "replace"))
        if kind == b"E":
            raise RuntimeError(payload.decode("utf-8", "replace"))
        return payload

    def _speak_here(self, text: str, voice: str | None, rate: int) -> bytes:
        lib = self._lib
        if lib.SetVoiceByName(voice.encode() if voice else self._default) != lib.EE_OK:
            raise SpeechError(f"espeak-ng could not load the voice {voice!r}")
        lib.SetParameter(lib.RATE, rate, 0)
        self._chunks = []
        status = lib.Synth(text, flags=lib.ENDPAUSE | lib.CHARS_UTF8)
        if status != lib.EE_OK:
            raise RuntimeError(f"espeak-ng refused the text (status {status})")
        audio, self._chunks = b"".join(self._chunks), []
        return audio


def match_language(voices: list[dict[str, str]], language: str) -> str | None:
    """The best voice for a language code: an exact id or language match, else the
    first voice of that language family (``en`` -> ``en-gb``)."""
    lang = language.strip().lower().replace("_", "-")
    if not lang:
        return None
    for v in voices:
        if v["id"].lower().rsplit("/", 1)[-1] == lang or v["language"].lower() == lang:
            return v["id"]
    for v in voices:
        if v["language"].lower().startswith(lang + "-"):
            return v["id"]
    return None


def _voice_dict(v: Any) -> dict[str, str]:
    languages = [_text(x) for x in (getattr(v, "languages", None) or [])]
    return {"id": str(v.id), "name": str(v.name or v.id),
            "language": languages[0] if languages else "",
            "gender": str(getattr(v, "gender", "") or "").lower(), "engine": NAME}


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace").lstrip("\x05")
    return str(value)
