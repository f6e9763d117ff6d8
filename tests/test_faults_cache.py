"""Faults: the clip cache (guided/speech/cache.py).

Clips are opened without following links or waiting on pipes; anything that is not a
regular file where a clip belongs is treated as a damaged clip and replaced; what
cannot be read is one line naming the folder; ``cache clear`` and ``prune`` succeed
on any content and say so in one line when the cache cannot be changed; a ``clear``
running during an export never fails it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import one_line_error as _one_line

PRACTICE = "title: One line\nsteps:\n  - say: Let your shoulders soften.\n  - pause: 1s\n"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def practice(tmp_path: Path) -> Path:
    path = tmp_path / "one.yaml"
    path.write_text(PRACTICE)
    return path


def _only_clip(cache: Path) -> Path:
    (clip,) = [p for p in cache.rglob("*.clip") if not p.name.startswith(".")]
    return clip


def _prime(run, practice: Path, cache: Path, tmp_path: Path) -> Path:
    result = run("export", str(practice), "-o", str(tmp_path / "first.wav"),
                    "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    return _only_clip(cache)


def _as_plain_root(*args: str) -> list[str]:
    """The command as a user to whom permissions apply: root without its override of
    file permissions (chmod does not stop root otherwise)."""
    if os.geteuid() != 0:
        return list(args)
    return ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--", *args]


@pytest.mark.speech
def test_a_fifo_in_place_of_a_clip_neither_hangs_preview_nor_export(cli, practice, cache,
                                                                    tmp_path):
    # The case: a FIFO in place of a clip hung `preview` and `export`.
    clip = _prime(cli, practice, cache, tmp_path)
    clip.unlink()
    os.mkfifo(clip)
    preview = cli("preview", str(practice), "--cache-dir", str(cache), timeout=30)
    assert preview.returncode == 0, preview.stderr
    exported = cli("export", str(practice), "-o", str(tmp_path / "again.wav"),
                      "--cache-dir", str(cache), timeout=60)
    assert exported.returncode == 0, exported.stderr
    assert stat.S_ISREG(os.lstat(clip).st_mode)  # replaced by a real clip
    assert (tmp_path / "again.wav").stat().st_size == (tmp_path / "first.wav").stat().st_size


@pytest.mark.speech
@pytest.mark.parametrize("intruder", ["folder", "link", "socket"])
def test_anything_else_in_place_of_a_clip_is_replaced(cli, practice, cache, tmp_path, intruder):
    import socket

    clip = _prime(cli, practice, cache, tmp_path)
    clip.unlink()
    outside = tmp_path / "not-a-clip.txt"
    outside.write_text("someone's notes")
    held = None
    if intruder == "folder":
        (clip / "inside").mkdir(parents=True)
    elif intruder == "link":
        clip.symlink_to(outside)
    else:
        held = socket.socket(socket.AF_UNIX)
        here = os.getcwd()
        os.chdir(clip.parent)  # a socket's path must be short
        try:
            held.bind(clip.name)
        finally:
            os.chdir(here)
    try:
        result = cli("export", str(practice), "-o", str(tmp_path / "again.wav"),
                        "--cache-dir", str(cache), timeout=60)
    finally:
        if held:
            held.close()
    assert result.returncode == 0, result.stderr
    assert stat.S_ISREG(os.lstat(clip).st_mode)
    assert outside.read_text() == "someone's notes"  # a link is never followed


@pytest.mark.speech
def test_a_file_in_place_of_a_fan_out_folder_is_replaced(cli, practice, cache, tmp_path):
    clip = _prime(cli, practice, cache, tmp_path)
    folder = clip.parent
    for p in folder.iterdir():
        p.unlink()
    folder.rmdir()
    folder.write_text("not a folder")
    result = cli("export", str(practice), "-o", str(tmp_path / "again.wav"),
                    "--cache-dir", str(cache))
    assert result.returncode == 0, result.stderr
    assert folder.is_dir() and _only_clip(cache).is_file()


@pytest.mark.parametrize("what", ["clip", "folder"])
def test_an_unreadable_clip_or_folder_is_one_line_naming_the_folder(guided, practice, cache,
                                                                    tmp_path, what):
    clip = _prime(guided, practice, cache, tmp_path)
    target = clip if what == "clip" else clip.parent
    target.chmod(0)
    try:
        result = subprocess.run(_as_plain_root(
            sys.executable, "-m", "guided", "export", str(practice), "-o",
            str(tmp_path / "again.wav"), "--cache-dir", str(cache)),
            capture_output=True, text=True, timeout=60)
        _one_line(result, str(clip.parent))
        listed = subprocess.run(_as_plain_root(sys.executable, "-m", "guided", "cache", "clear",
                                               "-y", "--cache-dir", str(cache)),
                                capture_output=True, text=True, timeout=60)
        if what == "folder":
            _one_line(listed, str(clip.parent))
        else:  # a clip that cannot be read can still be deleted
            assert listed.returncode == 0, listed.stderr
    finally:
        with contextlib.suppress(FileNotFoundError):  # the clip itself was cleared
            target.chmod(0o755 if what == "folder" else 0o644)
    assert not (tmp_path / "again.wav").exists()


def test_clear_and_prune_succeed_on_any_content(cli, cache, tmp_path):
    outside = tmp_path / "keep.txt"
    outside.write_text("mine")
    (cache / "ab").mkdir(parents=True)
    os.mkfifo(cache / "ab" / f"{'ab' * 32}.clip")
    (cache / "ab" / f"{'ab' * 31}cd.clip").mkdir()
    (cache / "ab" / f"{'ab' * 31}ef.clip").symlink_to(outside)
    (cache / "ab" / f"{'ab' * 31}00.clip").write_bytes(b"short")
    os.mkfifo(cache / "cd")  # a pipe where a fan-out folder would be
    (cache / "ef").symlink_to(tmp_path)  # a link where a fan-out folder would be
    (cache / "notes.txt").write_text("not guided's")
    info = cli("cache", "info", "--cache-dir", str(cache))
    assert info.returncode == 0, info.stderr
    pruned = cli("cache", "prune", "--older-than", "30d", "--cache-dir", str(cache), timeout=30)
    assert pruned.returncode == 0, pruned.stderr
    cleared = cli("cache", "clear", "-y", "--cache-dir", str(cache), timeout=30)
    assert cleared.returncode == 0, cleared.stderr
    assert "Deleted 1 clip " in cleared.stdout  # the damaged regular file in a clip's place
    assert not (cache / "ab" / f"{'ab' * 31}00.clip").exists()
    # only guided's own files go: a pipe, a folder or a link is never a clip (each is
    # replaced when its clip is next made), and no link is followed
    assert stat.S_ISFIFO(os.lstat(cache / "ab" / f"{'ab' * 32}.clip").st_mode)
    assert (cache / "ab" / f"{'ab' * 31}cd.clip").is_dir()
    assert (cache / "ab" / f"{'ab' * 31}ef.clip").is_symlink()
    assert outside.read_text() == "mine" and (tmp_path / "keep.txt").exists()
    assert (cache / "notes.txt").read_text() == "not guided's"


@contextlib.contextmanager
def _unchangeable(folder: Path):
    """A folder whose entries cannot be removed, even by root (immutable), else read-only."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)


@pytest.mark.speech
def test_a_read_only_cache_is_one_line(cli, practice, cache, tmp_path):
    clip = _prime(cli, practice, cache, tmp_path)
    long_ago = time.time() - 40 * 86400
    os.utime(clip, (long_ago, long_ago))
    with _unchangeable(clip.parent):
        cleared = cli("cache", "clear", "-y", "--cache-dir", str(cache))
        _one_line(cleared, str(cache), "read-only")
        pruned = cli("cache", "prune", "--older-than", "30d", "--cache-dir", str(cache))
        _one_line(pruned, "read-only")
        # and the clips there still serve an export
        again = cli("export", str(practice), "-o", str(tmp_path / "again.wav"),
                       "--cache-dir", str(cache))
        assert again.returncode == 0, again.stderr
    assert clip.is_file()


def test_a_concurrent_clear_never_fails_an_export(guided, cache, tmp_path):
    # The case: `cache clear` during an export failed it with "choose another folder".
    script = tmp_path / "many.yaml"
    script.write_text("title: Many\nsteps:\n" + "".join(
        f"  - say: This is line number {i} of a longer practice.\n  - pause: 0.5s\n"
        for i in range(30)))
    clearer = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom guided.speech.cache import ClipCache\nc = ClipCache(sys.argv[1])\n"
         "n = 0\nwhile True:\n    c.clear(); n += 1\n    if n % 10 == 0: print(n, flush=True)\n"
         "    time.sleep(0.05)\n", str(cache)],
        stdout=subprocess.PIPE, text=True)
    try:
        for n in range(2):
            started = time.monotonic()
            result = guided("export", str(script), "-o", str(tmp_path / f"many{n}.mp3"),
                            "--cache-dir", str(cache), timeout=180)
            assert result.returncode == 0, result.stderr
            assert time.monotonic() - started < 170
    finally:
        clearer.kill()
        out, _ = clearer.communicate()
    assert clearer.returncode is not None and out.split(), "the clearing loop never ran"
