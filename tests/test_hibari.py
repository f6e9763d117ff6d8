"""The hibari engine, for real: 24 kHz natural speech, seeded clips, the rate in words
per minute, and voices that are used only when already on disk (guided never makes
hibari download one)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from guided.errors import GuidedError, SpeechError
from guided.speech import hibari_engine
from guided.speech.choice import VoiceChoice, settle
from guided.speech.hibari_engine import HibariEngine, voice_files

PHRASE = "Let your shoulders soften."
SENTENCES = [
    "Feel your feet on the floor, and the support of the chair beneath you.",
    "There is nothing you need to fix right now. You are here, and this moment is safe enough.",
    "Let your attention rest on the breath, noticing where it is easiest to feel.",
    "Gently acknowledge whatever sensation is present, without trying to change it.",
]


@pytest.fixture(autouse=True)
def own_hibari_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty hibari voice folder, and a network that fails loudly if touched."""
    home = tmp_path / "hibari-home"
    home.mkdir()
    monkeypatch.setenv("HIBARI_HOME", str(home))
    import urllib.request

    import hibari.voices

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("guided must never make hibari download anything")

    monkeypatch.setattr(hibari.voices, "download", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    return home


def _voiced_seconds(pcm: np.ndarray, rate: int) -> float:
    loud = np.flatnonzero(np.abs(pcm) > 0.02)
    return (loud[-1] - loud[0]) / rate


@pytest.mark.speech
def test_hibari_speaks_at_24_khz_and_the_same_text_gives_the_same_samples() -> None:
    first, second = HibariEngine(), HibariEngine()
    a, rate = first.synthesize(PHRASE, None, 140)
    assert rate == 24000 and a.dtype == np.float32
    assert 0.8 < _voiced_seconds(a, rate) < 4 and np.sqrt(np.mean(a ** 2)) > 0.02
    second.synthesize(SENTENCES[1], None, 140)  # something else first
    b, _ = second.synthesize(PHRASE, None, 140)
    assert np.array_equal(a, b)
    assert "hibari-tts 0." in first.version()


@pytest.mark.speech
def test_rate_is_words_per_minute() -> None:
    engine = HibariEngine()
    words = sum(len(s.split()) for s in SENTENCES)
    measured = {}
    for rate in (110, 140, 180):
        seconds = sum(_voiced_seconds(*engine.synthesize(s, None, rate)) for s in SENTENCES)
        measured[rate] = words / seconds * 60
    for rate, wpm in measured.items():
        assert rate * 0.8 < wpm < rate * 1.2, measured
    assert measured[110] < measured[140] < measured[180]


def test_only_the_voice_in_the_wheel_is_listed_until_another_is_on_disk(
        guided, own_hibari_home: Path, tmp_path: Path) -> None:
    assert set(voice_files()) == {"heart"}
    assert "emma" in hibari_engine.missing_voices()
    with pytest.raises(GuidedError, match="'emma' is not on this computer yet; add one by running"):
        settle(VoiceChoice(voice="emma"))
    with pytest.raises(SpeechError, match="add one by running"):
        HibariEngine().synthesize(PHRASE, "emma", 140)
    assert list(own_hibari_home.iterdir()) == []  # nothing was fetched
    listed = guided("voices", "--engine", "hibari", env={"HIBARI_HOME": str(own_hibari_home)})
    assert listed.returncode == 0 and "heart" in listed.stdout
    assert "emma" in listed.stdout and 'hibari "Hello" --voice emma' in listed.stdout
    said = guided("say", PHRASE, "--voice", "emma", "-o", str(tmp_path / "x.wav"),
                  env={"HIBARI_HOME": str(own_hibari_home)})
    assert said.returncode == 1 and len(said.stderr.strip().splitlines()) == 1
    assert list(own_hibari_home.iterdir()) == []
    # A voice the user added (here the same model under emma's file name) is used.
    import hibari.voices

    heart = Path(hibari.voices.voice_path("heart", download_missing=False))
    shutil.copy(heart, own_hibari_home / hibari.voices.VOICES["emma"]["file"])
    assert set(voice_files()) == {"heart", "emma"}
    chosen = settle(VoiceChoice(voice="emma"), language="en-gb")
    assert (chosen.engine, chosen.voice) == ("hibari", "emma")
    pcm, _ = HibariEngine().synthesize(PHRASE, "emma", 140)  # British phonemizer
    assert len(pcm) > 0


def test_no_code_path_can_download() -> None:
    """Every model is found with download_missing=False and opened from that file
    (guided.speech.hibari_model makes the session itself, and when it calls hibari's own
    constructor it always hands it the model file)."""
    from guided.speech import hibari_fast, hibari_model

    source = Path(hibari_engine.__file__).read_text()
    assert "download_missing=False" in source
    assert "voice_path(name)" not in source and "make_tts(self.name, self.path," in source
    fast = Path(hibari_fast.__file__).read_text() + Path(hibari_model.__file__).read_text()
    assert "voice_path" not in fast
    assert fast.count("Hibari(") == fast.count("Hibari(voice=name, model=str(model),") == 2
    assert "tts.sess = model_session(model, " in fast


def _hibaris_own(text: str, rate: int = 140) -> np.ndarray:
    """What hibari itself makes of ``text`` with the clip's seed: one sentence after
    another (``Hibari.stream``), with hibari's own model session."""
    from hibari import Hibari

    path, _info = voice_files()["heart"]
    own = Hibari(voice="heart", model=str(path), threads=1)
    return own(text, hibari_engine.speed(rate), hibari_engine.clip_seed("heart", rate, text))


@pytest.mark.speech
def test_a_clips_sentences_are_hibaris_own_samples() -> None:
    """A clip's sentences are voiced in hibari's own order, drawing the noise from one
    generator in turn, so the samples are exactly hibari's own (voicing them side by
    side was dropped: bench/results/side-by-side-hibari-tricks.md)."""
    text = " ".join(SENTENCES)
    assert text.count(".") > 4
    pcm, _ = HibariEngine().synthesize(text, None, 140)
    assert np.array_equal(pcm, _hibaris_own(text))


@pytest.mark.speech
def test_a_hibari_that_draws_its_noise_otherwise_is_voiced_in_order(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hibari import dsp

    original = dsp.synth

    def synth(*outputs: object) -> np.ndarray:  # a release that draws something more
        rng = outputs[-1]
        rng.standard_normal(3)  # type: ignore[attr-defined]
        return original(*outputs)

    monkeypatch.setattr(dsp, "synth", synth)
    in_order = HibariEngine._voice_in_order
    used: list[int] = []

    def spy(self: HibariEngine, *args: object) -> list[np.ndarray]:
        used.append(1)
        return in_order(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(HibariEngine, "_voice_in_order", spy)
    text = " ".join(SENTENCES[:2])
    pcm, _ = HibariEngine().synthesize(text, None, 140)
    assert used and np.array_equal(pcm, _hibaris_own(text))
