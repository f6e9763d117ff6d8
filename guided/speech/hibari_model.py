"""hibari's voice model, quick to start: onnxruntime's optimized copy of it kept in the
audio cache's ``hibari/`` folder (see ``guided.speech.hibari_fast`` for the tables).

The copy ends with a marker and the SHA-256 of the model bytes before it; it is read
only when it is a regular file and used only when the digest matches, so a damaged
copy that would still load is never heard (it is made again). ``make_tts`` builds
hibari's ``Hibari`` around that session, or calls hibari's own constructor when its
internals are not as this module expects.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import threading
from pathlib import Path
from typing import Any

from guided.speech.hibari_fast import (
    _LOCK,
    _is_other_than_a_file,
    _read_kept,
    _write_atomically,
    hibari_version,
    internals_as_expected,
)

MODEL_MAGIC = b"guided-hibari-model-sha256\n"  # ends a kept model copy, before its digest
MODEL_INPUTS = frozenset({"ids", "speed"})


def _options(ort: Any, optimized: bool, threads: int) -> Any:
    so = ort.SessionOptions()
    so.intra_op_num_threads = so.inter_op_num_threads = threads
    so.log_severity_level = 3
    levels = ort.GraphOptimizationLevel
    so.graph_optimization_level = levels.ORT_DISABLE_ALL if optimized else levels.ORT_ENABLE_EXTENDED
    return so


def _probe(session: Any) -> bytes:
    """A short fixed input through the model: what the kept copy must reproduce."""
    import numpy as np

    ids = np.asarray([[0, *range(10, 50), 0]], np.int64)
    out = session.run(None, {"ids": ids, "speed": np.asarray([0.7], np.float32)})
    return hashlib.sha256(b"".join(np.ascontiguousarray(o).tobytes() for o in out)).digest()


def _seal(model_bytes: bytes) -> bytes:
    """A kept model copy: the model, then a marker and the SHA-256 of the model."""
    from guided.doors.keptfile import seal

    return seal(model_bytes, MODEL_MAGIC)


def _unseal(data: bytes | None) -> bytes | None:
    """The model inside a kept copy, or None unless its digest matches."""
    from guided.doors.keptfile import unseal

    return unseal(data, MODEL_MAGIC)


def model_session(model: Path, folder: Path | None, threads: int = 1) -> Any:
    """An onnxruntime session for a hibari voice model, from the kept optimized copy
    (made now, checked against the model itself, when it is not there yet). A copy
    whose digest does not match is never used: it is made again."""
    import onnxruntime as ort

    st = model.stat()
    providers = ["CPUExecutionProvider"]
    if folder is None:
        return ort.InferenceSession(str(model), _options(ort, False, threads), providers=providers)
    key = hashlib.sha256(f"{model.name}|{st.st_size}|{hibari_version()}".encode()).hexdigest()[:16]
    kept = folder / f"{model.stem}-{key}-ort{ort.__version__}-{platform.machine()}.onnx"
    if _is_other_than_a_file(kept):  # not guided's: left alone, optimized in memory
        return ort.InferenceSession(str(model), _options(ort, False, threads), providers=providers)
    sealed = _unseal(_read_kept(kept))
    if sealed is not None:
        try:
            return ort.InferenceSession(sealed, _options(ort, True, threads), providers=providers)
        except Exception:  # noqa: BLE001 - made again below
            pass
    with _LOCK:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{kept.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        except OSError:  # a read-only cache folder: optimize in memory each time
            return ort.InferenceSession(str(model), _options(ort, False, threads), providers=providers)
        so = _options(ort, False, threads)
        so.optimized_model_filepath = str(tmp)
        session = ort.InferenceSession(str(model), so, providers=providers)
        try:
            optimized = tmp.read_bytes()
            copy = ort.InferenceSession(optimized, _options(ort, True, threads), providers=providers)
            if _probe(copy) == _probe(session):
                _write_atomically(kept, _seal(optimized))
        except Exception:  # noqa: BLE001 - not kept; the session above is fine
            pass
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
    return session


def session_as_expected(session: Any) -> bool:
    """Whether a voice model takes the inputs guided feeds it directly (``ids``, ``speed``)."""
    try:
        return frozenset(i.name for i in session.get_inputs()) == MODEL_INPUTS
    except Exception:  # noqa: BLE001
        return False


def make_tts(name: str, model: Path, g2p: Any, folder: Path | None, threads: int = 1) -> Any:
    """hibari's ``Hibari`` for one voice, with the session above (what ``Hibari.__init__``
    does, minus its own session); hibari's own constructor when its internals are not
    as expected."""
    from hibari import Hibari

    if folder is None or not internals_as_expected():
        return Hibari(voice=name, model=str(model), threads=threads, g2p=g2p)
    try:
        return _make_tts_fast(name, model, g2p, folder, threads)
    except Exception:  # noqa: BLE001 - built otherwise (another hibari): its own way
        return Hibari(voice=name, model=str(model), threads=threads, g2p=g2p)


def _make_tts_fast(name: str, model: Path, g2p: Any, folder: Path, threads: int) -> Any:
    from hibari import Hibari
    from hibari.tts import ASSETS

    tts = Hibari.__new__(Hibari)
    tts.voice = name
    tts.model_path = str(model)
    tts.sess = model_session(model, folder, threads)
    with open(os.path.join(ASSETS, "vocab.json"), encoding="utf-8") as fh:
        tts.vocab = json.load(fh)
    tts._g2p = g2p
    if not session_as_expected(tts.sess):
        raise ValueError("the model takes other inputs")
    return tts
