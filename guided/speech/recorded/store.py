"""Where a recorded voice lives: ``GUIDED_HOME/voices/NAME/``.

Recordings are a therapist's own work and cannot be made again, so they live in the
user data folder (never in the audio cache, which ``guided cache clear`` and
``prune`` empty) and every file is written whole or not at all::

    voices/anna/voice.json              which line each take speaks (the text, as said)
    voices/anna/takes/<key>-<hash>.wav  the take as recorded or imported (16-bit PCM),
                                        named by its line's key and its content's sha256
    voices/anna/.lock                   held while voice.json is read, changed and written

A line's key is a hash of its normalised text (Unicode NFC, whitespace collapsed, as
the clip cache uses), so the same sentence in two practices is recorded once. Takes
are kept as they came from the microphone or the file: preparing them for playback
(``guided.speech.recorded.takes``) happens on use, and its result is cached.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from guided.atomic import replacing, write_atomic
from guided.doors.keptfile import Damaged, kept_path, read_kept_json
from guided.errors import GuidedError, disk_problem
from guided.paths import guided_home
from guided.pcm import to_int16
from guided.speech.cache import normalise

FORMAT = 1
MANIFEST = "voice.json"
LOCK = ".lock"  # held while voice.json is read, changed and written (guided.portable.locked)
LOCK_SECONDS = 30.0  # how long a take waits for another guided changing the same voice
TAKES = "takes"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_TAKE_NAME = re.compile(r"^takes/([0-9a-f]{32})-([0-9a-f]{16})\.wav$")  # as keep() names a take
MANIFEST_BYTES = 16 * 1024 * 1024  # about 40,000 lines: far beyond any voice
DAMAGED_ADVICE = "restore it from a backup, or remove the voice with `guided voices remove` and record it again"


def voices_dir() -> Path:
    return guided_home() / "voices"


def line_key(text: str) -> str:
    """The key of a line: a hash of its normalised text."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:32]


def check_name(name: str) -> str:
    """A voice name as stored (lower case); a one-line error for one that cannot be a folder."""
    clean = (name or "").strip().lower()
    if not _NAME.match(clean):
        raise GuidedError(
            f"{name!r} cannot name a voice: use up to 40 letters, digits, '-' or '_', "
            "starting with a letter or digit (for example --as anna)")
    return clean


@dataclass(frozen=True)
class Line:
    key: str
    text: str
    file: str  # relative to the voice folder
    sha256: str  # of the take file: a new take makes a new prepared clip
    source: str  # "recorded" or "imported"


class VoiceStore:
    """One recorded voice's folder. Reads are cheap; ``keep`` writes one take."""

    def __init__(self, name: str, root: Path | None = None):
        self.name = check_name(name)
        self.folder = (root or voices_dir()) / self.name
        self._lines: dict[str, Line] | None = None

    @classmethod
    def find(cls, name: str | None, root: Path | None = None) -> VoiceStore | None:
        """The recorded voice called ``name``, or None if there is none."""
        if not name or not _NAME.match(name.strip().lower()):
            return None
        store = cls(name, root)
        return store if store.exists() else None

    def exists(self) -> bool:
        """Whether the voice is there: anything named voice.json in its folder (a damaged
        one, a link, a pipe counts, and is listed as damaged)."""
        return os.path.lexists(self.folder / MANIFEST)

    def lines(self) -> dict[str, Line]:
        if self._lines is None:
            self._lines = self._read()
        return self._lines

    def has(self, text: str) -> bool:
        """Whether ``text`` has a take (its file there, a regular file and not a link: a
        lost file counts as not recorded)."""
        line = self.line(text)
        if line is None:
            return False
        try:
            return stat.S_ISREG(os.lstat(self.take_path(line)).st_mode)
        except OSError:
            return False

    def line(self, text: str) -> Line | None:
        return self.lines().get(line_key(text))

    def take_path(self, line: Line) -> Path:
        """Where ``line``'s take is: always a file guided named, inside ``takes/`` (a
        ``Line`` is only made for such a name, see ``is_take_name``)."""
        if not is_take_name(line.file, line.key):
            raise GuidedError(f"{self.folder / MANIFEST} names {line.file!r} as a take, which is "
                              f"not a file guided made; {DAMAGED_ADVICE}")
        return self.folder / line.file

    def read_take(self, line: Line) -> tuple[np.ndarray, int]:
        """The take as float32 (frames, channels) and its sample rate."""
        from guided.doors.audio import read_take

        return read_take(self.take_path(line), inside=self.folder / TAKES)

    def keep(self, text: str, samples: np.ndarray, rate: int, source: str = "recorded") -> Line:
        """Store a take for ``text`` (float samples, mono or (frames, channels)).

        The take is written under a name of its own (the line's key and its content's
        hash), then voice.json, re-read and rewritten atomically while holding the voice's
        lock (two ``guided record`` runs at once both keep their takes), and only then is
        a take it replaces removed: a failure at any point leaves the voice as it was."""
        key = line_key(text)
        takes = self.folder / TAKES
        try:
            takes.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GuidedError(f"cannot keep recordings in {self.folder}: {exc.strerror or exc}") from exc
        data = wav_bytes(samples, rate)
        digest = hashlib.sha256(data).hexdigest()
        line = Line(key, normalise(text), f"{TAKES}/{key}-{digest[:16]}.wav", digest, source)
        with self._locked():
            lines = self._read()  # as it is now: another run may have kept takes meanwhile
            old = lines.get(key)
            new_file = self.take_path(line)
            fresh = not new_file.is_file()
            if fresh:
                try:
                    with replacing(new_file) as tmp:
                        tmp.write_bytes(data)
                except OSError as exc:
                    raise GuidedError(f"cannot keep the take in {takes}: "
                                      f"{_why(exc)}") from None
            lines[key] = line
            try:
                self._write(lines)
            except BaseException:
                if fresh:
                    new_file.unlink(missing_ok=True)
                raise
            if old is not None and old.file != line.file \
                    and all(other.file != old.file for other in lines.values()):
                # an old take left behind is untidy, never wrong: voice.json names the new one
                self._remove_take(old)
        return line

    def _remove_take(self, line: Line) -> None:
        """Remove a replaced take: only a regular file guided named, in a real ``takes/``
        folder of this voice (not a link to elsewhere)."""
        with suppress(OSError, GuidedError):
            path = self.take_path(line)
            if stat.S_ISDIR(os.lstat(self.folder / TAKES).st_mode) \
                    and stat.S_ISREG(os.lstat(path).st_mode):
                path.unlink()

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the voice's lock for a read-change-write of voice.json."""
        from guided.portable import LockTimeout, locked

        try:
            with locked(self.folder / LOCK, LOCK_SECONDS):
                yield
        except LockTimeout:
            raise GuidedError(f"{self.name}'s voice is being changed by another guided (a "
                              "recording or an import) that has not finished; try again when it "
                              "has") from None

    def speaking(self, samples: np.ndarray, rate: int) -> Line | None:
        """The line whose take is exactly this audio (as ``keep`` would store it), if any."""
        digest = take_digest(samples, rate)
        return next((line for line in self.lines().values() if line.sha256 == digest), None)

    def take_files(self) -> int:
        """How many take files the folder holds (also when voice.json cannot be read)."""
        try:
            return sum(1 for p in (self.folder / TAKES).iterdir() if p.is_file())
        except OSError:
            return 0

    def remove(self) -> None:
        """Delete the voice folder; a folder that is a link elsewhere is refused (and
        nothing it points to is touched)."""
        self.refuse_a_link()
        try:
            shutil.rmtree(self.folder)
        except OSError as exc:
            raise GuidedError(f"cannot remove {self.folder}: {exc.strerror or exc}") from None
        finally:
            self._lines = None

    def refuse_a_link(self) -> None:
        if self.folder.is_symlink():
            raise GuidedError(f"{self.folder} is a link to {os.path.realpath(self.folder)}, not a "
                              "folder guided made, so nothing was deleted; remove the link "
                              "yourself if you no longer want this voice")

    # -- the manifest ----------------------------------------------------------------
    def _read(self) -> dict[str, Line]:
        """voice.json through the kept-file door (``guided.doors.keptfile``). A line whose
        take is not named as guided names takes (a path elsewhere, ``voice.json`` itself,
        a device) counts as not recorded: nothing outside ``takes/`` is read or removed."""
        path = kept_path(self.folder, MANIFEST)
        unread = f"cannot read the recorded voice {self.name!r}: "
        try:
            data = read_kept_json(path, advice=DAMAGED_ADVICE, max_bytes=MANIFEST_BYTES)
        except Damaged as exc:
            raise GuidedError(unread + exc.message) from None
        if data is None:
            return {}
        entries = data.get("lines") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            raise GuidedError(f"{unread}{path} looks damaged (it does not list the takes as "
                              f"guided writes it); {DAMAGED_ADVICE}")
        assert isinstance(data, dict)
        written = data.get("format", FORMAT)
        if not isinstance(written, int) or isinstance(written, bool) or written > FORMAT:
            raise GuidedError(f"{unread}{path} was written by a newer version of guided (format "
                              f"{written!r}); this one leaves it as it is: use the newer guided "
                              "for this voice")
        lines = {}
        for key, item in entries.items():
            try:
                line = Line(key, str(item["text"]), str(item["file"]), str(item["sha256"]),
                            str(item.get("source", "recorded")))
            except (KeyError, TypeError):
                continue  # a damaged entry: that line counts as not recorded
            if is_take_name(line.file, key):
                lines[key] = line
        return lines

    def _write(self, lines: dict[str, Line]) -> None:
        data = {"format": FORMAT, "name": self.name,
                "lines": {k: {"text": v.text, "file": v.file, "sha256": v.sha256,
                              "source": v.source} for k, v in sorted(lines.items())}}
        path = self.folder / MANIFEST
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
        except OSError as exc:  # named as the user knows it, never by its temporary name
            raise GuidedError(f"cannot change {path}, so the take was not kept and the voice "
                              f"is as it was: {_why(exc)}") from None
        self._lines = lines


def is_take_name(file: str, key: str) -> bool:
    """Whether ``file`` (relative to the voice folder) is a take guided made for the line
    ``key``: ``takes/<key>-<hash>.wav``, nothing else."""
    match = _TAKE_NAME.match(file)
    return match is not None and match.group(1) == key


def recorded_voices(root: Path | None = None) -> list[VoiceStore]:
    """Every recorded voice, by name."""
    folder = root or voices_dir()
    if not folder.is_dir():
        return []
    found = []
    for sub in sorted(folder.iterdir()):
        store = VoiceStore.find(sub.name, folder) if sub.is_dir() else None
        if store is not None:
            found.append(store)
    return found


def _why(exc: OSError) -> str:
    """Why a file in the voice folder could not be written (a full disk with its advice;
    otherwise the system's words, since "choose another folder" does not apply here)."""
    import errno

    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return disk_problem(exc)
    return (exc.strerror or str(exc)).lower()


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    """A take file's bytes: 16-bit PCM WAV (mono, or (frames, channels)), written by
    soundfile a block at a time so a long take never needs a float64 copy of itself.
    (The bytes are the ones the standard library's ``wave`` wrote before, so a take's
    sha256 in voice.json stays the same: tests/test_record_store.py.)"""
    import soundfile as sf

    data = np.asarray(samples)
    channels = 1 if data.ndim == 1 else data.shape[1]
    out = io.BytesIO()
    with sf.SoundFile(out, "w", int(rate), channels, subtype="PCM_16", format="WAV") as w:
        for start in range(0, len(data), 1 << 18):
            w.write(to_int16(data[start:start + (1 << 18)]))
    return out.getvalue()


def take_digest(samples: np.ndarray, rate: int) -> str:
    """The sha256 a take of these samples has in voice.json."""
    return hashlib.sha256(wav_bytes(samples, rate)).hexdigest()
