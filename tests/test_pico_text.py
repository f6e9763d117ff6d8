"""What text reaches Pico (guided/speech/pico/text.py, issue 22): Pico passes over an
ellipsis sign and dashes without a pause, and reads ``<...>`` as its own markup; the
rest (elisions, guillemets, ¿ ¡, digits) reaches it as written."""

from __future__ import annotations

import numpy as np
import pytest

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
    # German quotation marks and an en dash between words; a range of digits is kept
    ("Atme „ganz langsam“ ein – und wieder aus, 4–6 Mal.",
     "Atme „ganz langsam“ ein, und wieder aus, 4–6 Mal."),
    # Spanish opening signs stay: Pico reads questions and exclamations with them
    ("¿Cómo estás? ¡Qué bien!", "¿Cómo estás? ¡Qué bien!"),
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


def test_the_text_rules_are_part_of_every_clip_key() -> None:
    from guided.speech.pico.text import TEXT_RULES

    assert f"text {TEXT_RULES}" in engine_version()


@needs_pico
@pytest.mark.speech
def test_an_ellipsis_and_a_dash_are_heard_as_pauses() -> None:
    """Measured: Pico says "Atme ein… und aus" as fast as "Atme ein und aus"; guided's
    text makes the ellipsis a pause, whichever way it is typed, and the dash a comma's."""
    engine = pico.create()
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


@needs_pico
@pytest.mark.speech
def test_pico_says_coeur_for_the_ligature() -> None:
    """Pico's French read "cœur" as "cours": the clip for the ligature is the clip for
    the word written out, sample for sample (each clip is made in a fresh fork)."""
    engine = pico.create()
    try:
        ligature, _ = engine.synthesize("Posez une main sur votre cœur.", "pico-fr", 140)
        written_out, _ = engine.synthesize("Posez une main sur votre coeur.", "pico-fr", 140)
    finally:
        engine.close()
    assert len(ligature) > 16000 and np.array_equal(ligature, written_out)
