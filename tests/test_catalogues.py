"""The message catalogues (guided/locale): complete, faithful to their placeholders,
compiled from their .po files, and used for what a client reads."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from guided import i18n
from guided.i18n import LOCALE_DIR, texts

REPO = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "es", "fr", "it")
FIELD = re.compile(r"\{(\w*)\}")


def _po(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "guided.po").open("rb") as handle:
        return read_po(handle, locale=language)


def test_each_catalogue_is_complete_and_compiled_from_the_code():
    # the texts are extracted afresh from the code and the page template, as a developer would
    result = subprocess.run([sys.executable, str(REPO / "tools" / "catalogues.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "the catalogues are complete and compiled"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated_with_its_placeholders(language):
    catalog = _po(language)
    messages = [m for m in catalog if m.id]
    assert len(messages) >= 40
    for message in messages:
        assert message.string, f"{language}: {message.id!r} is not translated"
        assert message.string != message.id or message.id in ("Introduction",), (
            f"{language}: {message.id!r} left in English")
        assert sorted(FIELD.findall(message.string)) == sorted(FIELD.findall(message.id)), (
            f"{language}: placeholders differ in {message.string!r}")
        # lines stay lines: README.txt's blocks keep their shape and indentation
        assert message.id.startswith("  ") == message.string.startswith("  ")
        assert all(len(line) <= 90 for line in message.string.splitlines() if "\n" in message.string)
    with (LOCALE_DIR / language / "LC_MESSAGES" / "guided.mo").open("rb") as handle:
        compiled = read_mo(handle)
    assert {m.id: m.string for m in compiled if m.id} == {m.id: m.string for m in messages}


def test_texts_in_each_language_and_english_elsewhere():
    assert texts("de")("Practices") == "Übungen"
    assert texts("de-AT")("Practices") == "Übungen"  # a region reads its language's catalogue
    assert texts("es")("Chapters") == "Capítulos"
    assert texts("fr")("Your practices") == "Vos pratiques"
    assert texts("it")("Day by day") == "Giorno per giorno"
    assert texts("pt")("Practices") == "Practices"  # no catalogue: English
    assert texts(None)("Practices") == "Practices"
    assert texts("de")("a text no catalogue has") == "a text no catalogue has"


def test_a_damaged_catalogue_reads_english(tmp_path, monkeypatch):
    broken = tmp_path / "de" / "LC_MESSAGES"
    broken.mkdir(parents=True)
    (broken / "guided.mo").write_bytes(b"\xde\x12\x04\x95" + b"\xff" * 10)  # a tiny file claiming much
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.catalogue_languages.cache_clear()
    i18n._translation.cache_clear()
    try:
        assert texts("de")("Practices") == "Practices"
    finally:
        i18n.catalogue_languages.cache_clear()
        i18n._translation.cache_clear()


def test_the_player_screen_speaks_the_practice_language():
    from guided.outputs.player.screen import PlayerScreen, countdown

    out = io.StringIO()
    screen = PlayerScreen(out=out, width=80, language="de")
    screen.heading("Erdung", 424)
    screen.progress(60, 424, paused=True, force=True)
    shown = out.getvalue()
    assert "Leertaste Pause · n nächster Abschnitt · b zurück · q beenden" in shown
    assert "1:00 · noch 6:04" in shown and "pausiert (Leertaste setzt fort)" in shown
    out = io.StringIO()
    countdown(0.05, out=out, interactive=True, language="fr")
    assert "Début dans 1… installez-vous, rien ne presse." in out.getvalue()
    out = io.StringIO()
    PlayerScreen(out=out, width=80).heading("Grounding", 60)
    assert "space pause · n next section" in out.getvalue()


def test_the_questions_follow_the_language(monkeypatch, capsys):
    from guided.commands import ask

    answers = iter(["", "12", "3"])
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    assert ask.ask_rating(ask.BEFORE, explain=True, language="es") is None
    assert ask.ask_rating(ask.AFTER, language="es") == 3
    said = capsys.readouterr().out
    assert "0 significa calma total" in said
    assert "¿Cuánto malestar sientes ahora mismo? (0-10, Enter para saltar): " in said
    assert "Te la has saltado, no pasa nada." in said
    assert "Aquí vale un número entero del 0 al 10" in said
    monkeypatch.setattr("builtins.input", lambda: "Ruhiger.")
    assert ask.ask_line(ask.REFLECTION, "de") == "Ruhiger."
    assert "Deine Gedanken dazu, in ein, zwei Zeilen? (Enter zum Überspringen): " in capsys.readouterr().out


def test_readme_in_german_labels_each_language_in_a_mixed_bundle():
    import datetime as dt

    from guided.outputs.bundleitems import Contents, Item
    from guided.outputs.pagetext import readme_text

    items = [Item("01-erdung", "erdung", "Erdung", "", "audio/01-erdung.mp3", "captions/01-erdung.vtt",
                  424.0, language="de"),
             Item("02-ancrage", "ancrage", "Ancrage", "", "audio/02-ancrage.mp3", "captions/02-ancrage.vtt",
                  400.0, language="fr")]
    text = readme_text("Für Sam", items, Contents([], None), dt.date(2026, 12, 7), "de")
    assert "Für dich zusammengestellt am 2026-12-07." in text
    assert "WAS DRIN IST" in text and "SO ÖFFNEST DU ES" in text and "BEHUTSAME HINWEISE" in text
    assert "  1. Erdung (7:04, Deutsch)  audio/01-erdung.mp3" in text
    assert "  2. Ancrage (6:40, Français)  audio/02-ancrage.mp3" in text
    english = readme_text("For Sam", items[:1], Contents([], None), dt.date(2026, 12, 7))
    assert "WHAT IS INSIDE" in english and "  1. Erdung (7:04)  audio/01-erdung.mp3" in english
