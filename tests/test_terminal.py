"""What the listener reads: captions wrap at word boundaries inside the terminal's width."""

import io
import re

from guided.outputs.player.screen import PlayerScreen

TEXT = ("Let's begin with your feet. You might notice where they meet the floor, "
        "or your shoes, or whatever is under them.")


def test_captions_wrap_between_words_within_the_width():
    out = io.StringIO()
    screen = PlayerScreen(out, width=40)
    screen.caption("Feet on the floor", 1, TEXT)
    lines = [re.sub(r"\r\x1b\[K", "", line) for line in out.getvalue().splitlines()]
    caption = [line for line in lines if line.startswith("  ")]
    assert "── Feet on the floor ──" in lines
    assert all(len(line) < 40 for line in caption)
    assert " ".join(line.strip() for line in caption) == TEXT  # every word whole, in order
    screen.caption("Feet on the floor", 1, TEXT)  # the same caption is not shown twice
    assert out.getvalue().count("Let's begin") == 1
