"""The built-in library in German, Spanish, French and Italian (scripts/<lang>/): each
practice checks strictly, names its English original, and is found by its own name,
by its title, and by the English name with --language."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from guided.errors import GuidedError
from guided.script import library
from guided.script.loader import load_script
from guided.script.model import Bell, Section, iter_steps
from guided.timeline.plan import SILENCE, SPEECH, TONE, plan

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
LANGUAGES = ("de", "es", "fr", "it")
TRANSLATED = sorted(path for lang in LANGUAGES for path in (SCRIPTS / lang).glob("*.yaml"))
ORIGINALS = ("grounding", "orienting", "breath-awareness", "self-compassion", "coherent-breathing")
# Saying somewhere that stopping, pausing or open eyes are fine, in each language.
PERMISSION = {
    "de": r"aufhören|anhalten|augen (dürfen|können) (die ganze zeit )?offen",
    "es": r"\bparar\b|pausar|ojos (pueden quedarse )?abiertos",
    "fr": r"arrêter|en pause|yeux (peuvent )?(rester )?ouverts",
    "it": r"fermarti|in pausa|occhi aperti",
}
# How each language addresses the listener: du, tú, vous, tu. Most of what is said
# speaks to the listener in that form, and never in the other one.
ADDRESS = {"de": r"\b(du|dich|dir|dein\w*)\b", "es": r"\b(tú|te|ti|tu|tus|puedes)\b",
           "fr": r"\bvous\b", "it": r"\b(tu|ti|te|tuo|tua|tuoi|puoi)\b"}
OTHER_FORM = {"de": r"\b(Sie (können|dürfen|möchten)|Ihnen|Ihre[nmrs]?)\b",
              "es": r"\b(usted|ustedes)\b", "fr": r"\b(tu peux|ton corps|tes yeux|ta main)\b",
              "it": r"\b(Lei può|La Sua|Suoi)\b"}


def _id(path: Path) -> str:
    return path.relative_to(SCRIPTS).as_posix()


def test_each_language_has_the_five_practices():
    for lang in LANGUAGES:
        scripts = [load_script(path) for path in (SCRIPTS / lang).glob("*.yaml")]
        assert sorted(s.original for s in scripts) == sorted(ORIGINALS), lang
        assert all(s.language == lang for s in scripts)


@pytest.mark.speech  # a language other than English asks which voice speaks it
def test_every_translation_passes_strict_check(cli, tmp_path):
    result = cli("check", "--strict", *map(str, TRANSLATED),
                 env={"GUIDED_CACHE_DIR": str(tmp_path / "empty-cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok — ") == len(TRANSLATED) == 20
    assert "warning" not in (result.stdout + result.stderr).lower()


@pytest.mark.parametrize("path", TRANSLATED, ids=_id)
def test_a_translation_keeps_the_shape_of_its_original(path: Path):
    script = load_script(path)
    original = load_script(SCRIPTS / f"{script.original}.yaml")
    assert script.practice == original.practice
    assert script.author == "guided built-in library" and script.description
    assert re.fullmatch(r"[a-z0-9-]+", path.stem), "a name anyone can type"
    assert path.stem != script.original
    steps = list(iter_steps(script.steps))
    assert sum(isinstance(step, Section) for step in steps) >= 3
    assert isinstance(script.steps[0], Bell) and isinstance(script.steps[-1], Bell)
    timeline = plan(script)
    assert 120 <= timeline.seconds <= 900
    speech = sum(ev.length for ev in timeline.events if ev.kind == SPEECH)
    quiet = sum(ev.length for ev in timeline.events if ev.kind in (SILENCE, TONE))
    assert quiet > speech
    spoken = " ".join(timeline.speech_texts())
    lang = script.language
    assert re.search(PERMISSION[lang], spoken.lower()), f"{path}: no permission to stop"
    says = timeline.speech_texts()
    addressed = sum(1 for text in says if re.search(ADDRESS[lang], text, re.IGNORECASE))
    assert addressed * 2 > len(says), f"{path}: {addressed} of {len(says)} speak to the listener"
    assert not re.search(OTHER_FORM[lang], spoken), f"{path}: the other form of address"
    # written in the language, not left in English
    assert not re.search(r"\b(the|you|your|and)\b", spoken), f"{path}: English words"


def test_names_and_titles_find_translations(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert library.find_script("erdung") == SCRIPTS / "de" / "erdung.yaml"
    assert library.find_script("Cohérence cardiaque") == SCRIPTS / "fr" / "coherence-cardiaque.yaml"
    assert library.find_script("anclaje") == SCRIPTS / "es" / "anclaje.yaml"
    assert library.find_script("radicamento") == SCRIPTS / "it" / "radicamento.yaml"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_english_names_find_each_language(lang, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ORIGINALS:
        found = library.find_script(name, language=lang)
        assert found.parent.name == lang
        assert load_script(found).original == name
        # and back: a translation's name finds the English practice and its siblings
        assert library.find_script(found.stem, language="en") == SCRIPTS / f"{name}.yaml"
        assert library.find_script(found.stem, language=lang) == found
    assert library.find_script("grounding", language=f"{lang}-XX").parent.name == lang


def test_a_practice_with_no_translation_says_so_in_one_line(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GuidedError) as caught:
        library.find_script("safe-place", language="de")
    assert caught.value.message == ("'safe-place' has no German version yet; `guided list "
                                    "--language de` shows the practices in German")


def test_your_own_translation_comes_before_the_built_in(isolated_home, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    mine = isolated_home / "scripts"
    mine.mkdir(exist_ok=True)
    (mine / "meine-erdung.yaml").write_text(
        "title: Meine Erdung\noriginal: grounding\nlanguage: de\nsteps:\n  - say: Hallo.\n",
        encoding="utf-8")
    assert library.find_script("grounding", language="de") == mine / "meine-erdung.yaml"


def test_list_by_language(cli, isolated_home):
    german = cli("list", "--language", "de")
    assert german.returncode == 0, german.stderr
    lines = german.stdout.splitlines()
    table = lines[:lines.index("")] if "" in lines else lines  # notes follow a blank line
    names = [line.split()[0] for line in table[1:]]
    assert sorted(names) == ["atem", "erdung", "orientierung", "ruhig-atmen", "selbstmitgefuehl"]
    assert "Selbstmitgefühl" in german.stdout
    plain = cli("list")
    assert "erdung" not in plain.stdout and "grounding" in plain.stdout
    assert "Also in German, Spanish, French, Italian: `guided list --language de` (or es, fr, it)." \
        in plain.stdout
    english = cli("list", "--language", "en", "--json")
    items = json.loads(english.stdout)
    assert {item["language"] for item in items} == {"en"} and len(items) >= 15
    french = json.loads(cli("list", "-l", "fr", "--practice", "breath", "--json").stdout)
    assert sorted(item["name"] for item in french) == ["coherence-cardiaque", "respiration"]
    none = cli("list", "--language", "pt")
    assert none.returncode == 0 and none.stdout.strip() == "No practices in pt yet."


def test_language_option_refuses_what_is_not_a_tag(cli):
    for args in (["list", "--language", "x y"], ["preview", "grounding", "--language", "<b>"]):
        result = cli(*args)
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and "is not a language tag" in result.stderr


@pytest.mark.speech  # preview asks which voice speaks German
def test_preview_and_check_with_language(cli):
    shown = cli("preview", "grounding", "--language", "de")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Erdung  (grounding")
    missing = cli("preview", "safe-place", "--language", "it")
    assert missing.returncode == 1
    assert missing.stderr == ("guided: 'safe-place' has no Italian version yet; `guided list "
                              "--language it` shows the practices in Italian\n")


def test_original_key_is_checked(tmp_path):
    from guided.errors import ScriptError

    bad = tmp_path / "bad.yaml"
    bad.write_text("title: X\noriginal: ../grounding\nsteps: [bell]\n", encoding="utf-8")
    with pytest.raises(ScriptError) as caught:
        load_script(bad)
    assert "bad.yaml:2:11" in str(caught.value) and "not a practice name" in str(caught.value)
    plain = tmp_path / "plain.yaml"
    plain.write_text("title: X\nsteps: [bell]\n", encoding="utf-8")
    assert load_script(plain).original == ""  # format 1 scripts without it mean what they did
