"""The JSON Schema (draft-07) of script format 1, built from the model's constants.

Editors that use the YAML language server read it to complete keys, show help on
hover and flag mistakes while a script is being written (see docs/editor-setup.md).
The loader stays the authority: the schema is an aid that accepts what the loader
accepts, while a few things (placeholders, includes, the 4-hour total) are only
checked by `guided check`.
"""

from __future__ import annotations

from typing import Any

from guided.script.cuewords import MAX_CUE_CHARS
from guided.script.durations import DURATION_PATTERN
from guided.script.lengths import DEFAULT_RATE
from guided.script.model import (
    AMBIENCES,
    BELL_SOUNDS,
    BREATH_CUES,
    FORMAT_VERSION,
    MAX_SAY_CHARS,
    PACE_RANGE,
    PRACTICE_KINDS,
    RATE_RANGE,
    REPEAT_RANGE,
)
from guided.script.steps import BREATHE_CYCLES_DEFAULT, CYCLES_RANGE
from guided.script.words import CUE_KEYS

DRAFT = "http://json-schema.org/draft-07/schema#"

# Plain YAML scalars the loader reads as text (numbers and yes/no stay as written).
_TEXT_TYPES = ["string", "number", "boolean"]


def _text(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": _TEXT_TYPES, "description": description, **extra}


def _duration(description: str) -> dict[str, Any]:
    return {
        "description": description + " A number of seconds (5, 2.5) or a text with units: "
                                     "'500ms', '5s', '2m', '1m30s'.",
        "anyOf": [
            {"type": "number", "minimum": 0},
            {"type": "string", "pattern": DURATION_PATTERN},
        ],
    }


def _step(key: str, description: str, value: dict[str, Any],
          extra: dict[str, Any] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": {key: {**value, "description": description}, **(extra or {})},
        "required": [key, *required],
        "additionalProperties": False,
    }


def _breathe_options() -> dict[str, Any]:
    return {
        "in": _duration("Breathing in: seconds from this cue to the next (more than 0)."),
        "hold": _duration("Holding after breathing in, in seconds (optional; `pace` stretches it)."),
        "out": _duration("Breathing out: seconds from this cue to the next (more than 0)."),
        "hold_out": _duration("Resting after breathing out, in seconds (optional; `pace` "
                              "stretches it)."),
        "cycles": {
            "type": "integer", "minimum": CYCLES_RANGE[0], "maximum": CYCLES_RANGE[1],
            "default": BREATHE_CYCLES_DEFAULT,
            "description": f"How many breaths, {CYCLES_RANGE[0]}..{CYCLES_RANGE[1]} "
                           f"(default {BREATHE_CYCLES_DEFAULT}).",
        },
        "cue": {
            "enum": list(BREATH_CUES), "default": BREATH_CUES[0],
            "description": "How each phase is announced: 'voice' says 'Breathing in', "
                           "'Holding', ...; 'tone' plays a soft tone for the whole phase.",
        },
    }


def script_schema() -> dict[str, Any]:
    """The schema as a JSON-ready dict."""
    breathe = _breathe_options()
    sound = {"enum": list(BELL_SOUNDS), "description": "Which bell: " + ", ".join(BELL_SOUNDS) + "."}
    steps = {
        "say": _step("say", "Speak this text. {name} is filled from `variables` or --var; "
                            "write {{ and }} for literal braces.",
                     _text("", maxLength=MAX_SAY_CHARS, minLength=1)),
        "pause": _step("pause", "Silence of exactly this length (times `pace`), after the "
                                "previous sound ends.", _duration("")),
        "bell": _step(
            "bell", "A short bell. Bare `- bell`, or `- bell: {sound: chime}`.",
            {"anyOf": [{"type": "null"}, sound,
                       {"type": "object", "properties": {"sound": sound},
                        "additionalProperties": False}]},
            extra={"sound": sound},
        ),
        "section": _step("section", "Start a named section: a chapter in exported MP3s, a "
                                    "heading in previews, a place `play` can skip to. "
                                    "{name} is filled as in `say`; other braces stay as written.",
                         _text("", minLength=1)),
        "breathe": _step(
            "breathe", "Paced breathing. Each phase lasts exactly its seconds, from the start "
                       "of its cue to the start of the next.",
            {"anyOf": [{"type": "object", "properties": breathe, "required": ["in", "out"],
                        "additionalProperties": False},
                       {"type": "null"}]},
            extra=breathe,  # options written beside `breathe:` are accepted too
        ),
        "repeat": _step(
            "repeat", f"Play the steps beside it this many times ({REPEAT_RANGE[0]}.."
                      f"{REPEAT_RANGE[1]}).",
            {"type": "integer", "minimum": REPEAT_RANGE[0], "maximum": REPEAT_RANGE[1]},
            extra={"steps": {"$ref": "#/definitions/steps",
                             "description": "The steps to repeat."}},
            required=("steps",),
        ),
        "include": _step(
            "include", "Inline the steps of another script, given by a path relative to this "
                       "script's folder (that folder or below). Its own title and settings are "
                       "ignored; this script's variables fill its placeholders.",
            {"type": "string", "minLength": 1, "pattern": r"^[^/~]"},
        ),
    }
    bare = {"const": "bell", "description": "A bell (the same as `- bell:`)."}
    return {
        "$schema": DRAFT,
        "title": f"guided practice script, format {FORMAT_VERSION}",
        "description": "A spoken practice for `guided`: a title and a list of steps. "
                       "Check it with `guided check FILE`.",
        "type": "object",
        "required": ["title", "steps"],
        "additionalProperties": False,
        # 'fits' needs 'distress' except in a translation, which takes its original's
        "if": {"not": {"required": ["original"]}},
        "then": {"properties": {"fits": {"required": ["distress"]}}},
        "properties": {
            "format": {"const": FORMAT_VERSION, "default": FORMAT_VERSION,
                       "description": f"Format version (optional; only {FORMAT_VERSION} exists)."},
            "title": _text("Shown in lists and players, and the MP3 title. {name} is filled as "
                           "in `say`; other braces stay as written.", minLength=1),
            "practice": {"enum": list(PRACTICE_KINDS), "default": "custom",
                         "description": "Kind of practice, for `guided list --practice KIND`."},
            "description": _text("A sentence or two about the practice."),
            "author": _text("Who wrote it; becomes the MP3 artist."),
            "language": _text("Language of the text, e.g. 'en' or 'de': a voice that speaks it "
                              "is chosen (a natural one where there is one, else espeak-ng's).",
                              default="en"),
            "original": _text("For a translation: the name of the practice it translates (e.g. "
                              "'grounding'), so `--language` finds it from that name.", minLength=1,
                              pattern="^[A-Za-z0-9][A-Za-z0-9_-]*$"),
            "voice": _text("Optional voice id, e.g. 'heart', 'joe' or 'gmw/en-us' (see `guided "
                           "voices`); it names its engine. --voice wins.", minLength=1),
            "rate": {"type": "integer", "minimum": RATE_RANGE[0], "maximum": RATE_RANGE[1],
                     "description": f"Speaking rate in words per minute, {RATE_RANGE[0]}.."
                                    f"{RATE_RANGE[1]} (default {DEFAULT_RATE}; 130-150 is calm)."},
            "pace": {"type": "number", "minimum": PACE_RANGE[0], "maximum": PACE_RANGE[1],
                     "default": 1.0,
                     "description": "Multiplies every pause and the holds inside `breathe` "
                                    "(1.5 = 50% more time). --pace replaces it."},
            "variables": {
                "type": ["object", "null"],
                "description": "Default text for {name} placeholders (in `say`, sections and "
                               "the title); --var name=... wins. "
                               "Leave a value empty to require --var.",
                "propertyNames": {"pattern": r"^[A-Za-z_][A-Za-z0-9_-]*$"},
                "additionalProperties": {"type": [*_TEXT_TYPES, "null"]},
            },
            "ambience": {"enum": list(AMBIENCES), "default": "none",
                         "description": "A quiet background bed under the whole practice."},
            "fits": {
                "type": "object", "additionalProperties": False,
                "description": "What the practice suits: `guided now` offers it when the "
                               "listener's distress (0-10) is in its range. A translation "
                               "(with `original`) may give only `why`: its original's "
                               "levels apply.",
                "properties": {
                    "distress": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": 10},
                                           {"type": "string",
                                            "pattern": r"^\s*(10|[0-9])\s*-\s*(10|[0-9])\s*$"}],
                                 "description": "One level (7) or a range from-to (6-10)."},
                    "why": _text("One line on why it suits those levels; shown by `guided now`.",
                                 maxLength=200),
                },
            },
            "cues": {
                "type": "object", "additionalProperties": False,
                "description": "Your own words for the breath cues of `breathe`, by phase "
                               "(the others keep the words of the script's language).",
                "properties": {key: _text(f"Spoken as each '{key}' phase begins.", minLength=1,
                                          maxLength=MAX_CUE_CHARS) for key in CUE_KEYS},
            },
            "steps": {"$ref": "#/definitions/steps",
                      "description": "What happens, in order."},
        },
        "definitions": {
            "steps": {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/step"},
                      "description": "A list of steps."},
            "step": {"oneOf": [bare, *steps.values()],
                     "description": "One step: say, pause, bell, section, breathe, repeat or "
                                    "include."},
        },
    }
