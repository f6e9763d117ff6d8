"""``{name}`` placeholders: how a script's variables fill its text.

In a ``say`` every brace follows the rules (``{{`` and ``}}`` are literal braces, any
other brace must be the placeholder of a variable with a value); in a title, a
section or a reflection (text format 1 never asked to escape its braces) a brace
that is not a placeholder with a value stays as written. The loader checks the
syntax with ``placeholder_names``; the timeline fills each ``say`` with ``filled_say``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from guided.errors import Pos, ScriptError
from guided.script.hygiene import NOTHING_TO_SAY, speakable, text_problem
from guided.script.model import MAX_SAY_CHARS, VARIABLE_NAME, Say, Script
from guided.script.suggest import closest

PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


def fill_variables(text: str, variables: Mapping[str, str], pos: Pos | None, *,
                   unfilled: list[str] | None = None) -> str:
    """Fill ``{name}`` placeholders; ``{{`` and ``}}`` are literal braces.

    A ``say`` holds every brace to these rules (a ``ScriptError`` at ``pos``). With
    ``unfilled`` (a title, a section, a reflection: text that format 1 never asked to
    escape its braces), a brace that is not the placeholder of a variable with a value
    stays as written, and the names of the placeholders with no value are added to it."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        if name is None:
            if unfilled is not None:
                return token
            raise ScriptError(
                f"unmatched '{token}' in text (write '{token * 2}' for a literal brace)", pos
            )
        name = name.strip()
        if not VARIABLE_NAME.match(name):
            if unfilled is not None:
                return token
            raise ScriptError(
                f"'{{{name}}}' is not a variable name (use letters, digits, '_' or '-'; "
                "write '{{' for a literal brace)",
                pos,
            )
        if name not in variables:
            if unfilled is not None:
                unfilled.append(name)
                return token
            raise ScriptError(missing_value(name, variables, in_script=not (  # a programme has no 'variables:'
                pos is not None and pos.file.lower().endswith(".md"))), pos)
        return str(variables[name])

    return PLACEHOLDER.sub(replace, text)


def missing_value(name: str, variables: Mapping[str, str], *, in_script: bool = True) -> str:
    """Why ``{name}`` cannot be filled: most often the placeholder is misspelled
    (``{nmae}`` beside a variable ``name``), so a close name is suggested for it; a close
    name that only the command line gave (``--var nmae=Sam`` for ``{name}``) is the likely
    slip then, and is named as such. ``in_script`` False for a journey, which has no
    'variables:' of its own."""
    close = closest(name, variables)
    if not close:
        where = (f"add it under 'variables:' or pass --var {name}=..." if in_script else
                 f"pass --var {name}=... or give it in a --vars-file")
        return f"variable '{name}' has no value: {where}"
    if close in getattr(variables, "given", ()):
        return (f"variable '{name}' has no value; a value was given for '{close}' "
                f"(--var or --vars-file): is that meant to be '{name}'?")
    return f"{{{name}}} has no value; did you mean {{{close}}}?"


def fill_text(text: str, variables: Mapping[str, str]) -> str:
    """A title, section or reflection with the variables that have a value filled in
    (``{{`` and ``}}`` are literal braces, as in ``say``); any other brace stays as
    written, so titles written for format 1 keep their meaning. Blank once filled: as written."""
    filled = fill_variables(text, variables, None, unfilled=[])
    return filled if filled.strip() else text


def unfilled_names(text: str, variables: Mapping[str, str]) -> list[str]:
    """The ``{name}``s of ``text`` that ``fill_text`` leaves as written for want of a value."""
    names: list[str] = []
    fill_variables(text, variables, None, unfilled=names)
    return names


def placeholder_names(text: str) -> list[str]:
    """The variable names ``text`` uses, in order; a ``ScriptError`` (without a position)
    for placeholder syntax that is wrong."""
    names: list[str] = []

    class Recorder(dict):
        def __contains__(self, key: object) -> bool:
            return True

        def __getitem__(self, key: str) -> str:
            names.append(key)
            return ""

    fill_variables(text, Recorder(), None)
    return names


def filled_say(step: Say, variables: Mapping[str, str]) -> str:
    """A ``say``'s text with its placeholders filled, held to the rules the loader keeps
    for text as written: no control characters, at most ``MAX_SAY_CHARS``, and something
    to speak unless it is empty (an optional variable left blank is skipped)."""
    text = fill_variables(step.text, variables, step.pos)
    if text == step.text:
        return text  # no placeholders: the loader has checked it already
    problem = text_problem(text)
    if problem:
        raise ScriptError(f"once its variables are filled in, {problem}", step.pos)
    if len(text) > MAX_SAY_CHARS:
        raise ScriptError(
            f"once its variables are filled in, this 'say' has {len(text)} characters; "
            f"one 'say' may have at most {MAX_SAY_CHARS} (use a shorter value)", step.pos)
    if text.strip() and not speakable(text):
        raise ScriptError(f"once its variables are filled in, {NOTHING_TO_SAY}", step.pos)
    return text


class Merged(dict[str, str]):
    """A script's variable defaults with the listener's values over them; ``given`` holds
    the names only the listener gave (``--var``, ``--vars-file``), for messages."""

    given: frozenset[str] = frozenset()


def merged_variables(script: Script, variables: Mapping[str, str] | None) -> Merged:
    values = Merged(script.variables)
    values.update(variables or {})
    values.given = frozenset(values) - frozenset(script.variables)
    return values


def filled_title(script: Script, variables: Mapping[str, str] | None) -> str:
    """``script``'s title as the listener sees it: its own variables, then ``variables``
    (``--var``, ``--vars-file``), filled in (what ``Timeline.title`` shows once planned)."""
    return fill_text(script.title, merged_variables(script, variables))


