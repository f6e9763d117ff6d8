"""Where libespeak-ng comes from: the system's, else the wheel of the ``espeak`` extra.

pyttsx3 loads ``libespeak-ng.so.1`` by name. Where the system has none (no espeak-ng
package), the optional extra ``guided[espeak]`` brings ``espeakng-loader``, a wheel
with libespeak-ng and its voice data (GPL-3.0, hence optional). Loading its library
first, under the same soname, makes pyttsx3's own load find it; its data folder is then
given to espeak-ng (``data_path``). Only in the speech worker process.
"""

from __future__ import annotations

import ctypes
import platform

_STATE: dict[str, bytes | None] = {}


def data_path() -> bytes | None:
    """Make a libespeak-ng loadable for pyttsx3 and return the voice data folder to give
    espeak-ng: None for the system's own (it knows its data), else the wheel's."""
    if "data" in _STATE:
        return _STATE["data"]
    found: bytes | None = None
    if platform.system() == "Linux" and not _system_library():
        found = _wheel_library()
    _STATE["data"] = found
    return found


def system_data_folder() -> bytes | None:
    """The voice data folder of the system's libespeak-ng, as the library itself reports
    it (``espeak_Info`` after ``espeak_ng_InitializePath(NULL)``: its compiled-in default,
    which is where the system package put it); None when there is no such library."""
    try:
        lib = ctypes.CDLL("libespeak-ng.so.1")
        lib.espeak_ng_InitializePath.argtypes = [ctypes.c_char_p]
        lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
        lib.espeak_Info.restype = ctypes.c_char_p
        lib.espeak_ng_InitializePath(None)
        path = ctypes.c_char_p()
        lib.espeak_Info(ctypes.byref(path))
    except (OSError, AttributeError):
        return None
    return path.value or None


def _system_library() -> bool:
    try:
        ctypes.CDLL("libespeak-ng.so.1")
    except OSError:
        return False
    return True


def _wheel_library() -> bytes | None:
    try:
        import espeakng_loader
    except ImportError:
        return None
    try:
        lib = ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
        path = espeakng_loader.get_data_path().encode()
    except (OSError, RuntimeError):
        return None
    lib.espeak_ng_InitializePath.argtypes = [ctypes.c_char_p]
    lib.espeak_ng_InitializePath(path)  # for listing the voices before espeak_Initialize
    return path
