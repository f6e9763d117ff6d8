"""The gentle questions before and after a practice: the 0-10 distress rating and an
optional line of reflection, asked before the player's keys take over the terminal."""

from __future__ import annotations

from guided.i18n import N_, texts

SCALE_HINT = N_("0 means completely calm, 10 the most distress you can imagine. Enter skips.")
# The questions, in the language of the practice (guided.i18n); the command line stays English.
BEFORE = N_("How much distress do you feel right now?")
AFTER = N_("And now, how much distress do you feel?")
NOTICED = N_("Anything you noticed, in one line?")
REFLECTION = N_("Your reflection, in a line or two?")


RATING_RANGE = (0, 10)


def ask_rating(question: str, explain: bool = False, language: str = "en") -> int | None:
    """Ask for a 0-10 rating until the answer is one, or Enter skips (and says so).

    An answer outside the scale is never dropped silently: the question is asked again,
    with the accepted range, as often as needed."""
    _ = texts(language)
    low, high = RATING_RANGE
    if explain:
        print(_(SCALE_HINT))
    while True:
        try:
            answer = _input(_(question) + " " + _("({low}-{high}, Enter to skip): ").format(
                low=low, high=high)).strip()
        except EOFError:
            return None
        if not answer:
            print(_("Skipped, that is fine. No rating is kept for this one."))
            return None
        if answer.isdigit() and low <= int(answer) <= high:
            return int(answer)
        print(_("A whole number from {low} to {high} works here (or just Enter to skip).").format(
            low=low, high=high))


def ask_line(question: str, language: str = "en") -> str:
    """An optional one-line answer; Enter skips."""
    from guided.script.hygiene import mended

    _ = texts(language)
    try:
        return mended(_input(_(question) + " " + _("(Enter to skip): "))).strip()
    except EOFError:
        return ""


def _input(prompt: str) -> str:
    """``input()`` with the prompt on stdout: without the readline module Python writes
    it to file descriptor 2, which is kept for PortAudio's messages while audio is in use
    (``guided.outputs.quiet``)."""
    import sys

    print(prompt, end="", flush=True)
    stdin = sys.stdin
    if getattr(stdin, "errors", "surrogateescape") != "surrogateescape" and hasattr(stdin, "reconfigure"):
        # a byte that is not UTF-8 (a Latin-1 terminal, Backspace through half an 'é')
        # arrives kept aside, for ``mended``, instead of ending the practice in an error
        stdin.reconfigure(errors="surrogateescape")
    return input()
