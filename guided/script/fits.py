"""The optional ``fits:`` key of a script: the distress levels (0-10) a practice suits
and, in one line, why::

    fits:
      distress: 6-10     # one level (7) or a range (from-to)
      why: Eyes open, with the room around you; steadying when feelings run high.

``guided now`` offers a practice when the listener's level is in its range. A
translation (a script with ``original:``) may give only ``why:`` in its own language:
its original's levels apply, so they are written once (the loader refuses ``fits``
without ``distress`` in any other script, ``MISSING_DISTRESS``).
"""

from __future__ import annotations

import re

import yaml

from guided.script.model import DISTRESS_RANGE, MAX_WHY_CHARS, Fits
from guided.script.nodes import NodeReader, short
from guided.script.suggest import did_you_mean
from guided.script.yamlfile import INT

FITS_KEYS = ("distress", "why")
MISSING_DISTRESS = ("'fits' needs 'distress:', the 0-10 levels it suits, e.g. 'distress: 6-10' "
                    "(only a translation, with 'original:', takes its original's levels)")
_RANGE = re.compile(r"\s*(\d{1,2})\s*-\s*(\d{1,2})\s*")


def read_fits(reader: NodeReader, node: yaml.Node) -> Fits:
    """The checked ``fits:`` mapping; each mistake is a ``ScriptError`` at its place."""
    levels: tuple[int, int] | None = None
    why = ""
    for key, key_node, value in reader.mapping(node, "a mapping with 'distress:' and 'why:'"):
        if key not in FITS_KEYS:
            raise reader.fail(f"'fits' takes no '{short(key)}'{did_you_mean(key, FITS_KEYS)}; "
                              f"it takes: {', '.join(FITS_KEYS)}", key_node)
        if key == "distress":
            levels = _distress(reader, value)
        else:
            why = " ".join(reader.text(value, "'why'").split())
            if len(why) > MAX_WHY_CHARS:
                raise reader.fail(f"'why' is one line of at most {MAX_WHY_CHARS} characters "
                                  f"(it has {len(why)})", value)
    if levels is None:  # a translation's: its original's levels (else the loader refuses it)
        return Fits(None, None, why)
    return Fits(levels[0], levels[1], why)


def _distress(reader: NodeReader, node: yaml.Node) -> tuple[int, int]:
    lo, hi = DISTRESS_RANGE
    if isinstance(node, yaml.ScalarNode) and node.tag == INT:
        level = reader.integer(node, "'distress'", lo, hi)
        return level, level
    text = reader.text(node, "'distress' (a level 0-10, or from-to such as 6-10)")
    found = _RANGE.fullmatch(text)
    if not found:
        raise reader.fail(f"'distress' is a level {lo}-{hi} or a range such as 6-10, "
                          f"got '{short(text)}'", node)
    low, high = int(found.group(1)), int(found.group(2))
    if not lo <= low <= high <= hi:
        raise reader.fail(f"'distress' runs from a lower to a higher level within {lo}-{hi}, "
                          f"got '{short(text)}'", node)
    return low, high
