"""hibari's kept start-up files against what can go wrong with them (issue 20, items 4
and 8) and a newer hibari whose internals the quick start cannot rely on (issue 19,
item 5): each case still speaks with hibari's own samples, never hangs, and never
harms what is in a kept file's place."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from guided.speech import hibari_engine, hibari_fast, hibari_model
from guided.speech.hibari_fast import load_g2p
from guided.speech.hibari_model import make_tts

pytestmark = pytest.mark.speech
TEXT = "Let your shoulders soften, and notice the floor beneath you."


@pytest.fixture(autouse=True)
def fresh_check():
    hibari_fast.internals_as_expected.cache_clear()
    yield
    hibari_fast.internals_as_expected.cache_clear()


@pytest.fixture(scope="module")
def heart() -> Path:
    return hibari_engine.voice_files()["heart"][0]


@pytest.fixture(scope="module")
def reference(heart: Path):
    """hibari's own phonemizer and voice, built with its public constructors."""
    from hibari import Hibari
    from hibari.g2p import G2P

    g2p = G2P()
    return g2p, Hibari(voice="heart", model=str(heart), threads=1, g2p=g2p)


def _in_time(work, seconds: float = 60):
    """``work()``'s result, failing (not hanging) when it takes longer than ``seconds``."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still waiting after {seconds} s"
    return box[0]


def _g2p_path(folder: Path) -> Path:
    return folder / f"g2p-{hibari_fast._g2p_key(False)}.bin"


def test_a_fifo_in_place_of_the_kept_tables_neither_hangs_nor_is_replaced(tmp_path: Path,
                                                                         reference) -> None:
    folder = tmp_path / "hibari"
    folder.mkdir()
    os.mkfifo(_g2p_path(folder))
    g2p = _in_time(lambda: load_g2p(False, folder))
    assert g2p(TEXT) == reference[0](TEXT)
    assert stat.S_ISFIFO(os.lstat(_g2p_path(folder)).st_mode)  # left as it was


def test_a_link_in_place_of_the_kept_tables_is_not_followed(tmp_path: Path, reference) -> None:
    folder = tmp_path / "hibari"
    folder.mkdir()
    elsewhere = tmp_path / "someone-elses.bin"
    elsewhere.write_bytes(b"not guided's")
    _g2p_path(folder).symlink_to(elsewhere)
    assert load_g2p(False, folder)(TEXT) == reference[0](TEXT)
    assert elsewhere.read_bytes() == b"not guided's" and _g2p_path(folder).is_symlink()


@pytest.mark.parametrize("intruder", ["fifo", "link"])
def test_something_else_in_place_of_the_kept_model_is_left_alone(tmp_path: Path, heart: Path,
                                                                  reference, intruder: str) -> None:
    folder = tmp_path / "hibari"
    make_tts("heart", heart, reference[0], folder)
    kept = next(folder.glob("*.onnx"))
    kept.unlink()
    target = tmp_path / "target"
    target.write_bytes(b"keep me")
    os.mkfifo(kept) if intruder == "fifo" else kept.symlink_to(target)
    tts = _in_time(lambda: make_tts("heart", heart, reference[0], folder))
    assert np.array_equal(tts(TEXT, 0.7, 5), reference[1](TEXT, 0.7, 5))
    assert os.path.lexists(kept) and not stat.S_ISREG(os.lstat(kept).st_mode)
    assert target.read_bytes() == b"keep me"


def test_a_damaged_model_copy_that_still_loads_is_never_heard(tmp_path: Path, heart: Path,
                                                              reference) -> None:
    import onnxruntime as ort

    folder = tmp_path / "hibari"
    make_tts("heart", heart, reference[0], folder)
    kept = next(folder.glob("*.onnx"))
    good = kept.read_bytes()
    model = hibari_model._unseal(good)
    assert model is not None
    damaged = bytearray(good)
    for at in range(len(model) // 3, 2 * len(model) // 3, len(model) // 9):  # inside the weights
        damaged[at] ^= 0x40
    kept.write_bytes(bytes(damaged))
    still_loads = ort.InferenceSession(bytes(damaged[:len(model)]),
                                       providers=["CPUExecutionProvider"])
    assert hibari_model._probe(still_loads) != hibari_model._probe(
        ort.InferenceSession(model, providers=["CPUExecutionProvider"]))  # it would be heard
    tts = make_tts("heart", heart, reference[0], folder)
    assert np.array_equal(tts(TEXT, 0.7, 9), reference[1](TEXT, 0.7, 9))
    assert kept.read_bytes() == good  # made again, whole


def _a_newer_hibari(monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """hibari with one internal the quick start relies on removed, renamed or changed,
    its public constructors still working (as a new release would be)."""
    import hibari.g2p
    import hibari.tts
    from hibari import Hibari
    from hibari.g2p import G2P

    g2p_init, tts_init = G2P.__init__, Hibari.__init__
    if change == "_load_json renamed":
        load = hibari.g2p._load_json
        monkeypatch.delattr(hibari.g2p, "_load_json")
        monkeypatch.setattr(hibari.g2p, "_read_table", load, raising=False)

        def init(self, oov=None, unk="", british=False):  # the same, through the new name
            monkeypatch.setattr(hibari.g2p, "_load_json", load, raising=False)
            try:
                g2p_init(self, oov, unk, british)
            finally:
                monkeypatch.delattr(hibari.g2p, "_load_json")

        monkeypatch.setattr(G2P, "__init__", init)
    elif change == "G2P keeps another attribute":
        def init(self, *args, **kwargs):
            g2p_init(self, *args, **kwargs)
            self.numbers = None

        monkeypatch.setattr(G2P, "__init__", init)
    elif change == "Hibari keeps another attribute":
        def init(self, *args, **kwargs):
            tts_init(self, *args, **kwargs)
            self.sample_format = "f32"

        monkeypatch.setattr(Hibari, "__init__", init)
    elif change == "ASSETS moved":
        assets = hibari.tts.ASSETS
        monkeypatch.delattr(hibari.tts, "ASSETS")

        def init(self, *args, **kwargs):
            monkeypatch.setattr(hibari.tts, "ASSETS", assets, raising=False)
            try:
                tts_init(self, *args, **kwargs)
            finally:
                monkeypatch.delattr(hibari.tts, "ASSETS")

        monkeypatch.setattr(Hibari, "__init__", init)
    else:
        raise AssertionError(change)


@pytest.mark.parametrize("change", ["_load_json renamed", "G2P keeps another attribute",
                                    "Hibari keeps another attribute", "ASSETS moved"])
def test_a_newer_hibari_speaks_through_its_public_constructors(
        tmp_path: Path, heart: Path, reference, monkeypatch: pytest.MonkeyPatch,
        change: str) -> None:
    _a_newer_hibari(monkeypatch, change)
    assert not hibari_fast.internals_as_expected()
    folder = tmp_path / "hibari"
    g2p = load_g2p(False, folder)
    assert g2p(TEXT) == reference[0](TEXT)
    tts = make_tts("heart", heart, g2p, folder)
    assert np.array_equal(tts(TEXT, 0.7, 4), reference[1](TEXT, 0.7, 4))
    assert not folder.exists()  # nothing kept that this hibari might read otherwise


def test_the_installed_hibari_is_the_one_the_quick_start_knows() -> None:
    assert hibari_fast.internals_as_expected()


def test_a_model_that_takes_other_inputs_is_voiced_by_hibari_itself(
        tmp_path: Path, reference, monkeypatch: pytest.MonkeyPatch) -> None:
    """A session whose inputs are named otherwise: the engine leaves it to hibari's own
    ``from_ids`` rather than feeding it directly."""
    monkeypatch.setattr(hibari_model, "MODEL_INPUTS", frozenset({"tokens", "speed"}))
    engine = hibari_engine.HibariEngine(tmp_path / "hibari-inputs")
    pcm, _ = engine.synthesize(TEXT, None, 140)
    own = reference[1](TEXT, hibari_engine.speed(140), hibari_engine.clip_seed("heart", 140, TEXT))
    assert np.array_equal(pcm, own)


@pytest.mark.subprocess
@pytest.mark.parametrize("kept", ["g2p", "model"])
def test_export_with_a_fifo_in_place_of_a_kept_file_finishes(tmp_path: Path, kept: str) -> None:
    """Issue 20 item 4: export waited for ever on a FIFO named like the kept tables."""
    import onnxruntime as ort

    cache = tmp_path / "cache"
    folder = cache / "hibari"
    folder.mkdir(parents=True)
    if kept == "g2p":
        os.mkfifo(_g2p_path(folder))
    else:
        heart = hibari_engine.voice_files()["heart"][0]
        key = hashlib.sha256(f"{heart.name}|{heart.stat().st_size}|"
                             f"{hibari_fast.hibari_version()}".encode()).hexdigest()[:16]
        import platform

        os.mkfifo(folder / f"{heart.stem}-{key}-ort{ort.__version__}-{platform.machine()}.onnx")
    script = tmp_path / "short.yaml"
    script.write_text("title: Short\nsteps:\n  - say: Notice your feet on the floor.\n")
    out = tmp_path / "short.mp3"
    done = subprocess.run([sys.executable, "-m", "guided", "export", str(script), "-o", str(out),
                           "--engine", "hibari", "--cache-dir", str(cache)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GUIDED_ENGINE": "hibari"})
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 1000
    assert any(stat.S_ISFIFO(p.lstat().st_mode) for p in folder.iterdir())
