"""Long text in bounded pieces.

Piper's memory grows with the length of what it speaks at once, and it can only be
stopped between runs. So text is cut before synthesis into pieces of at most
``MAX_PIECE_CHARS``: at sentence ends first, then at clause punctuation, and run-on
text at word boundaries (a single word longer than a piece is cut where it must).
"""

from __future__ import annotations

import re

MAX_PIECE_CHARS = 240  # about 15 s of speech; peak memory and Ctrl-C delay stay small

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
_CLAUSE = re.compile(r"(?<=[,;:—–])\s+")


def pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """``text`` as pieces of at most ``limit`` characters, cut at the most natural
    boundary available; joining them with spaces gives the words back in order."""
    out: list[str] = []
    for sentence in _SENTENCE.split(text.strip()):
        if not sentence:
            continue
        if len(sentence) <= limit:
            out.append(sentence)
            continue
        for clause in _pack(_CLAUSE.split(sentence), limit):
            out.extend([clause] if len(clause) <= limit else _pack(_words(clause, limit), limit))
    return [p for p in out if p.strip()]


def _words(text: str, limit: int) -> list[str]:
    words = []
    for word in text.split():
        while len(word) > limit:
            words.append(word[:limit])
            word = word[limit:]
        words.append(word)
    return words


def _pack(parts: list[str], limit: int) -> list[str]:
    """Join neighbouring parts while they fit in ``limit``."""
    out: list[str] = []
    current = ""
    for part in parts:
        if current and len(current) + 1 + len(part) <= limit:
            current = f"{current} {part}"
        else:
            if current:
                out.append(current)
            current = part
    if current:
        out.append(current)
    return out
