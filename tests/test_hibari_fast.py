"""hibari's quick start (guided.speech.hibari_fast): the phonemizer tables and the
optimized model kept in the cache give exactly what hibari's own loading gives, are
written once, and a damaged copy never changes what is heard."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from guided.script.library import iter_library
from guided.speech import hibari_engine
from guided.speech.hibari_fast import load_g2p
from guided.speech.hibari_model import make_tts

pytestmark = pytest.mark.speech  # every test here builds hibari's phonemizer or model

TRICKY = [
    "Dr. Smith paid $9.99 on the 3rd of March 2024 at 7:30 pm.",
    "I read it yesterday; I'll read it again. Live music, lived lives.",
    "Flibbertigibbet, QX-12 and the U.S.A. — all 1,250 of them!",
    "Breathe in for 4, hold for 7, and out for 8.",
]


def _library_texts() -> list[str]:
    from guided.script.model import Say

    texts: list[str] = []

    def walk(steps) -> None:
        for step in steps:
            if isinstance(step, Say):
                texts.append(step.text)
            walk(getattr(step, "steps", ()) or ())

    for entry in iter_library():
        if entry.ok:
            walk(entry.script.steps)
    return texts


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = _library_texts()
    assert len(found) > 50  # the built-in library's spoken lines
    return found + TRICKY


@pytest.fixture(scope="module")
def reference():
    from hibari.g2p import G2P

    return G2P()


def test_kept_tables_phonemize_every_library_line_as_hibari_does(
        tmp_path: Path, texts: list[str], reference) -> None:
    folder = tmp_path / "hibari"
    made = load_g2p(False, folder)  # parses hibari's files and keeps the tables
    kept = [p for p in folder.iterdir() if p.name.startswith("g2p-")]
    assert len(kept) == 1 and kept[0].stat().st_size > 1_000_000
    fast = load_g2p(False, folder)  # from the kept tables, decoded as needed
    for text in texts:
        expected = reference(text)
        assert expected
        assert made(text) == expected and fast(text) == expected, text


def test_a_damaged_table_file_changes_nothing_heard(tmp_path: Path, texts: list[str],
                                                    reference) -> None:
    folder = tmp_path / "hibari"
    load_g2p(False, folder)
    kept = next(p for p in folder.iterdir() if p.name.startswith("g2p-"))
    data = bytearray(kept.read_bytes())
    clean = bytes(data)
    for at in range(len(data) // 3, len(data), len(data) // 7):  # damage a few shards
        data[at] ^= 0xFF
    kept.write_bytes(bytes(data))
    damaged = load_g2p(False, folder)
    for text in texts[:40] + TRICKY:
        assert damaged(text) == reference(text), text
    # the damaged copy is removed once noticed, and made again whole by the next start
    # (it was kept, so every start fell back to hibari's own slow tables for good)
    assert not kept.exists()
    load_g2p(False, folder)
    assert kept.read_bytes() == clean
    kept.write_bytes(b"not a table file")  # unreadable header: made again
    assert load_g2p(False, folder)(TRICKY[0]) == reference(TRICKY[0])
    assert kept.stat().st_size > 1_000_000


def test_british_tables_too(tmp_path: Path) -> None:
    from hibari.g2p import G2P

    folder = tmp_path / "hibari"
    load_g2p(True, folder)
    fast, british = load_g2p(True, folder), G2P(british=True)
    for text in TRICKY + ["The colour of the harbour, the tomato and the schedule."]:
        assert fast(text) == british(text)


def test_kept_model_gives_the_same_samples_as_hibari(tmp_path: Path, reference) -> None:
    from hibari import Hibari

    path, _info = hibari_engine.voice_files()["heart"]
    plain = Hibari(voice="heart", model=str(path), threads=1, g2p=reference)
    folder = tmp_path / "hibari"
    first = make_tts("heart", path, reference, folder)  # optimizes, checks and keeps
    kept = [p for p in folder.iterdir() if p.suffix == ".onnx"]
    assert len(kept) == 1
    again = make_tts("heart", path, reference, folder)  # loads the kept copy
    for text in TRICKY[:2] + ["Let your shoulders soften."]:
        expected = plain(text, 0.7, 11)
        assert len(expected) > 10_000
        assert np.array_equal(first(text, 0.7, 11), expected)
        assert np.array_equal(again(text, 0.7, 11), expected)
    kept[0].write_bytes(b"damaged")
    mended = make_tts("heart", path, reference, folder)
    assert np.array_equal(mended(TRICKY[0], 0.7, 3), plain(TRICKY[0], 0.7, 3))
    assert kept[0].stat().st_size > 1_000_000  # made again


def test_the_engine_keeps_its_files_in_the_cache_folder(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    engine = hibari_engine.create(cache_dir=cache)
    pcm, rate = engine.synthesize("Notice your feet on the floor.", None, 140)
    assert rate == 24000 and len(pcm) > 10_000
    names = sorted(p.suffix for p in (cache / "hibari").iterdir())
    assert names == [".bin", ".json", ".onnx"]  # tables, facts (hibari_facts), model
    plain, _ = hibari_engine.HibariEngine().synthesize("Notice your feet on the floor.", None, 140)
    assert np.array_equal(pcm, plain)


def test_play_preloads_the_default_voice_only_when_it_is_the_likely_one(tmp_path: Path) -> None:
    for engine, voices in (("pyttsx3", (None, None)), ("auto", ("gmw/de", None)),
                           ("auto", (None, "en_US-joe-medium"))):
        hibari_engine.preload(engine, voices, tmp_path / "other")
    assert not (tmp_path / "other").exists()
    cache = tmp_path / "cache"
    hibari_engine.preload("auto", (None, None), str(cache))
    hibari_engine._finish_warming()  # what happens at exit, too
    assert ("heart", cache / "hibari") in hibari_engine._MODELS  # the Speaker's engine finds it
    assert hibari_engine._G2PS[False, cache / "hibari"]._ready.wait(60)  # loads beside the model
    assert sorted(p.suffix for p in (cache / "hibari").iterdir()) == [".bin", ".json", ".onnx"]
