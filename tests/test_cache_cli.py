"""``guided cache info|clear|prune`` as a user runs them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest

from guided.commands.speech import parse_age
from guided.errors import GuidedError
from guided.speech.cache import ClipCache, clip_key
from tests.helpers import one_line_error


def fill(root: Path, n: int, age_days: float = 0) -> list[Path]:
    cache = ClipCache(root)
    paths = []
    for i in range(n):
        key = clip_key("pyttsx3", "test", "v", 140, f"clip {i} aged {age_days}")
        path = cache.store(key, np.full(5000, i, dtype=np.int16))
        when = time.time() - age_days * 86400
        os.utime(path, (when, when))
        paths.append(path)
    return paths


def test_info_shows_location_count_and_size(tmp_path: Path, cli) -> None:
    fill(tmp_path, 3)
    run = cli("cache", "info", "--cache-dir", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert f"Location: {tmp_path}" in run.stdout
    assert "Clips:    3" in run.stdout and "30 KB" in run.stdout


def test_info_follows_guided_cache_dir(tmp_path: Path, cli) -> None:
    run = cli("cache", "info", env={"GUIDED_CACHE_DIR": str(tmp_path / "elsewhere")})
    assert run.returncode == 0 and str(tmp_path / "elsewhere") in run.stdout
    assert "Clips:    0" in run.stdout


@pytest.mark.parametrize("command", [("cache", "info"), ("cache", "clear", "--yes"),
                                     ("cache", "prune", "--older-than", "30d", "--yes"),
                                     ("preview", "grounding")])
def test_a_file_as_the_cache_names_what_pointed_at_it(tmp_path: Path, cli, command) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine")
    by_env = cli(*command, env={"GUIDED_CACHE_DIR": str(afile)})
    one_line_error(by_env, "GUIDED_CACHE_DIR points at", str(afile), "not a folder")
    assert "--cache-dir" not in by_env.stderr
    by_option = cli(*command, "--cache-dir", str(afile))
    assert by_option.returncode == 2 and by_option.stderr.count("\n") == 1, by_option.stderr
    assert "'--cache-dir'" in by_option.stderr and "not a folder" in by_option.stderr
    assert "GUIDED_CACHE_DIR" not in by_option.stderr
    assert afile.read_text() == "mine"


def test_clear_removes_everything(tmp_path: Path, cli) -> None:
    fill(tmp_path, 4)
    (tmp_path / "ab").mkdir(exist_ok=True)
    (tmp_path / "ab" / f".tmp-{dead_pid()}-ab12cd_3.clip").write_bytes(b"partial")  # a killed store
    run = cli("cache", "clear", "--yes", "--cache-dir", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "Deleted 4 clips" in run.stdout
    assert [p.name for p in tmp_path.iterdir()] == ["home"]  # the fan-out folders it emptied go too


def dead_pid() -> int:
    """A process number no process can have (above Linux's limit of 2**22 and macOS's 99999)."""
    return 9_999_999


def test_clear_and_prune_touch_nothing_guided_did_not_make(tmp_path: Path, cli) -> None:
    cache = tmp_path / "cache"
    # The tester's cache: empty folders named like fan-out folders, a note, a draft named
    # like a temporary file, and a folder ending in .clip.
    for n in range(1, 13):
        (cache / f"{n:02d}").mkdir(parents=True)
    (cache / "03" / "note.txt").write_text("mine")
    (cache / "04" / ".tmp-12345-draft.txt").write_text("mine")
    (cache / "04" / ".tmp-12345-draft12.clip").write_text("mine")
    (cache / "0a" / "mything.clip").mkdir(parents=True)
    (cache / "0a" / "mything.clip" / "data.txt").write_text("mine")
    (cache / "0a" / f"{'ab' * 32}.clip").write_text("mine: a clip's name, the wrong folder")
    (cache / "0a" / f"{'0a' * 32}.clip").mkdir()  # a folder with a clip's very name
    theirs = sorted(cache.rglob("*"))
    clips = fill(cache, 3, age_days=40)
    info = cli("cache", "info", "--cache-dir", str(cache))
    assert "Clips:    3" in info.stdout, info.stdout
    pruned = cli("cache", "prune", "--older-than", "30d", "--yes", "--cache-dir", str(cache))
    assert "Deleted 3 clips" in pruned.stdout, pruned.stdout + pruned.stderr
    assert not any(p.exists() for p in clips)
    fill(cache, 2)
    cleared = cli("cache", "clear", "--yes", "--cache-dir", str(cache))
    assert "Deleted 2 clips" in cleared.stdout, cleared.stdout + cleared.stderr
    assert sorted(cache.rglob("*")) == theirs


def test_prune_deletes_only_old_clips(tmp_path: Path, cli) -> None:
    old = fill(tmp_path, 2, age_days=40)
    new = fill(tmp_path, 3, age_days=2)
    run = cli("cache", "prune", "--older-than", "30d", "--cache-dir", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "Deleted 2 clips not used for 30 days" in run.stdout
    assert not any(p.exists() for p in old) and all(p.exists() for p in new)
    run = cli("cache", "prune", "--older-than", "1w", "--cache-dir", str(tmp_path))
    assert "Deleted 0 clips" in run.stdout and all(p.exists() for p in new)


def test_prune_with_a_bad_age_is_one_line(tmp_path: Path, cli) -> None:
    run = cli("cache", "prune", "--older-than", "soon", "--cache-dir", str(tmp_path))
    assert run.returncode == 1
    assert run.stderr.strip().count("\n") == 0 and "30d, 12h or 2w" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize("age", ["0d", "0h", "0w0d", "0.0m", "0s"])
def test_prune_refuses_an_age_of_zero(tmp_path: Path, cli, age: str) -> None:
    """0d once deleted every clip, "not used for 0 hours"."""
    kept = fill(tmp_path, 3)
    run = cli("cache", "prune", "--older-than", age, "--yes", "--cache-dir", str(tmp_path))
    one_line_error(run, "--older-than needs an age above zero", "guided cache clear")
    assert all(p.exists() for p in kept)


def test_prune_needs_a_unit(tmp_path: Path, cli) -> None:
    """A bare number once meant seconds, and so deleted the whole cache."""
    kept = fill(tmp_path, 3, age_days=2)
    run = cli("cache", "prune", "--older-than", "30", "--cache-dir", str(tmp_path))
    assert run.returncode == 1
    assert "--older-than needs a unit: 30d for 30 days" in run.stderr
    assert run.stderr.strip().count("\n") == 0 and "Traceback" not in run.stderr
    assert all(p.exists() for p in kept)


@pytest.mark.subprocess  # a real terminal (pty) needs a real process
@pytest.mark.parametrize(("answer", "left"), [("n", 5), ("y", 3)])
def test_prune_says_what_it_will_delete_and_asks_on_a_terminal(tmp_path: Path, answer: str,
                                                               left: int) -> None:
    from tests.test_own_scripts import run_in_terminal

    fill(tmp_path, 2, age_days=40)
    fill(tmp_path, 3, age_days=2)
    code, out = run_in_terminal(["cache", "prune", "--older-than", "30d", "--cache-dir",
                                 str(tmp_path)], answer)
    assert code == 0, out
    assert "Delete 2 clips of 5 (20 KB), not used for 30 days? [y/N]" in out
    assert ("Nothing was deleted" in out) == (answer == "n")
    assert ClipCache(tmp_path).info().entries == left


def test_a_cache_hit_counts_as_use(tmp_path: Path) -> None:
    (path,) = fill(tmp_path, 1, age_days=40)
    ClipCache(tmp_path).load(path.stem)
    assert time.time() - path.stat().st_mtime < 60
    assert ClipCache(tmp_path).prune(parse_age("30d")) == (0, 0)


@pytest.mark.parametrize(("text", "seconds"), [
    ("30d", 30 * 86400), ("12h", 12 * 3600), ("2w", 14 * 86400), ("1d12h", 36 * 3600),
    ("90m", 5400), ("1.5d", 1.5 * 86400),
])
def test_parse_age(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds


def test_parse_age_rejects_nonsense() -> None:
    for bad in ("", "d", "30x", "-3d", "30", "2.5"):
        with pytest.raises(GuidedError):
            parse_age(bad)


@pytest.mark.subprocess  # a real terminal (pty) needs a real process
@pytest.mark.parametrize(("answer", "left"), [("n", 2), ("y", 0)])
def test_clear_asks_first_on_a_terminal(tmp_path: Path, answer: str, left: int) -> None:
    from tests.pty_terminal import answer_on_terminal

    fill(tmp_path, 2)
    code, seen = answer_on_terminal(["cache", "clear", "--cache-dir", str(tmp_path)], answer,
                                    timeout=30)
    assert code == 0
    assert "Delete all 2 clips" in seen
    assert ("Nothing was deleted" in seen) == (answer == "n")
    assert ClipCache(tmp_path).info().entries == left


def test_a_small_cache_is_shown_in_bytes_not_as_nothing(tmp_path: Path, cli) -> None:
    ClipCache(tmp_path).store(clip_key("pyttsx3", "test", "v", 140, "Hi."), np.zeros(100, np.int16))
    info = cli("cache", "info", "--cache-dir", str(tmp_path))
    assert info.returncode == 0 and "Size:     224 bytes\n" in info.stdout, info.stdout
    cleared = cli("cache", "clear", "--yes", "--cache-dir", str(tmp_path))
    assert cleared.stdout == "Deleted 1 clip (224 bytes).\n", cleared.stdout
    empty = cli("cache", "info", "--cache-dir", str(tmp_path))
    assert "Size:     0 bytes\n" in empty.stdout, empty.stdout
