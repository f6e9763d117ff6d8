"""Loading a Piper voice model, with a noise seed per clip.

Piper's VITS models draw random noise (``RandomNormalLike``) whose generator lives in
the onnxruntime session and advances with every run, so the same text sounded
different depending on what was said before. Here each clip gets its own session,
made right after ``onnxruntime.set_seed(seed)`` with a seed from the clip's voice,
rate and text: the same clip always gets the same noise. Making a session is cheap
because onnxruntime's optimized graph is kept in ``piper/`` of the audio cache
(``<model hash>-ort<version>-<cpu>.onnx``, at the portable "extended" level):
measured 0.12-0.16 s per clip on a busy 2-core machine, against 1.4 s for a cold
optimization.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import platform
import threading
from pathlib import Path
from typing import Any

from guided.atomic import move_into_place, temp_file
from guided.errors import GuidedError, SpeechError
from guided.speech.piper.identity import model_hash
from guided.speech.piper.voices import PiperVoiceFiles

_SEED_LOCK = threading.Lock()  # onnxruntime's seed is process-wide
_CONFIGS: dict[Path, Any] = {}


def clip_seed(voice: str, rate: int, text: str) -> int:
    digest = hashlib.sha256(f"{voice}\x1f{rate}\x1f{text}".encode()).digest()
    return int.from_bytes(digest[:4], "little") or 1  # onnxruntime wants a positive seed


def seeded_voice(files: PiperVoiceFiles, threads: int, folder: Path, seed: int) -> Any:
    """A ``piper.PiperVoice`` whose noise starts from ``seed``."""
    import onnxruntime
    from piper import PiperConfig, PiperVoice

    try:
        config = _CONFIGS.get(files.config)
        if config is None:
            config = _CONFIGS.setdefault(files.config, PiperConfig.from_dict(files.describe()))
        optimized = _optimized_graph(files, threads, folder, onnxruntime)
        try:
            session = _seeded_session(optimized or files.model, threads, onnxruntime,
                                      optimized is not None, seed)
        except Exception:  # noqa: BLE001 - a copy onnxruntime refuses: use the model itself
            if optimized is None:
                raise
            session = _seeded_session(files.model, threads, onnxruntime, False, seed)
    except SpeechError:
        raise
    except Exception as exc:
        raise SpeechError(f"{files.model}: cannot load this Piper voice ({exc})") from exc
    return PiperVoice(session=session, config=config)


def _seeded_session(model: Path | bytes, threads: int, ort: Any, optimized: bool, seed: int) -> Any:
    with _SEED_LOCK:
        ort.set_seed(seed)
        return ort.InferenceSession(model if isinstance(model, bytes) else str(model),
                                    sess_options=_options(threads, ort, optimized),
                                    providers=["CPUExecutionProvider"])


def _options(threads: int, ort: Any, optimized: bool) -> Any:
    levels = ort.GraphOptimizationLevel
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    opts.graph_optimization_level = levels.ORT_DISABLE_ALL if optimized else levels.ORT_ENABLE_EXTENDED
    # Sleep, not spin, between operators: the Speaker runs two syntheses at once,
    # and spinning threads would only steal each other's cores.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return opts


_GRAPH_LOCK = threading.Lock()


PIPER_MAGIC = b"guided-piper-model-sha256\n"  # ends a kept optimized copy, before its digest
_KEPT_CAP = 1024 * 1024 * 1024  # a Piper model is 20 to 120 MB
_CHECKED: dict[tuple[str, int, int], bytes] = {}  # copies whose digest matched, this process


def _optimized_graph(files: PiperVoiceFiles, threads: int, folder: Path, ort: Any) -> bytes | None:
    """The optimized graph, made and kept the first time (None when it cannot be kept).
    The kept copy carries the SHA-256 of its bytes, checked once a process before it is
    used: a damaged copy that still loaded was used before (its noise made only silence,
    for good) and is now made again."""
    from guided.doors.keptfile import Damaged, read_kept, seal

    digest = model_hash(files, folder / "voice-ids.json")
    optimized = folder / f"{digest[:16]}-ort{ort.__version__}-{platform.machine()}.onnx"
    with _GRAPH_LOCK:
        try:
            info = os.lstat(optimized)
            key = (str(optimized), info.st_size, info.st_mtime_ns)
            if key in _CHECKED:
                return _CHECKED[key]
            model = _unseal(read_kept(optimized, advice="guided makes it again", max_bytes=_KEPT_CAP))
            if model is not None:
                _CHECKED[key] = model
                return model
        except (OSError, Damaged):
            pass
        if os.path.lexists(optimized) and not os.path.isfile(optimized) \
                or os.path.islink(optimized):  # not guided's: left alone
            return None
        try:  # named as guided names its temporary files, so a run killed meanwhile
            # leaves nothing the next one does not sweep away (guided.atomic.sweep_stale)
            tmp = temp_file(optimized)
        except GuidedError:  # a read-only cache folder: load the slow way each time
            return None
        opts = _options(threads, ort, False)
        opts.optimized_model_filepath = str(tmp)
        try:
            ort.InferenceSession(str(files.model), sess_options=opts,
                                 providers=["CPUExecutionProvider"])
            model = read_kept(tmp, advice="guided makes it again", max_bytes=_KEPT_CAP)
            if model:
                tmp.write_bytes(seal(model, PIPER_MAGIC))
                move_into_place(tmp, optimized)
                return model
        except Exception:  # noqa: BLE001 - could not save the copy: use the model itself
            pass
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        return None


def _unseal(data: bytes | None) -> bytes | None:
    """The model inside a kept copy, or None unless its digest matches."""
    from guided.doors.keptfile import unseal

    return unseal(data, PIPER_MAGIC)
