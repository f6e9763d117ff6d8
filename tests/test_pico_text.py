"""What text reaches Pico (guided/speech/pico/text.py, issue 22): Pico passes over an
ellipsis sign and dashes without a pause, and reads ``<...>`` as its own markup; the
rest (elisions, guillemets, ¿ ¡, digits) reaches it as written."""

from __future__ import annotations

import numpy as np
import pytest

from guided.paths import cache_dir
from guided.speech import pico
from guided.speech.pico.text import for_pico
from guided.speech.pico.voices import engine_version

needs_pico = pytest.mark.skipif(not pico.available(), reason="py-nanotts has no wheel here")


@pytest.mark.parametrize("written, given", [
    # French: elisions with either apostrophe and guillemets reach Pico as written; the
    # dash becomes Pico's short pause and the ellipsis sign its long one
    ("Sentez l'air qu’il laisse — doucement… « Merci », dit-elle.",
     "Sentez l'air qu’il laisse, doucement... « Merci », dit-elle."),
    ("Aujourd’hui, c’est l’été ; respirez !", "Aujourd’hui, c’est l’été ; respirez !"),
    # German quotation marks and an en dash between words; a range of digits is kept when
    # no language is named (each language's word for it: test_numbers_joined_by_dashes)
    ("Atme „ganz langsam“ ein – und wieder aus, 4–6 Mal.",
     "Atme „ganz langsam“ ein, und wieder aus, 4–6 Mal."),
    # Spanish opening signs after an end (or at the start) are left out: Pico paused at
    # each as at a full stop, on top of the end's own pause; after a word they stay
    ("¿Cómo estás? ¡Qué bien!", "Cómo estás? Qué bien!"),
    ("Respira. ¿Notas el aire?", "Respira. Notas el aire?"),
    ("Si puedes, ¡sonríe! Respira… ¿sí?", "Si puedes, sonríe! Respira... sí?"),
    ("Dijo: «¿Vienes?» ¡¿Ya?!", "Dijo: «Vienes?» Ya?!"),
    ("Hola ¿cómo estás? — ¡Bien!", "Hola ¿cómo estás? Bien!"),
    # a number that ends the text is spaced from its full stop (Pico's German read
    # "bis 4." as an ordinal); inside the text, and decimals, stay as written
    ("Zähle bis 4.", "Zähle bis 4 ."), ("Zähle langsam bis 12.“", "Zähle langsam bis 12 .“"),
    ("Am 4. Mai atmest du 4.5 Sekunden.", "Am 4. Mai atmest du 4.5 Sekunden."),
    ("Comptez jusqu'à 4...", "Comptez jusqu'à 4..."),
    ("Un po’ d’aria.... e poi..respira", "Un po’ d’aria... e poi...respira"),
    # a dash at either end, or beside other punctuation, leaves no comma of its own
    ("— Hola —", "Hola"), ("ein —, und", "ein, und"), ("fin — … puis", "fin... puis"),
    # Pico's French reads œ as "ou" (cœur as cours): the ligatures are written out
    ("Posez une main sur votre cœur. Œuvre, sœur, ex æquo, Æ.",
     "Posez une main sur votre coeur. Oeuvre, soeur, ex aequo, Ae."),
    # Pico's own markup is never obeyed, and spaces are made single
    ('a <speed level="500">  b', 'a speed level="500" b'),
    ("Respirez\u202f!\n\tEncore", "Respirez ! Encore"),
])
def test_the_text_pico_is_given(written: str, given: str) -> None:
    assert for_pico(written) == given


@pytest.mark.parametrize("written, given", [
    ("Le bus part en mars, hélas.", "Le busse part en marse, hélasse."),
    ("BUS. Un virus, l'abribus, Mars.", "BUSSE. Un virusse, l'abribusse, Marse."),
    ("Les lys et le cosmos.", "Les lysse et le cosmosse."),
    # the inversion -t- written with an apostrophe (Pico read the t as if alone)
    ("Y a-t’il une gêne ? Va-t'elle partir ? Aime-t’on ?",
     "Y a-t-il une gêne ? Va-t-elle partir ? Aime-t-on ?"),
    ("Peut-être l'a-t-il vu, m’a-t-elle dit, t'il.", "Peut-être l'a-t-il vu, m’a-t-elle dit, t'il."),
    # units of time after a number are written out (Pico said "cinq min"); a unit's full
    # stop ends the sentence only before a capital or at the end; 10 h 30 is a time
    ("Pendant 5 min. Puis 1 min, 1,5 mn, 10 sec. puis 2h.",
     "Pendant 5 minutes. Puis 1 minute, 1,5 minute, 10 secondes puis 2 heures."),
    ("Il est 10 h 30, ou 10h30, et 4 min 30 ; 5 hommes, minh.",
     "Il est 10 h 30, ou 10h30, et 4 min 30 ; 5 hommes, minh."),
    # other words, and words that only begin or end alike, stay as written
    ("Les bras, le repas, busqué, autobus, plus, tous.",
     "Les bras, le repas, busqué, autobus, plus, tous."),
])
def test_french_words_pico_said_otherwise(written: str, given: str) -> None:
    """Pico's French says "bus" as "bu" and "mars" as "mar": the words it was measured
    to say without their s get an e after it, for the French voice only (as does the
    inversion -t- written with an apostrophe)."""
    assert for_pico(written, "fr-FR") == given
    assert for_pico(written, "de-DE") == for_pico(written) == written


@pytest.mark.parametrize("written, language, given", [
    ("Atme 4–6 Mal — ruhig.", "de-DE", "Atme 4 bis 6 Mal, ruhig."),
    ("Respirez 4 – 6 fois, de 1914-1918.", "fr-FR", "Respirez 4 à 6 fois, de 1914 à 1918 ."),
    ("Respira 4-6 veces.", "es-ES", "Respira 4 a 6 veces."),
    ("Breathe 4—6 times.", "en-US", "Breathe 4 to 6 times."),
    ("Respira 4–6 volte.", "it-IT", "Respira 4–6 volte."),  # "da 4 a 6" needs its "da"
    # three or more numbers are a name, said number by number
    ("Die 4-7-8 Atmung.", "de-DE", "Die 4 7 8 Atmung."),
    ("Il respiro 4–7–8, e 06-12-34-56 oggi.", "it-IT", "Il respiro 4 7 8, e 06 12 34 56 oggi."),
    # but a date is given with slashes, which Pico reads as a date
    ("Le 07-12-2026 ou le 7-1-26, 4-7-8.", "fr-FR", "Le 07/12/2026 ou le 7/1/26, 4 7 8 ."),
    # decimals, and words with digits, stay as written
    ("Zwischen 4,5-6 und 3.5–4 Mal, A-4-B.", "de-DE", "Zwischen 4,5-6 und 3.5–4 Mal, A-4-B."),
])
def test_numbers_joined_by_dashes(written: str, language: str, given: str) -> None:
    assert for_pico(written, language) == given


def test_each_piece_of_a_long_text_ends_its_number_as_a_whole_text_does() -> None:
    from guided.speech.chunking import pieces
    from guided.speech.pico.backend import MAX_PIECE_CHARS
    from guided.speech.pico.text import number_ends

    first = "Zähle ganz langsam und ruhig, " * 6 + "bis 4."
    text = f"{first} " + "Atme dabei ruhig und gleichmäßig weiter. " * 5
    parts = [number_ends(piece) for piece in pieces(for_pico(text), MAX_PIECE_CHARS)]
    assert parts[0] == first[:-1] + " ." and len(parts) == 2


def test_the_text_rules_are_part_of_every_clip_key() -> None:
    from guided.speech.pico.text import TEXT_RULES

    assert f"text {TEXT_RULES}" in engine_version()


@needs_pico
@pytest.mark.speech
def test_an_ellipsis_and_a_dash_are_heard_as_pauses() -> None:
    """Measured: Pico says "Atme ein… und aus" as fast as "Atme ein und aus"; guided's
    text makes the ellipsis a pause, whichever way it is typed, and the dash a comma's."""
    engine = pico.create(cache_dir())
    try:
        def voiced(text: str) -> float:
            pcm, rate = engine.synthesize(text, "pico-de", 140)
            loud = np.flatnonzero(np.abs(pcm.astype(np.float32) / 32768.0) > 0.02)
            return float(loud[-1] - loud[0]) / rate

        plain = voiced("Atme ein und aus.")
        sign, dots = voiced("Atme ein… und aus."), voiced("Atme ein... und aus.")
        assert sign == pytest.approx(dots, abs=0.02) and sign > plain + 0.5
        assert voiced("Atme ein — und aus.") == pytest.approx(voiced("Atme ein, und aus."),
                                                             abs=0.02)
    finally:
        engine.close()


def _clips(voice: str, *texts: str) -> list[np.ndarray]:
    """Each text spoken by one Pico engine at rate 140 (each clip in a fresh fork)."""
    engine = pico.create(cache_dir())
    try:
        return [engine.synthesize(text, voice, 140)[0] for text in texts]
    finally:
        engine.close()


@needs_pico
@pytest.mark.speech
def test_pico_says_coeur_for_the_ligature() -> None:
    """Pico's French read "cœur" as "cours": the clip for the ligature is the clip for
    the word written out, sample for sample (each clip is made in a fresh fork)."""
    ligature, written_out = _clips("pico-fr", "Posez une main sur votre cœur.", "Posez une main sur votre coeur.")
    assert len(ligature) > 16000 and np.array_equal(ligature, written_out)


@needs_pico
@pytest.mark.speech
def test_pico_says_bis_vier_for_a_number_at_the_end() -> None:
    """Pico's German read "Zähle bis 4." as an ordinal with no sentence end: the clip is
    now the clip for the word written out, sample for sample."""
    digits, word = _clips("pico-de", "Zähle bis 4.", "Zähle bis vier.")
    assert len(digits) > 16000 and np.array_equal(digits, word)


@needs_pico
@pytest.mark.speech
def test_pico_sounds_the_s_of_bus() -> None:
    """Pico's French drops the s of "bus" (the word alone is the same samples as "bu"; Whisper
    heard "un bus" as "une vue"): guided's clip is now the clip of
    "busse", with the s."""
    bus, bu, busse = _clips("pico-fr", "Le bus part.", "Le bu part.", "Le busse part.")
    assert np.array_equal(bus, busse) and len(bus) > len(bu) + 800


@needs_pico
@pytest.mark.speech
def test_pico_says_a_range_as_a_range() -> None:
    """Pico's German said "4–6 Mal" as "vier sechs Mal": the clip is now the clip of
    the words written out, "vier bis sechs Mal", sample for sample."""
    digits, words = _clips("pico-de", "Atme 4–6 Mal.", "Atme vier bis sechs Mal.")
    assert len(digits) > 16000 and np.array_equal(digits, words)
