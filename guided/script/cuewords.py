"""A script's own breath cue words: the optional top-level ``cues:`` mapping.

    cues: {in: Atme ein, out: Atme aus}

Each key is a phase of ``breathe`` (``in``, ``hold``, ``out``, ``hold_out``), each value
the words spoken as that phase begins, in place of the words of the script's language
(``guided.script.words``). Phases left out keep those words. Like ``say``, the words are
checked as text (control characters, something speakable) and may be at most
``MAX_CUE_CHARS`` long; a cue longer than its phase is an error of ``breathe``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guided.script.hygiene import speakable
from guided.script.suggest import did_you_mean
from guided.script.words import CUE_KEYS

if TYPE_CHECKING:
    import yaml

    from guided.script.nodes import NodeReader

MAX_CUE_CHARS = 80


def read_cues(reader: NodeReader, node: yaml.Node) -> tuple[tuple[str, str], ...]:
    """(phase, words) for each phase a script's ``cues:`` names, in the table's order."""
    found: dict[str, str] = {}
    for key, key_node, value in reader.mapping(node, "a mapping of breath phases to words, "
                                                     "e.g. 'cues: {in: Atme ein, out: Atme aus}'"):
        if key not in CUE_KEYS:
            raise reader.fail(f"unknown breath phase '{key[:40]}' in 'cues'"
                              f"{did_you_mean(key, tuple(CUE_KEYS))}; the phases are "
                              f"{', '.join(CUE_KEYS)}", key_node)
        words = " ".join(reader.text(value, f"'cues: {key}'").split())
        if not speakable(words):
            raise reader.fail(f"'cues: {key}' has nothing a voice can say: write the words "
                              "to speak as the phase begins", value)
        if len(words) > MAX_CUE_CHARS:
            raise reader.fail(f"'cues: {key}' is {len(words)} characters long; a cue is a few "
                              f"words (at most {MAX_CUE_CHARS} characters)", value)
        found[CUE_KEYS[key]] = words
    order = list(CUE_KEYS.values())
    return tuple(sorted(found.items(), key=lambda item: order.index(item[0])))
