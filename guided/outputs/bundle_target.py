"""Where a bundle goes: the rules for its target and how it is moved into place.

A bundle folder has a marker file; ``--force`` replaces only a folder a bundle made. The
bundle is built in a hidden folder beside the target and renamed into place at the end
(or packed into the .zip), so an error or Ctrl-C leaves nothing half-written.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from guided.atomic import move_into_place, temp_name
from guided.errors import GuidedError
from guided.outputs.writer import Guard, check_target, plain_name, writing

AUDIO_DIR = "audio"
CAPTIONS_DIR = "captions"

MARKER = ".guided-bundle"  # in every bundle folder: `--force` replaces only folders that have it
MARKER_TEXT = "Made by `guided bundle`. `guided bundle --force` may replace this folder.\n"


def is_bundle_folder(path: Path) -> bool:
    """A folder a bundle provably made: its marker, a regular file read through the
    kept-file door (never a link or a pipe), says exactly what ``guided bundle`` writes
    in it. A folder that only looks like a bundle (index.html, README.txt, audio/) is
    someone's own, and ``--force`` never replaces it."""
    from guided.doors.keptfile import Damaged, read_kept

    try:
        return read_kept(path / MARKER, advice="", max_bytes=1024) == MARKER_TEXT.encode()
    except Damaged:
        return False


def check_bundle_target(out: Path, *, as_zip: bool, force: bool, guard: Guard) -> Path:
    """The output writer's rules for a bundle: a .zip is a file like any export; a folder
    is replaced (with --force) only if a previous bundle made it."""
    if as_zip:
        return check_target(out, force=force, guard=guard, what="the bundle")
    plain_name(out, "the bundle")
    real = Path(os.path.realpath(out))
    guard.check(out, "the bundle")
    if not real.exists():
        check_target(out, guard=None, what="the bundle")  # the folders on the way
        return real
    if not real.is_dir():
        raise GuidedError(f"{out} is a file; give a folder name, or a name ending in .zip")
    cwd = Path(os.path.realpath(Path.cwd()))
    if real == cwd or real in cwd.parents:
        raise GuidedError(f"{out} is the folder you are in (or holds it); choose a new folder name")
    if not is_bundle_folder(real):
        raise GuidedError(f"{out} is a folder that a bundle did not make; it is left as it is, "
                          "so choose a new folder name")
    if not force:
        raise GuidedError(f"{out} already exists; add --force to replace it, or choose another name")
    return real


def zip_root(out: Path) -> str:
    """The one folder inside the .zip: the file's name, made safe (never '..' or empty)."""
    name = out.stem.strip().strip(".")
    return re.sub(r"[/\\]", "-", name) or "bundle"


def _move_into_place(work: Path, out: Path, as_zip: bool, force: bool = False) -> None:
    for path in work.rglob("*"):
        if path.is_file():
            path.chmod(0o644)  # exports are written private; a bundle is meant to be shared
    if as_zip:
        root = zip_root(out)
        with writing(out, force=force) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(work.rglob("*")):
                if path.is_file() and path.name != MARKER:
                    archive.write(path, f"{root}/{path.relative_to(work).as_posix()}")
        shutil.rmtree(work, ignore_errors=True)
        return
    old = None
    if out.exists():  # --force on a previous bundle: swap the new folder in, then remove the old
        old = Path(tempfile.mkdtemp(prefix=temp_name(out), suffix=".building", dir=out.parent))
        move_into_place(out, old)  # the earlier bundle, set aside whole
    move_into_place(work, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
