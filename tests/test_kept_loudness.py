"""Loudness measurements kept between exports (guided.outputs.kept_loudness): the same
audio exported again is rendered once, and gives the very same file; what is kept is
never trusted, so a wrong, damaged or hostile kept file changes nothing the listener
gets, and `guided cache clear` and `prune` take the measurements with the clips."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

import guided.outputs.export as export_module
from guided.speech.cache import KEPT_LOUDNESS

SCRIPT = """\
format: 1
title: Kept loudness
steps:
  - bell
  - say: Let your shoulders soften.
  - pause: 2s
  - say: And notice the floor under you.
  - bell: {sound: chime}
"""
TONES = ("--engine", "test")  # what is measured matters here, not the voice


@pytest.fixture
def practice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GUIDED_CACHE_DIR", str(tmp_path / "cache"))  # its own measurements
    path = tmp_path / "kept.yaml"
    path.write_text(SCRIPT)
    return path


@pytest.fixture
def passes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What each export went through: "render" (render and measure), "reread" (read
    the render back to encode it once measured)."""
    seen: list[str] = []
    render, reread = export_module.render, export_module._Spool.read

    def rendering(*args, **kwargs):
        seen.append("render")
        return render(*args, **kwargs)

    def rereading(self):
        seen.append("reread")
        return reread(self)

    monkeypatch.setattr(export_module, "render", rendering)
    monkeypatch.setattr(export_module._Spool, "read", rereading)
    return seen


def _export(cli, practice: Path, out: Path, fmt: str = "mp3") -> bytes:
    result = cli("export", str(practice), "-o", str(out), "--format", fmt, "--force", *TONES)
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def _kept(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "cache" / KEPT_LOUDNESS
    return sorted(folder.iterdir()) if folder.is_dir() else []


@pytest.mark.parametrize("fmt", ["mp3", "flac"])
def test_the_same_audio_again_is_encoded_in_one_pass_into_the_same_file(cli, practice, tmp_path, passes, fmt):
    first = _export(cli, practice, tmp_path / f"a.{fmt}", fmt)
    assert passes == ["render", "reread"]  # measured first, then encoded
    (kept,) = _kept(tmp_path)
    values = json.loads(kept.read_text())
    assert set(values) == {"integrated", "true_peak"} and float(values["integrated"]) < 0
    again = _export(cli, practice, tmp_path / f"b.{fmt}", fmt)
    assert passes == ["render", "reread", "render"]  # encoded while rendered and measured
    assert again == first and len(_kept(tmp_path)) == 1
    other = tmp_path / "other.yaml"  # other audio: measured first again
    other.write_text(SCRIPT.replace("floor under you", "chair under you"))
    _export(cli, other, tmp_path / f"c.{fmt}", fmt)
    assert passes[3:] == ["render", "reread"] and len(_kept(tmp_path)) == 2


def test_a_wrong_measurement_kept_is_found_and_mended(cli, practice, tmp_path, passes):
    right = _export(cli, practice, tmp_path / "right.mp3")
    (kept,) = _kept(tmp_path)
    true_values = json.loads(kept.read_text())
    wrong = {"integrated": repr(float(true_values["integrated"]) - 6.0),
             "true_peak": true_values["true_peak"]}
    kept.write_text(json.dumps(wrong))  # 6 dB off: the file would come out 6 dB too loud
    passes.clear()
    assert _export(cli, practice, tmp_path / "again.mp3") == right
    assert passes == ["render", "reread"]  # encoded with it, found wrong, encoded again
    assert json.loads(kept.read_text()) == true_values


@pytest.mark.timeout(30)
@pytest.mark.parametrize("damage", ["fifo", "link", "huge", "garbage", "nested", "floats", "nan",
                                    "inf", "not-utf8", "folder", "billion", "loud"])
def test_a_hostile_kept_file_is_never_used_or_followed(cli, practice, tmp_path, damage):
    right = _export(cli, practice, tmp_path / "right.mp3")
    (kept,) = _kept(tmp_path)
    true_values = kept.read_text()
    kept.unlink()
    mine = tmp_path / "my-notes.json"  # the user's own file, which a link points at
    mine.write_text('{"integrated": "-40.0", "true_peak": "-20.0"}')
    if damage == "fifo":
        os.mkfifo(kept)
    elif damage == "link":
        kept.symlink_to(mine)
    elif damage == "folder":
        kept.mkdir()
    else:
        kept.write_bytes({
            "huge": b'{"integrated": "-25.0", "true_peak": "-6.0", "x": "' + b"a" * 100_000 + b'"}',
            "garbage": b"<html>{{ integrated }}</html>",
            "nested": b"[" * 5000 + b"]" * 5000,
            "floats": b'{"integrated": -40.0, "true_peak": -20.0}',
            "nan": b'{"integrated": "nan", "true_peak": "-6.0"}',
            "inf": b'{"integrated": "inf", "true_peak": "inf"}',
            "not-utf8": b'{"integrated": "-25\xff", "true_peak": "-6.0"}',
            # a gain of a billion dB overflowed the encoder's gain (a review found it)
            "billion": b'{"integrated": "-1e9", "true_peak": "-6.0"}',
            "loud": b'{"integrated": "-20.0", "true_peak": "1e6"}',
        }[damage])
    assert _export(cli, practice, tmp_path / "again.mp3") == right
    assert mine.read_text() == '{"integrated": "-40.0", "true_peak": "-20.0"}'
    if damage in ("fifo", "link", "folder"):
        assert not kept.is_file() or kept.is_symlink()  # left as it is: never written through
    else:
        assert kept.is_file() and not kept.is_symlink() and kept.read_text() == true_values


def test_a_linked_measurements_folder_is_neither_read_nor_written(cli, practice, tmp_path):
    right = _export(cli, practice, tmp_path / "right.mp3")
    (kept,) = _kept(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    kept.parent.rename(elsewhere)
    (tmp_path / "cache" / KEPT_LOUDNESS).symlink_to(elsewhere)
    (elsewhere / kept.name).write_text('{"integrated": "-40.0", "true_peak": "-20.0"}')
    assert _export(cli, practice, tmp_path / "again.mp3") == right
    assert (elsewhere / kept.name).read_text() == '{"integrated": "-40.0", "true_peak": "-20.0"}'


def test_a_cache_that_cannot_be_written_still_exports(cli, practice, tmp_path):
    right = _export(cli, practice, tmp_path / "right.mp3")
    for path in _kept(tmp_path):
        path.unlink()
    folder = tmp_path / "cache" / KEPT_LOUDNESS
    folder.rmdir()
    folder.write_text("a file where the folder would be")
    assert _export(cli, practice, tmp_path / "again.mp3") == right
    assert folder.read_text() == "a file where the folder would be"


def test_cache_clear_and_prune_take_the_measurements_and_nothing_else(cli, practice, tmp_path):
    _export(cli, practice, tmp_path / "a.mp3")
    (kept,) = _kept(tmp_path)
    folder = kept.parent
    (folder / "notes.txt").write_text("mine")
    os.utime(kept, (1_000_000, 1_000_000))  # long unused
    assert cli("cache", "prune", "--older-than", "30d", "--yes").returncode == 0
    assert not kept.exists() and (folder / "notes.txt").read_text() == "mine"
    _export(cli, practice, tmp_path / "b.mp3")
    assert len([p for p in _kept(tmp_path) if p.suffix == ".json"]) == 1
    left = folder / f".{kept.name}.999999999.abcd_123.part"  # a write killed long ago
    left.write_text("{")
    os.utime(left, (1_000_000, 1_000_000))
    assert cli("cache", "clear", "--yes").returncode == 0
    assert [p.name for p in _kept(tmp_path)] == ["notes.txt"]


def test_two_exports_at_once_share_the_measurement(cli, practice, tmp_path):
    """`export --all` exports two practices at a time; two of the same audio at once
    each write the same measurement whole."""
    from guided.outputs.export import export_timeline
    from guided.practice.chosen import Chosen
    from guided.practice.prepare import prepare
    from guided.script.loader import load_script
    from guided.speech.choice import VoiceChoice

    script = load_script(practice)
    chosen = Chosen(tmp_path / "cache", voice=VoiceChoice(engine="test"))
    outputs: dict[int, bytes] = {}
    errors: list[BaseException] = []

    def one(n: int) -> None:
        try:
            with prepare(script, chosen) as prep:
                export_timeline(prep.timeline, prep.speaker, tmp_path / f"{n}.mp3", fmt="mp3")
            outputs[n] = (tmp_path / f"{n}.mp3").read_bytes()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(set(outputs.values())) == 1
    (kept,) = _kept(tmp_path)
    assert set(json.loads(kept.read_text())) == {"integrated", "true_peak"}


def test_an_error_while_rendering_is_not_taken_for_a_failed_write(tmp_path):
    """The render runs inside the encoder's loop in one pass: a clip that cannot be read
    is reported as itself, never as "cannot write the audio in FOLDER"."""
    import errno

    import numpy as np

    from guided.outputs.encode import encode

    def blocks():
        yield np.full(2400, 0.1, np.float32)
        raise OSError(errno.EIO, "Input/output error", "clip.clip")

    for fmt in ("mp3", "flac"):
        with pytest.raises(OSError) as caught:
            encode(blocks(), tmp_path / f"x.{fmt}", fmt)
        assert caught.value.errno == errno.EIO and caught.value.filename == "clip.clip"


def test_a_kept_value_that_overflows_the_gain_is_measured_again(cli, practice, tmp_path, passes,
                                                                 monkeypatch):
    """Belt and braces behind the plausible range `recall` keeps to: if a kept value ever
    made the gain overflow, the export measures first and comes out the same."""
    from guided.audio.loudness import Loudness
    from guided.outputs import kept_loudness

    right = _export(cli, practice, tmp_path / "right.mp3")
    monkeypatch.setattr(kept_loudness, "recall", lambda folder, key: Loudness(-1e9, -6.0))
    passes.clear()
    assert _export(cli, practice, tmp_path / "again.mp3") == right
    assert passes == ["render", "reread"]  # the gain overflowed before a block: measured first
