"""hibari, quick to start: its phonemizer tables and its optimized model, kept in the
audio cache's ``hibari/`` folder after the first use on a computer.

On a cold start hibari spends most of its time before the first clip in two places:
parsing the phonemizer's gzipped JSON tables (lexicons and tagger, about 0.6 s of
CPU holding the GIL, 1 s or more on a busy machine) and onnxruntime optimizing the
voice model (about 0.2 s). Both results depend only on the hibari (and onnxruntime)
release, so they are made once and kept:

- ``g2p-<key>.bin``: every table split into shards by a hash of its keys, each shard
  marshalled with its CRC; a shard is decoded (and checked) only when a word in it
  is first looked up, so the first sentence needs a few percent of the tables. A
  shard that fails its check (a damaged file) makes the phonemizer fall back to
  hibari's own tables, and the file is made again next time.
- ``<model>-ort<version>-<machine>.onnx``: onnxruntime's graph at the portable
  "extended" level (the same numbers as hibari's own session, checked when the copy
  is made), loaded with further optimization turned off (``guided.speech.hibari_model``).

Both are written to a temporary file and renamed into place, and keyed by the hibari
version and the size of its source files, so an upgrade makes new ones. The audio is
the same sample for sample as with hibari's own loading (tests/test_hibari_fast.py).

Kept files are read only when they are regular files (never a FIFO, a device or a
link: ``_read_kept``), and the model copy carries the SHA-256 of its bytes, checked
before every use, so a damaged copy that would still load is never heard.

Building hibari's objects this way relies on its internals (``G2P.__new__`` and the
attributes its ``__init__`` sets, ``_load_json``, ``ASSETS``, the tables' keys, the
model's input names). ``internals_as_expected`` checks them once; when any is missing
or different (a newer hibari), hibari's public constructors are used instead: slower
to start, the same voice.
"""

from __future__ import annotations

import contextlib
import dis
import functools
import hashlib
import marshal
import os
import stat
import struct
import threading
import zlib
from pathlib import Path
from typing import Any

FORMAT = 1
MAGIC = b"guided-hibari-g2p\n"
KEPT_CAP = 256 * 1024 * 1024  # far above either kept file (a few MB each)
_UNSET = object()
_LOCK = threading.Lock()  # one writer per process; other processes use temp names

# What hibari 0.2 sets in the constructors that are bypassed here.
G2P_ATTRIBUTES = frozenset({"lexicon", "tokenizer", "tagger", "_oov", "unk", "british"})
HIBARI_ATTRIBUTES = frozenset({"voice", "model_path", "sess", "vocab", "_g2p"})


def _stored_attributes(function: Any) -> frozenset[str]:
    """The names ``function`` assigns on its first argument (``self.x = ...``)."""
    this = function.__code__.co_varnames[0]
    code = list(dis.get_instructions(function))

    def loads_this(before: dis.Instruction) -> bool:  # 3.13 loads two names at once
        loaded = before.argval if isinstance(before.argval, tuple) else (before.argval,)
        return before.opname.startswith("LOAD_FAST") and loaded[-1] == this

    return frozenset(i.argval for before, i in zip(code, code[1:], strict=False)
                     if i.opname == "STORE_ATTR" and loads_this(before))


@functools.cache
def internals_as_expected() -> bool:
    """Whether the installed hibari is built as the fast path expects (checked once)."""
    try:
        import hibari.g2p as g2p_module
        from hibari import Hibari, tts
        from hibari.g2p.lexicon import Lexicon  # noqa: F401 - must be there
        from hibari.g2p.tagger import Tagger  # noqa: F401
        from hibari.g2p.tokenize import Tokenizer  # noqa: F401

        return (callable(getattr(g2p_module, "_load_json", None))
                and _stored_attributes(g2p_module.G2P.__init__) == G2P_ATTRIBUTES
                and _stored_attributes(Hibari.__init__) == HIBARI_ATTRIBUTES
                and os.path.isfile(os.path.join(str(getattr(tts, "ASSETS", "")), "vocab.json")))
    except Exception:  # noqa: BLE001 - anything unexpected means: use the public way
        return False


def _read_kept(path: Path) -> bytes | None:
    """A kept file's bytes through the kept-file door (``guided.doors.keptfile``), or
    None when it is missing or not as guided writes it (a FIFO, a device, a link,
    larger than any kept file can be, unreadable): then it is made again, or, when
    something else is in its place, hibari starts the slow way."""
    from guided.doors.keptfile import Damaged, read_kept

    try:
        return read_kept(path, advice="guided makes it again", max_bytes=KEPT_CAP,
                         kind="hibari's kept start-up file")
    except Damaged:
        return None


def _is_other_than_a_file(path: Path) -> bool:
    """Something not guided's own is in a kept file's place (a FIFO, a device, a link):
    it is left alone and nothing is written over it."""
    try:
        return not stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


@functools.cache
def hibari_version() -> str:
    """hibari's release: the package's own ``__version__`` (importlib.metadata would scan
    every installed package for it, 6 to 60 ms of a cold start), else its metadata."""
    import hibari

    found = getattr(hibari, "__version__", None)
    if isinstance(found, str) and found:
        return found
    try:
        from importlib.metadata import version

        return version("hibari-tts")
    except Exception:  # noqa: BLE001 - a source checkout without metadata
        return "unknown"


def _assets() -> Path:
    import hibari

    return Path(hibari.__file__).resolve().parent / "assets"


def _tables(british: bool) -> dict[str, str]:
    acc = "gb" if british else "us"
    return {"gold": f"lexicon_{acc}_gold.json.gz", "silver": f"lexicon_{acc}_silver.json.gz",
            "tagger": "tagger.json.gz"}


def _g2p_key(british: bool) -> str:
    assets = _assets()
    sizes = ",".join(f"{n}:{(assets / n).stat().st_size}" for n in sorted(_tables(british).values()))
    raw = f"{FORMAT}|{hibari_version()}|{british}|{sizes}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _shard_of(key: str, n: int) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % n


class LazyTable:
    """A read-only dict, decoded one shard at a time (``get``, ``in``, ``[]``)."""

    __slots__ = ("_data", "_index", "_n", "_shards", "_fallback", "_full", "_lock", "_damaged")

    def __init__(self, data: memoryview, index: list[tuple[int, int, int]], fallback: Any,
                 damaged: Any = None):
        self._data, self._index, self._n = data, index, len(index)
        self._damaged = damaged  # () -> None: the kept file is made again next time
        self._shards: list[dict | None] = [None] * len(index)
        self._fallback = fallback  # () -> the whole table, from hibari's own files
        self._full: dict | None = None
        self._lock = threading.Lock()

    def _shard(self, key: str) -> dict:
        if self._full is not None:
            return self._full
        i = _shard_of(key, self._n)
        shard = self._shards[i]
        if shard is None:
            offset, length, crc = self._index[i]
            blob = self._data[offset:offset + length]
            try:
                if len(blob) != length or zlib.crc32(blob) != crc:
                    raise ValueError("a damaged shard")
                shard = marshal.loads(blob)
                if not isinstance(shard, dict):
                    raise ValueError("not a table")
            except (ValueError, EOFError, TypeError):
                with self._lock:
                    if self._full is None:
                        self._full = self._fallback()
                        if self._damaged is not None:
                            self._damaged()
                return self._full
            self._shards[i] = shard
        return shard

    def get(self, key: Any, default: Any = None) -> Any:
        if not isinstance(key, str):
            return default
        return self._shard(key).get(key, default)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._shard(key)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _UNSET)
        if value is _UNSET:
            raise KeyError(key)
        return value


def _pack(tables: dict[str, dict], small: dict[str, Any]) -> bytes:
    """The file: magic, header length, header (marshalled index), then the shards."""
    blobs: list[bytes] = []
    index: dict[str, list[tuple[int, int, int]]] = {}
    offset = 0
    for name, table in tables.items():
        n = max(64, len(table) // 128)  # about 128 entries a shard
        shards: list[dict] = [{} for _ in range(n)]
        for key, value in table.items():
            shards[_shard_of(key, n)][key] = value
        entries = []
        for shard in shards:
            blob = marshal.dumps(shard)
            entries.append((offset, len(blob), zlib.crc32(blob)))
            blobs.append(blob)
            offset += len(blob)
        index[name] = entries
    header = marshal.dumps({"format": FORMAT, "index": index, "small": small})
    head = MAGIC + struct.pack("<QI", len(header), zlib.crc32(header)) + header
    return head + b"".join(blobs)


def _unpack(data: bytes) -> tuple[dict, memoryview]:
    if not data.startswith(MAGIC):
        raise ValueError("not a table file")
    start = len(MAGIC)
    size, crc = struct.unpack_from("<QI", data, start)
    start += struct.calcsize("<QI")
    header = data[start:start + size]
    if len(header) != size or zlib.crc32(header) != crc:
        raise ValueError("a damaged header")
    meta = marshal.loads(header)
    if meta.get("format") != FORMAT:
        raise ValueError("another format")
    body = memoryview(data)[start + size:]
    end = max((o + n for entries in meta["index"].values() for o, n, _ in entries), default=0)
    if len(body) < end:
        raise ValueError("a short file")
    return meta, body


def _write_atomically(path: Path, data: bytes) -> None:
    """``data`` into ``path`` whole or not at all (the one atomic write, guided.atomic);
    a failure is an ``OSError`` here: a kept file that cannot be written is not kept."""
    from guided.atomic import write_atomic
    from guided.errors import GuidedError

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(path, data)
    except GuidedError as exc:
        raise OSError(str(exc)) from None


def _assemble(tables: dict[str, Any], exceptions: dict, british: bool) -> Any:
    """hibari's G2P from tables that are already read (what ``G2P.__init__`` does once
    it has parsed its files)."""
    from hibari.g2p import G2P
    from hibari.g2p.lexicon import Lexicon
    from hibari.g2p.tagger import Tagger
    from hibari.g2p.tokenize import Tokenizer

    g2p = G2P.__new__(G2P)
    g2p.lexicon = Lexicon(tables["gold"], tables["silver"], british)
    g2p.tokenizer = Tokenizer(exceptions)
    g2p.tagger = Tagger(tables["tagger"])
    g2p._oov = None
    g2p.unk = ""
    g2p.british = british
    return g2p


def load_g2p(british: bool, folder: Path | None) -> Any:
    """hibari's phonemizer, from the kept tables when they are there (made and kept
    now when they are not). Without a usable folder: hibari's own loading."""
    from hibari.g2p import G2P

    if folder is None or not internals_as_expected():
        return G2P(british=british)
    try:
        return _load_g2p_kept(british, folder)
    except Exception:  # noqa: BLE001 - tables shaped otherwise (another hibari): its own way
        return G2P(british=british)


def _load_g2p_kept(british: bool, folder: Path) -> Any:
    from hibari.g2p import _load_json

    names = _tables(british)
    path = folder / f"g2p-{_g2p_key(british)}.bin"
    exceptions = _load_json("tokenizer_exceptions.json")  # small: 32 kB
    data = _read_kept(path)
    try:
        if data is None:
            raise ValueError("no kept tables")
        meta, body = _unpack(data)
    except (ValueError, EOFError, TypeError, struct.error):
        data = None
    if data is not None:
        index, small = meta["index"], meta["small"]

        def lazy(name: str, part: str | None = None) -> LazyTable:
            def whole() -> dict:
                table = _load_json(names[name])
                return table[part] if part else table

            return LazyTable(body, index[f"{name}.{part}" if part else name], whole, forget)

        def forget() -> None:  # a damaged shard: remove guided's own copy, to be made again
            with contextlib.suppress(OSError):
                if not _is_other_than_a_file(path):
                    path.unlink()

        tagger = {"tags": small["tags"], "vocab": small["vocab"],
                  "tagdict": lazy("tagger", "tagdict"), "weights": lazy("tagger", "weights")}
        if small.get("has_vocab") is False:
            del tagger["vocab"]
        return _assemble({"gold": lazy("gold"), "silver": lazy("silver"), "tagger": tagger},
                         exceptions, british)
    tables = {name: _load_json(file) for name, file in names.items()}
    tagger = tables["tagger"]
    if _is_other_than_a_file(path):
        return _assemble(tables, exceptions, british)
    with _LOCK, contextlib.suppress(OSError, ValueError, TypeError):
        small = {"tags": tagger["tags"], "vocab": tagger.get("vocab", []),
                 "has_vocab": "vocab" in tagger}
        _write_atomically(path, _pack(
            {"gold": tables["gold"], "silver": tables["silver"],
             "tagger.tagdict": tagger["tagdict"], "tagger.weights": tagger["weights"]}, small))
    return _assemble(tables, exceptions, british)
