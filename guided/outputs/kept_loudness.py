"""Loudness measurements kept between exports of the same audio.

An export measures its render (integrated loudness, true peak) before it can set the
gain, so it renders and measures a whole pass before the encoder starts. Exported again
(`export --all` after one practice changed, a bundle built again, the same practice for
another device), the audio is the same, and so is its measurement. It is kept in the
clip cache folder's ``loudness/``, one small file per render, named by a digest of what
the render is made of (``render_key``); the next export of the same audio renders,
measures and encodes in one pass.

What is kept is never trusted: the one pass measures what it renders anyway, and when
that differs in any bit from what was kept (a clip made again differently, a damaged or
tampered file, anything the digest did not see), the export is encoded again from the
same render with the gain its own measurement gives, and the kept value is replaced. A
file here that is not as guided writes it (a link, a pipe, too big, not JSON) is simply
not used. ``guided cache clear`` and ``prune`` remove these files with the clips.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import stat
from pathlib import Path

from guided import __version__
from guided.audio.loudness import Loudness
from guided.doors.keptfile import Damaged, kept_path, read_kept_json
from guided.errors import GuidedError
from guided.samples import ClipSource
from guided.speech.cache import KEPT_LOUDNESS as FOLDER
from guided.speech.cache import is_real_folder
from guided.timeline.plan import SPEECH, Timeline

MAX_BYTES = 1024  # a kept measurement is about 80 bytes
PLAUSIBLE = (-200.0, 30.0)  # LUFS and dBTP of any render float32 audio can hold, and more
REFRESH_SECONDS = 3600  # a measurement used is marked so at most once an hour (for `prune`)
_ADVICE = "guided keeps it only to export faster, and measures again instead"


def folder_for(clips: ClipSource) -> Path | None:
    """Where measurements are kept for renders of ``clips``: its clip cache folder's
    ``loudness/`` (a ``Speaker``), or nowhere for a source without a cache."""
    cache = getattr(clips, "cache", None)
    root = getattr(cache, "root", None)
    return Path(root) / FOLDER if isinstance(root, Path) else None


def render_key(timeline: Timeline, clips: ClipSource) -> str:
    """A digest of what the render of ``timeline`` is made of: guided's release, the
    sounds and their order and lengths, and for speech the clip's own cache key (voice,
    engine, rate and text) where ``clips`` can say it."""
    script = timeline.script
    key_of = getattr(clips, "key", None)
    digest = hashlib.sha256(
        f"{__version__}\x1f{timeline.sample_rate}\x1f{timeline.length}\x1f{script.ambience}"
        f"\x1f{script.ambience_volume!r}".encode("utf-8", "surrogatepass"))
    for ev in timeline.events:
        what = key_of(ev.text) if ev.kind == SPEECH and callable(key_of) else ev.text
        digest.update(f"\x1e{ev.kind}\x1f{ev.start}\x1f{ev.length}\x1f{ev.phase}\x1f{what}"
                      .encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


def recall(folder: Path, key: str) -> Loudness | None:
    """The measurement kept for ``key``, or None (none kept, or not one guided wrote)."""
    if not is_real_folder(folder):
        return None  # none kept yet, or a link to somewhere else: not guided's own
    path = kept_path(folder, f"{key}.json")
    try:
        data = read_kept_json(path, advice=_ADVICE, max_bytes=MAX_BYTES)
    except (Damaged, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    values = [_number(data.get(name)) for name in ("integrated", "true_peak")]
    if None in values:
        return None
    integrated, true_peak = values
    assert integrated is not None and true_peak is not None
    _used(path)
    return Loudness(integrated, true_peak)


def _used(path: Path) -> None:
    """Mark a measurement as used, as a clip is when read, so `guided cache prune` keeps
    what is in use (at most once an hour; never through a link)."""
    import time

    with contextlib.suppress(OSError, NotImplementedError):
        st = os.lstat(path)
        if stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime > REFRESH_SECONDS:
            os.utime(path, follow_symlinks=False)


def keep(folder: Path, key: str, measured: Loudness) -> None:
    """Keep ``measured`` for ``key``; a cache that cannot be written keeps nothing."""
    from guided.atomic import make_folder, write_atomic

    text = json.dumps({"integrated": _text(measured.integrated),
                       "true_peak": _text(measured.true_peak)})
    path = kept_path(folder, f"{key}.json")
    with contextlib.suppress(OSError, GuidedError):
        make_folder(folder)
        if not _ours(folder, path):
            return  # a link, a pipe, a folder where ours would be: left as it is, unused
        write_atomic(path, text)


def _ours(folder: Path, path: Path) -> bool:
    """Whether ``path`` may be written: a real folder, and a regular file or nothing there."""
    if not is_real_folder(folder):
        return False
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return True


def _text(value: float) -> str:
    """Exactly, as text: ``repr`` of a float reads back to the same bits; -inf is silence."""
    return repr(value)


def _number(value: object) -> float | None:
    """A level (LUFS or dBTP) as ``keep`` writes it: -inf (silence), or a finite level a
    render can have. Anything else (a gain of a billion dB would overflow) is not one."""
    if not isinstance(value, str) or len(value) > 32:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if number == -math.inf or PLAUSIBLE[0] <= number <= PLAUSIBLE[1]:
        return number
    return None
