"""Each voice model's identity, remembered across runs.

The clip cache keys on a voice's identity (a sha256 of its ``.onnx`` and
``.onnx.json``), so a new or changed model never reuses audio made by another. The
model's hash is remembered in ``piper/voice-ids.json`` in the audio cache folder
(the one ``--cache-dir`` names), keyed by path, size and mtime, so the 63 MB model is
not re-read on every start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from pathlib import Path
from typing import Any

from guided.speech.piper.voices import PiperVoiceFiles


def piper_cache_dir(cache_dir: Path) -> Path:
    """``piper/`` in the audio cache folder: model hashes and optimized models."""
    return Path(cache_dir) / "piper"


def model_hash(files: PiperVoiceFiles, store: Path) -> str:
    """sha256 of the ``.onnx`` file, remembered in ``store`` by path, size and mtime."""
    stat = files.model.stat()
    key = f"{files.model.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    known = _read_json(store)
    digest = known.get(key)
    if not isinstance(digest, str):
        digest = _sha256(files.model)
        known[key] = digest
        from guided.errors import GuidedError

        with contextlib.suppress(OSError, GuidedError):  # a read-only cache only costs a re-hash
            _write_json(store, known)
    return digest


def voice_identity(files: PiperVoiceFiles, store: Path) -> str:
    """sha256 (16 hex digits) of the model and its config: what makes the voice."""
    config_hash = hashlib.sha256(files.config.read_bytes()).hexdigest()
    return hashlib.sha256(f"{model_hash(files, store)}{config_hash}".encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _read_json(path: Path) -> dict[str, Any]:
    """The remembered hashes, read through the kept-file door: a named pipe there (which
    made `say` wait for ever), a link, or JSON nested absurdly deep is passed over, and
    the model is hashed again."""
    from guided.doors.keptfile import Damaged, read_kept_json

    try:
        data = read_kept_json(path, advice="guided writes it again")
    except Damaged:
        return {}
    return data if isinstance(data, dict) else {}


def _write_json(path: Path, data: dict[str, Any]) -> None:
    from guided.atomic import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True))
