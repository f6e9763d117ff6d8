"""The gentle questions before and after a practice: the 0-10 distress rating and an
optional line of reflection, asked before the player's keys take over the terminal."""

from __future__ import annotations

SCALE_HINT = "0 means completely calm, 10 the most distress you can imagine. Enter skips."


def ask_rating(question: str, explain: bool = False) -> int | None:
    """Ask for a 0-10 rating; Enter skips; a wrong answer is asked again once, gently."""
    if explain:
        print(SCALE_HINT)
    for attempt in range(2):
        try:
            answer = input(f"{question} (0-10, Enter to skip): ").strip()
        except EOFError:
            return None
        if not answer:
            return None
        if answer.isdigit() and 0 <= int(answer) <= 10:
            return int(answer)
        if attempt == 0:
            print("A whole number from 0 to 10 works here, or just Enter to skip.")
    return None


def ask_line(question: str) -> str:
    """An optional one-line answer; Enter skips."""
    try:
        return input(f"{question} (Enter to skip): ").strip()
    except EOFError:
        return ""
