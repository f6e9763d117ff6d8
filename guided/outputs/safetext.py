"""Text made safe to print on a terminal, at the point of printing.

The loader refuses control characters in scripts, but text reaches the screen from
other places too: a key that is not known, a file name, an error quoting what it
read. A terminal obeys escape sequences (clear the screen, set the window title,
write the clipboard) and cannot print half a character, so everything guided prints
that came from outside passes through ``printable`` (``printable_json`` for JSON).
Harmless text is returned unchanged.

Control characters (C0, DEL, C1), lone surrogates and the bidirectional overrides
that can make a line read differently from what it holds are shown as visible
escapes such as ``\\x1b`` or ``\\u202e``.
"""

from __future__ import annotations

import re

# C0 and C1 controls, DEL, lone surrogates, bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_JSON = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_SPACES = {"\t": " ", "\n": " ", "\r": " "}


def printable(text: object) -> str:
    """``text`` as one safe line: tabs and line breaks become spaces, other control
    characters visible escapes."""
    return _UNSAFE.sub(_escape, str(text))


def printable_json(text: str) -> str:
    """JSON text (from ``json.dumps(..., ensure_ascii=False)``) with the characters
    ``printable`` would escape written as JSON ``\\uXXXX`` escapes: the same data,
    safe on a terminal. (``json.dumps`` already escapes C0 inside strings, so the
    line breaks and tabs left are the layout's own.)"""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SPACES:
        return _SPACES[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (a file name): that byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
