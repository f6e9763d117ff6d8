"""Practices in German, Spanish, French and Italian (issue 22): the words guided itself
speaks follow the script's language, Pico speaks these languages, and a voice of
another language is refused (--voice) or passed over in one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guided.errors import GuidedError, ScriptError
from guided.paths import cache_dir
from guided.script.loader import load_script
from guided.script.words import BREATH_CUE_WORDS, BREATH_PHASES, breath_cue_words
from guided.speech import pico
from guided.speech.choice import VoiceChoice, settle
from guided.speech.pico.rate import pico_speed, target_pace
from guided.speech.pico.syllables import syllables
from guided.timeline.plan import SPEECH, plan

LANGUAGES = ("en", "de", "es", "fr", "it")
needs_pico = pytest.mark.skipif(not pico.available(), reason="py-nanotts has no wheel here")


@pytest.fixture(autouse=True)
def use_auto(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GUIDED_ENGINE", raising=False)  # conftest pins espeak-ng


def _script(tmp_path: Path, head: str, steps: str = "  - breathe: {in: 4, hold: 4, out: 6, "
            "hold_out: 2, cycles: 1}\n") -> Path:
    path = tmp_path / "practice.yaml"
    path.write_text(f"title: Atem\n{head}steps:\n{steps}", encoding="utf-8")
    return path


# -- the words -----------------------------------------------------------------------

def test_each_language_has_its_own_words_for_every_breath_phase() -> None:
    assert set(BREATH_CUE_WORDS) == set(LANGUAGES)
    for language, words in BREATH_CUE_WORDS.items():
        assert tuple(words) == BREATH_PHASES, language
        assert len(set(words.values())) == 4, language  # four different cues
        if language != "en":  # written for the language, not left in English
            assert not set(words.values()) & set(BREATH_CUE_WORDS["en"].values()), language
    assert BREATH_CUE_WORDS["de"]["inhale"] == "Einatmen"
    assert BREATH_CUE_WORDS["es"]["exhale"] == "Exhalando"
    assert BREATH_CUE_WORDS["fr"]["inhale"] == "Inspirez"  # vous
    assert BREATH_CUE_WORDS["it"]["hold-out"] == "Riposando"


@pytest.mark.parametrize("language", [*LANGUAGES, "de-AT", "fr-CA", "es_MX"])
def test_a_practice_speaks_the_cues_of_its_language(tmp_path: Path, language: str) -> None:
    timeline = plan(load_script(_script(tmp_path, f"language: {language}\n")))
    spoken = [ev.text for ev in timeline.events if ev.kind == SPEECH]
    family = language.replace("_", "-").split("-")[0]
    assert spoken == [BREATH_CUE_WORDS[family][p] for p in BREATH_PHASES]


def test_a_language_without_words_of_its_own_speaks_the_english_cues(tmp_path: Path) -> None:
    timeline = plan(load_script(_script(tmp_path, "language: pt-BR\n")))
    assert [ev.text for ev in timeline.events if ev.kind == SPEECH][0] == "Breathing in"


def test_a_script_sets_its_own_cue_words_and_keeps_the_others(tmp_path: Path) -> None:
    path = _script(tmp_path, "language: de\ncues: {in: Atme ein, out: '  Atme   aus '}\n")
    script = load_script(path)
    assert dict(script.cues) == {"inhale": "Atme ein", "exhale": "Atme aus"}
    spoken = [ev.text for ev in plan(script).events if ev.kind == SPEECH]
    assert spoken == ["Atme ein", "Halten", "Atme aus", "Ruhen"]
    assert breath_cue_words("de", dict(script.cues))["hold"] == "Halten"


@pytest.mark.parametrize("cues, message, column", [
    ("{in: Atme ein, hold_ot: Halte}", "unknown breath phase 'hold_ot' in 'cues' (did you mean "
                                       "'hold_out'?)", 22),
    ("[Atme ein]", "expected a mapping of breath phases to words", 7),
    ("{in: ''}", "'cues: in' has nothing a voice can say", 12),
    ("{in: '...'}", "'cues: in' has nothing a voice can say", 12),
    ("{in: \"Atme\\x1bein\"}", "the text contains U+001B (escape)", 12),
    ("{out: " + "sehr " * 30 + "}", "'cues: out' is 149 characters long", 13),
    ("{in: [a, b]}", "expected text for 'cues: in'", 12),
])
def test_a_wrong_cues_key_is_one_located_line(tmp_path: Path, cues: str, message: str,
                                              column: int) -> None:
    path = _script(tmp_path, f"language: de\ncues: {cues}\n")
    with pytest.raises(ScriptError) as caught:
        load_script(path)
    assert message in str(caught.value)
    assert f"{path}:3:{column}:" in str(caught.value)


def test_an_own_cue_longer_than_its_phase_is_named(tmp_path: Path) -> None:
    path = _script(tmp_path, "language: de\ncues: {hold: " + "und noch ein wenig " * 4 + "}\n",
                   "  - breathe: {in: 4, hold: 1, out: 4, cycles: 1}\n")
    with pytest.raises(ScriptError, match="the spoken cue 'und noch ein wenig"):
        plan(load_script(path))


# -- who speaks ------------------------------------------------------------------------

@needs_pico
@pytest.mark.parametrize("language, voice", [
    ("de", "pico-de"), ("de-CH", "pico-de"), ("es", "pico-es"), ("es-MX", "pico-es"),
    ("fr", "pico-fr"), ("it", "pico-it"), ("en-GB", "pico-en-gb"), ("en", "heart"),
    ("en-US", "heart"),
])
def test_each_language_is_spoken_by_the_best_voice_here(language: str, voice: str) -> None:
    chosen = settle(VoiceChoice(), language=language)
    assert chosen.voice == voice


@pytest.mark.speech  # espeak-ng's voices are listed by its worker
def test_without_pico_espeak_ng_speaks_and_one_line_says_so(monkeypatch) -> None:
    from guided.speech.pico import voices

    monkeypatch.setattr(voices, "available", lambda: False)
    chosen = settle(VoiceChoice(), language="fr")
    assert chosen.engine == "pyttsx3"
    assert chosen.note == ("Pico's French voice is not on this computer (py-nanotts has it for "
                           "Linux x86_64 and Windows), so espeak-ng's French voice "
                           f"({chosen.voice}) speaks instead.")
    assert "\n" not in chosen.note
    portuguese = settle(VoiceChoice(), language="pt")
    assert portuguese.note.startswith("No natural voice speaks Portuguese here, so espeak-ng's")


@needs_pico
@pytest.mark.speech  # the voices that fit include espeak-ng's
def test_voice_of_another_language_is_refused_with_the_voices_that_fit() -> None:
    with pytest.raises(GuidedError) as caught:
        settle(VoiceChoice(voice="heart"), language="de")
    message = caught.value.message
    assert message.startswith("the voice 'heart' (--voice) speaks English (en-us), and this "
                              "practice is in German (de); voices that speak German here: ")
    assert "pico-de" in message and "gmw/de" in message and "\n" not in message
    with pytest.raises(GuidedError, match="'pico-de' \\(--voice\\) speaks German"):
        settle(VoiceChoice(voice="pico-de"), language="en")


@needs_pico
def test_a_voice_of_the_same_language_in_another_region_is_used() -> None:
    assert settle(VoiceChoice(voice="pico-en-gb"), language="en-US").voice == "pico-en-gb"
    assert settle(VoiceChoice(voice="heart"), language="en-GB").voice == "heart"


@needs_pico
def test_a_saved_voice_of_another_language_is_passed_over_in_one_line() -> None:
    said: list[str] = []
    chosen = settle(VoiceChoice(settings_voice="heart", warn=said.append), language="it")
    assert chosen.voice == "pico-it"
    assert said == ["your settings' voice 'heart' speaks English (en-us), not this practice's "
                    "Italian (it), so Pico's pico-it voice speaks instead; `guided voices -l it` "
                    "lists the voices that do"]
    said.clear()
    assert settle(VoiceChoice(settings_voice="heart", warn=said.append), language="en").voice \
        == "heart"
    assert said == []


@needs_pico
def test_a_scripts_voice_of_another_language_is_passed_over_and_check_warns(cli, tmp_path) -> None:
    path = _script(tmp_path, "language: es\nvoice: heart\n")
    said: list[str] = []
    chosen = settle(VoiceChoice(), language="es", script_voice="heart", warn=said.append)
    assert chosen.voice == "pico-es"
    assert len(said) == 1 and said[0].startswith("the script's voice 'heart' speaks English")
    result = cli("check", str(path))
    assert result.returncode == 0
    assert "the voice 'heart' speaks English (en-us), not this practice's Spanish (es)" \
        in result.stdout + result.stderr
    assert cli("check", "--strict", str(path)).returncode != 0


# -- Pico ---------------------------------------------------------------------------------

@needs_pico
@pytest.mark.speech
def test_pico_speaks_each_language_the_same_way_twice() -> None:
    engine = pico.create(cache_dir())
    try:
        for voice, text in (("pico-de", "Spüre deine Füße."), ("pico-es", "Siente tus pies."),
                            ("pico-fr", "Sentez vos pieds."), ("pico-it", "Senti i piedi."),
                            ("pico-en-gb", "Feel your feet.")):
            first, rate = engine.synthesize(text, voice, 140)
            again, _ = engine.synthesize(text, voice, 140)
            assert rate == 16000 and len(first) > 8000, voice
            assert np.array_equal(first, again), voice
        faster, _ = engine.synthesize("Spüre deine Füße auf dem Boden.", "pico-de", 200)
        slower, _ = engine.synthesize("Spüre deine Füße auf dem Boden.", "pico-de", 100)
        assert 1.5 < len(slower) / len(faster) < 2.3
        with pytest.raises(GuidedError, match="there is no Pico voice 'pico-xx'"):
            engine.synthesize("Hallo.", "pico-xx", 140)
    finally:
        engine.close()


@needs_pico
@pytest.mark.speech
def test_pico_survives_markup_and_an_endless_word() -> None:
    """Pico reads `<...>` as its own markup and spins without end on a single token of a
    few thousand characters; both reach it made safe."""
    engine = pico.create(cache_dir())
    try:
        plain, _ = engine.synthesize("a b", "pico-de", 140)
        marked, _ = engine.synthesize('a <speed level="500"> b', "pico-de", 140)
        assert len(marked) > len(plain)  # its words are spoken, not obeyed as markup
        long, _ = engine.synthesize("x" * 3000, "pico-de", 140)  # returns, in bounded time
        assert len(long) > 16000
    finally:
        engine.close()


@needs_pico
@pytest.mark.speech
@pytest.mark.parametrize("voice, text, language", [
    ("pico-de", "Nimm dir einen Moment Zeit und lass deinen Blick durch den Raum wandern.", "de"),
    ("pico-es", "Tómate un momento y deja que tu mirada recorra despacio la habitación.", "es"),
    ("pico-fr", "Prenez un moment et laissez votre regard parcourir lentement la pièce.", "fr"),
    ("pico-it", "Prenditi un momento e lascia che lo sguardo si muova piano nella stanza.", "it"),
])
def test_rate_140_is_heard_at_the_syllable_rate_of_the_language(voice, text, language) -> None:
    engine = pico.create(cache_dir())
    try:
        pcm, rate = engine.synthesize(text, voice, 140)
    finally:
        engine.close()
    loud = np.flatnonzero(np.abs(pcm.astype(np.float32) / 32768.0) > 0.02)
    heard = syllables(text, language) / ((loud[-1] - loud[0]) / rate)
    assert abs(heard / target_pace(voice, 140) - 1) < 0.15, heard


def test_the_syllable_rates_follow_the_languages() -> None:
    # rate 140 in English is 140 words a minute; German is spoken with fewer syllables a
    # second than English, Spanish with the most
    assert target_pace("pico-en-us", 140) == 140
    paces = {v: target_pace(v, 140) for v in ("pico-de", "pico-fr", "pico-es", "pico-it")}
    assert paces["pico-de"] < paces["pico-it"] < paces["pico-fr"] < paces["pico-es"]
    assert 2.9 < paces["pico-de"] < 3.1
    assert pico_speed("pico-de", 140) < pico_speed("pico-de", 200)
    assert pico_speed("pico-it", 10_000) == 2.0 and pico_speed("pico-it", 1) == 0.4
    assert syllables("Einatmen und ausatmen", "de") == 7
    assert syllables("día a día", "es") == 5
    assert syllables("Reposez-vous doucement", "fr") == 7


# -- with no espeak-ng at all ---------------------------------------------------------------

PRACTICES = {
    "de": ("Erdung", "Spüre, wie deine Füße den Boden berühren."),
    "es": ("Arraigo", "Siente cómo tus pies tocan el suelo."),
    "fr": ("Ancrage", "Sentez vos pieds qui touchent le sol."),
    "it": ("Radicamento", "Senti i piedi che toccano il pavimento."),
}


@needs_pico
@pytest.mark.slow
@pytest.mark.speech
def test_each_language_is_exported_by_pico_with_the_system_espeak_ng_hidden(tmp_path) -> None:
    """As tests/test_wheel.py does: espeak-ng's program and library are covered by /dev/null
    in a private mount namespace, so only Pico can speak these practices."""
    import os
    import subprocess
    import sys

    from tests.test_wheel import _can_unshare, _library, _program

    if not _can_unshare():
        pytest.skip("needs root and mount namespaces (unshare -m) to hide system packages")
    hidden = [f for f in (_program("espeak-ng"), _library("espeak-ng")) if f]
    assert len(hidden) == 2, hidden
    mounts = " && ".join(f"mount --bind /dev/null {f}" for f in hidden)
    probes = ("! espeak-ng --version >/dev/null 2>&1 && "
              f"! {sys.executable} -c \"import ctypes; ctypes.CDLL('libespeak-ng.so.1')\" 2>/dev/null")
    exports = []
    for language, (title, line) in PRACTICES.items():
        path = _script(tmp_path, f"language: {language}\n",
                       f"  - bell\n  - say: {line}\n  - breathe: {{in: 4, out: 6, cycles: 1}}\n")
        path = path.rename(tmp_path / f"{language}.yaml")
        path.write_text(path.read_text(encoding="utf-8").replace("Atem", title), encoding="utf-8")
        exports.append(f"{sys.executable} -m guided voices -l {language} && "
                       f"{sys.executable} -m guided export {path} -o {tmp_path / language}.mp3")
    env = {**os.environ, "GUIDED_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(["unshare", "-m", "sh", "-c", f"{mounts} && {probes} && "
                             + " && ".join(exports)], capture_output=True, text=True,
                            timeout=600, env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr and "espeak" not in result.stderr.lower()
    from tests.meters import ffprobe

    for language in PRACTICES:
        info = ffprobe(tmp_path / f"{language}.mp3")
        assert float(info["format"]["duration"]) > 10, language
        assert f"is spoken by Pico's pico-{language} voice here." in result.stdout, language


@pytest.mark.slow
@pytest.mark.speech
def test_the_espeak_extra_speaks_other_languages_with_no_system_espeak_ng(tmp_path) -> None:
    """guided[espeak] (espeakng-loader's wheel) stands in for the system package."""
    import importlib.util
    import os
    import subprocess
    import sys

    from tests.test_wheel import _can_unshare, _library, _program

    if importlib.util.find_spec("espeakng_loader") is None:  # make setup installs it (EXTRAS)
        pytest.fail("the espeak extra (espeakng-loader) is not installed: run `make setup`")
    if not _can_unshare():
        pytest.skip("needs root and mount namespaces (unshare -m) to hide system packages")
    hidden = [f for f in (_program("espeak-ng"), _library("espeak-ng")) if f]
    mounts = " && ".join(f"mount --bind /dev/null {f}" for f in hidden)
    path = _script(tmp_path, "language: pt\n", "  - say: Sinta os pés no chão.\n"
                   "  - breathe: {in: 4, out: 6, cycles: 1}\n")
    out = tmp_path / "pt.mp3"
    probe = f"! {sys.executable} -c \"import ctypes; ctypes.CDLL('libespeak-ng.so.1')\" 2>/dev/null"
    command = (f"{mounts} && {probe} && {sys.executable} -m guided voices -l pt && "
               f"{sys.executable} -m guided export {path} -o {out}")
    result = subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, text=True,
                            timeout=600, cwd=tmp_path,
                            env={**os.environ, "GUIDED_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 0, result.stderr[-3000:]
    assert "roa/pt" in result.stdout  # espeak-ng's Portuguese voice, from the wheel
    assert "espeak-ng's Portuguese voice (roa/pt) speaks instead" in result.stdout
    from tests.meters import ffprobe

    assert float(ffprobe(out)["format"]["duration"]) > 10


@needs_pico
@pytest.mark.speech  # espeak-ng's voices are listed by its worker
def test_voices_for_a_region_with_no_voice_of_its_own_lists_the_languages(cli) -> None:
    result = cli("voices", "-l", "it-CH")
    assert result.returncode == 0
    assert "pico-it" in result.stdout and "roa/it" in result.stdout
    assert result.stdout.rstrip().endswith(
        "A practice in Italian (it-CH) is spoken by Pico's pico-it voice here.")


@needs_pico
def test_with_several_practices_voice_speaks_those_in_its_language() -> None:
    """export --all and a bundle of several practices: --voice heart speaks the English
    ones, and each practice in another language gets its own best voice, in one line."""
    said: list[str] = []
    several = VoiceChoice(voice="heart", several=True, warn=said.append)
    assert settle(several, language="en").voice == "heart"
    assert settle(several, language="de").voice == "pico-de"
    assert said == ["--voice 'heart' speaks English (en-us), not this practice's German (de), so "
                    "Pico's pico-de voice speaks instead; `guided voices -l de` lists the voices "
                    "that do"]
