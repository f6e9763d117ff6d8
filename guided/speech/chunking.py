"""Long text in bounded pieces, for any speech engine.

A neural voice's memory grows with the length of what it speaks in one run, and it
can only be stopped between runs (or between the steps of one). So text is cut
before synthesis into pieces of at most ``limit`` characters, at the most natural
boundary available (text that fits is left whole):

1. sentence ends (``. ! ? …`` and their CJK, Arabic and Indic forms),
2. clause punctuation (``, ; : — –`` and their CJK and Arabic forms),
3. spaces between words (run-on text),
4. anywhere, for a single "word" longer than a piece (scripts written without
   spaces), but never just before a combining mark or after a joiner.

Neighbouring parts are packed together while they fit, and evenly: a run-on
sentence of 500 characters becomes three pieces of about 170, not 240 + 240 + 20.
The result depends only on the text and the limit, so the same text always gives
the same pieces (and the same samples). It is also used on phoneme strings, where
spaces separate words too.
"""

from __future__ import annotations

import math
import re
import unicodedata

MAX_PIECE_CHARS = 240  # about 15 s of speech; peak memory and stop delay stay small

_CLOSERS = "\"'”’»)]}」』）"
_SENTENCE = re.compile(rf"(?<=[.!?…][{re.escape(_CLOSERS)}])\s+|(?<=[.!?…])\s+|(?<=[。！？؟।॥])\s*")
_CLAUSE = re.compile(r"(?<=[,;:—–])\s+|(?<=[、，；：،؛])\s*")
_JOINERS = {"\u200d", "\u2060"}  # zero-width joiner, word joiner
_VIRAMA = 9  # the combining class of a virama, which joins the next consonant to its own


def pieces(text: str, limit: int = MAX_PIECE_CHARS) -> list[str]:
    """``text`` as pieces of at most ``limit`` characters, cut at the most natural
    boundary available; joining them with spaces gives the words back in order."""
    if limit < 2:
        raise ValueError("a piece must hold at least two characters")
    text = " ".join(text.split())
    if len(text) <= limit:  # short text is left whole: the engine's own phrasing
        return [text] if text else []
    out: list[str] = []
    for sentences in _pack(_split(_SENTENCE, text), limit):
        if len(sentences) <= limit:
            out.append(sentences)
            continue
        for clause in _pack(_split(_CLAUSE, sentences), limit):
            if len(clause) <= limit:
                out.append(clause)
            else:
                out.extend(_pack(_words(clause, limit), limit))
    return out


def _split(pattern: re.Pattern[str], text: str) -> list[str]:
    return [part.strip() for part in pattern.split(text) if part.strip()]


def _words(text: str, limit: int) -> list[str]:
    """The words of ``text``, any word longer than ``limit`` cut into even parts."""
    out = []
    for word in text.split():
        while len(word) > limit:
            parts = math.ceil(len(word) / limit)
            cut = _safe_cut(word, math.ceil(len(word) / parts))
            out.append(word[:cut])
            word = word[cut:]
        out.append(word)
    return out


def _safe_cut(word: str, at: int) -> int:
    """A cut at or before ``at`` that splits no character from its combining marks
    and no consonant cluster (virama, joiners)."""
    cut = at
    while cut > 1 and (unicodedata.combining(word[cut]) or unicodedata.category(word[cut]) == "Mc"
                       or unicodedata.combining(word[cut - 1]) == _VIRAMA
                       or word[cut - 1] in _JOINERS or word[cut] in _JOINERS):
        cut -= 1
    return cut if cut > 1 else at


def _pack(parts: list[str], limit: int) -> list[str]:
    """Neighbouring parts joined by spaces into as few pieces of at most ``limit`` as
    possible, the pieces as even in length as that allows."""
    fewest = len(_greedy(parts, limit))
    if fewest <= 1:
        return _greedy(parts, limit)
    total = sum(len(p) for p in parts) + len(parts) - 1
    for target in range(math.ceil(total / fewest), limit + 1):  # the smallest even fit
        packed = _greedy(parts, target)
        if len(packed) == fewest:
            return packed
    return _greedy(parts, limit)


def _greedy(parts: list[str], limit: int) -> list[str]:
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
