"""What text from a script, a variables file or ``--var`` may contain.

YAML escapes can write anything into a double-quoted string: ``"\\e[2J"`` (clear the
screen), ``"\\e]52;c;..."`` (write the clipboard), ``"\\0"`` (espeak-ng stops reading
there), ``"\\ud800"`` (half a character, which no encoder can write). None of these
belong in words meant to be spoken or shown, so every text field is checked here,
once as written and again after ``{name}`` placeholders are filled:

- ``bad_character(text)``: the first control character (C0 except tab and newline,
  so ESC and NUL too; DEL; C1) or lone surrogate, else None;
- ``speakable(text)``: at least one letter or digit, so a voice has something to say
  (``"."``, ``"..."``, a zero-width space or a soft hyphen alone make only silence);
- ``mended(text)``: a line typed at a terminal that does not speak UTF-8 (or edited with
  Backspace through half a character), its stray bytes as U+FFFD, so it can be kept.
"""

from __future__ import annotations

import re
import unicodedata

NOTHING_TO_SAY = ("this 'say' has nothing a voice can speak: give it at least one word "
                  "(punctuation, spaces and invisible characters alone make only silence)")

# C0 controls except tab (\t) and newline (\n), DEL, C1 controls, lone surrogates.
_BAD = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_character(text: str) -> tuple[int, str] | None:
    """(index, character) of the first character that may not appear in text, or None."""
    match = _BAD.search(text)
    return (match.start(), match.group()) if match else None


def describe_character(char: str) -> str:
    """``U+001B (escape)``: a character named so a person can find it in their file."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        if 0xDC80 <= code <= 0xDCFF:  # how Python keeps a byte that is not UTF-8
            return f"the byte 0x{code - 0xDC00:02X}, which is not UTF-8 text"
        return f"U+{code:04X} (half of a character, a lone surrogate)"
    names = {0x00: "NUL", 0x07: "bell", 0x08: "backspace", 0x0D: "carriage return",
             0x1B: "escape", 0x7F: "delete"}
    return f"U+{code:04X} ({names.get(code, 'a control character')})"


def text_problem(text: str, escapes_hint: bool = True) -> str | None:
    """A one-line reason why ``text`` cannot be used, or None when it is fine (without
    ``escapes_hint`` for text typed on a command line, where YAML escapes mean nothing)."""
    found = bad_character(text)
    if found is None:
        return None
    index, char = found
    where = f" after '{_before(text, index)}'" if index else " at its start"
    hint = " (only tab and newline may be written as escapes)" if escapes_hint else ""
    return f"the text contains {describe_character(char)}{where}; remove it{hint}"


def mended(text: str) -> str:
    """``text`` with each byte that is not UTF-8 (a lone surrogate, as Python keeps such
    bytes) replaced by U+FFFD, so it can be stored and shown."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    try:
        raw = text.encode("utf-8", "surrogateescape")  # the bytes as they came
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        raw = text.encode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def speakable(text: str) -> bool:
    """True when ``text`` has at least one letter or digit a voice can say."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


def _before(text: str, index: int, limit: int = 20) -> str:
    head = text[max(0, index - limit):index]
    head = " ".join(_BAD.sub(" ", head).split())
    return ("…" if index > limit else "") + head
