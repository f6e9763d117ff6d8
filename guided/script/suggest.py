"""Gentle suggestions for a mistyped word: ``pasue`` → "did you mean 'pause'?"."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The one choice most like ``word`` (by ``difflib``, at least ``cutoff`` alike), or
    None: the single place guided asks difflib, for every "did you mean" it says."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return found[0] if found else None


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'pause'?)`` when ``word`` is close to one of ``choices``, else ``""``.

    Close means alike by ``difflib`` and, besides, either one slip away (a letter left
    out, added, changed or two swapped: ``pase``, ``sya``) or starting with the same
    letter (``breathing`` → ``breathe``): a word that merely shares letters with a
    choice, such as ``hello`` and ``bell``, gets no suggestion.
    """
    for close in difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6):
        if word[:1].casefold() == close[:1].casefold() or slips(word.casefold(), close.casefold()) <= 1:
            return f" (did you mean '{close}'?)"
    return ""


def slips(a: str, b: str) -> int:
    """How many letters left out, added, changed or swapped with a neighbour turn ``a``
    into ``b`` (the optimal string alignment distance)."""
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]
