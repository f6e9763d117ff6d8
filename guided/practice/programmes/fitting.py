"""A built-in practice for a programme day that has a focus but no written section
(docs/journeys.md, "Days with a focus only"): the first rule whose words appear in the
focus (or the week's title) chooses; grounding when none does."""

from __future__ import annotations

import re

# (words to look for, practice, why it fits), first match wins
RULES: tuple[tuple[str, str, str], ...] = (
    (r"trigger|reactiv|interrupt|cycle|conflict|dance|repair",
     "pause-breathe-respond", "it practises the small pause between feeling triggered and responding"),
    (r"engulf|avoid|vulnerab|space|autonom|withdraw",
     "orienting", "looking around the room at your own pace gives a sense of space and choice, "
                  "which helps the avoidant side stay present"),
    (r"abandon|anxious|reassur|self-sooth|sooth|fear",
     "self-compassion", "it offers the anxious side the warmth it usually looks for from someone else"),
    (r"secur|trust|safe|stabil|ritual|reliab|availab|responsiv",
     "safe-place", "it builds a felt sense of safety to come back to"),
    (r"part|protect",
     "parts-check-in", "it turns gently towards the parts of you that protect"),
    (r"body|sensation|nervous|activation|notice",
     "tracking-activation", "it follows activation and settling in the body"),
    (r"communicat|express|dialogue|listen|partner",
     "breath-awareness", "a few quiet breaths first make it easier to speak and listen openly"),
)
DEFAULT = ("grounding", "grounding helps on any day: it brings you back to the present, "
                        "where new patterns are practised")


def fitting_practice(focus: str, week_title: str = "") -> tuple[str, str]:
    """``(practice name, why it fits)`` for a day's focus."""
    for text in (focus, week_title):
        for words, name, why in RULES:
            if re.search(words, text, re.I):
                return name, why
    return DEFAULT
