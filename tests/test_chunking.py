"""Long text cut into bounded pieces before synthesis (guided.speech.chunking): pure
logic, no engine needed."""

from __future__ import annotations

import unicodedata

import pytest

from guided.speech.chunking import MAX_PIECE_CHARS, pieces


def test_text_that_fits_is_left_whole() -> None:
    text = "Dr. Lee says: breathe in. Breathe out!  And rest."
    assert pieces(text) == ["Dr. Lee says: breathe in. Breathe out! And rest."]
    assert pieces("   ") == []


def test_a_run_on_sentence_is_cut_between_words_into_even_pieces() -> None:
    run_on = " ".join(["and the breath moves slowly"] * 200)  # 5,599 characters, no punctuation
    cut = pieces(run_on)
    assert " ".join(cut) == run_on  # every word, in order
    assert all(len(p) <= MAX_PIECE_CHARS for p in cut)
    fewest = -(-len(run_on) // MAX_PIECE_CHARS)
    assert fewest <= len(cut) <= fewest + 1  # as few as the word boundaries allow
    assert min(map(len, cut)) > max(map(len, cut)) / 2  # no stub at the end
    assert pieces(run_on) == cut  # same text, same pieces


def test_sentence_and_clause_ends_come_first() -> None:
    text = "Breathe in. " + "Soften your jaw, your shoulders, your hands; " * 20 + "Rest."
    cut = pieces(text)
    assert cut[0] == "Breathe in." and cut[-1].endswith("Rest.")
    assert all(len(p) <= MAX_PIECE_CHARS for p in cut)
    assert all(p.endswith((",", ";", ".")) for p in cut)
    sentences = " ".join(['She said "stop." Then she rested a while.'] * 12)
    assert all(p.endswith("while.") for p in pieces(sentences, 100))  # the quote stays


def test_scripts_without_spaces_are_cut_at_their_own_punctuation() -> None:
    text = "慢慢地呼吸，感受身体。" * 30  # 330 characters, no spaces at all
    cut = pieces(text)
    assert all(len(p) <= MAX_PIECE_CHARS for p in cut) and len(cut) == 2
    assert all(p.endswith("。") for p in cut)
    assert "".join(cut).replace(" ", "") == text


def test_a_word_longer_than_a_piece_keeps_its_clusters_together() -> None:
    assert pieces("x" * 1000) == ["x" * 200] * 5  # even, not 240 + 240 + 240 + 240 + 40
    hindi = "नमस्ते" * 100  # consonant clusters joined by a virama
    cut = pieces(hindi, 100)
    assert "".join(cut) == hindi and all(len(p) <= 100 for p in cut)
    for piece in cut:
        assert not unicodedata.combining(piece[0]) and unicodedata.category(piece[0]) != "Mc"
        assert unicodedata.combining(piece[-1]) != 9  # never ends on a virama
    family = "👩\u200d👩\u200d👧" * 40  # emoji joined by zero-width joiners
    assert all(not p.startswith("\u200d") and not p.endswith("\u200d") for p in pieces(family, 50))


@pytest.mark.parametrize("limit", [2, 7, 40, MAX_PIECE_CHARS])
def test_any_text_gives_pieces_within_the_limit(limit: int) -> None:
    text = ("Breathe... in; out — slowly, 慢慢地。 नमस्ते " + "a" * 300 + " end.") * 3
    cut = pieces(text, limit)
    assert cut and all(0 < len(p) <= limit for p in cut)
    assert "".join(cut).replace(" ", "") == text.replace(" ", "")
