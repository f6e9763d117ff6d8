"""Small practice scripts that several player tests share."""

# Three sections of one word and a 3 s pause each: long enough to press keys in, short
# enough to play through.
THREE_SECTIONS = """\
title: Timed sections
steps:
  - section: One
  - say: One.
  - pause: 3s
  - section: Two
  - say: Two.
  - pause: 3s
  - section: Three
  - say: Three.
  - pause: 3s
"""
