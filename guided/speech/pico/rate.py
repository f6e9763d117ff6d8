"""Pico's speaking rate: a script's ``rate`` (words per minute) to Pico's ``speed``.

Measured by bench/pico_calibration.py, each clip timed from its first to its last voiced
sample (as for hibari, Piper and espeak-ng): Pico's pace grows in proportion to its speed.

- English (pico-en-us, pico-en-gb): words per minute over 40 `say` texts of the built-in
  library, so ``rate: 140`` is heard at 140 words per minute, as with the other voices.
- German, Spanish, French, Italian: words are no fair measure across languages (a German
  compound is one long word, a French sentence has many short ones), so ``rate`` sets a
  syllable rate instead: the one English has at that rate (1.326 syllables a word in the
  library: 140 words a minute is 3.09 syllables a second), scaled by how fast speakers of
  each language say syllables when they speak naturally (Pellegrino, Coupé & Marsico,
  "A cross-language perspective on speech information rate", Language 87(3), 2011:
  English 6.19, German 5.97, French 7.18, Spanish 7.82, Italian 6.99 syllables a
  second). Languages with less information in each syllable are spoken with more
  syllables a second and about the same information a second, so a German, Spanish,
  French or Italian practice at ``rate: 140`` is as calm as an English one at 140.
"""

from __future__ import annotations

CALIBRATION = "2026-12-07"  # part of every Pico clip's cache key: new numbers make new clips
SPEED_RANGE = (0.4, 2.0)
SPEEDS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)
# voice -> the pace heard at each of SPEEDS (English: words a minute; others: syllables a second)
PACE = {
    "pico-en-us": (95.72, 115.12, 133.92, 152.1, 173.08, 192.43, 207.81, 230.72, 249.91,
                   268.75, 288.1),
    "pico-en-gb": (95.8, 114.12, 132.65, 152.35, 170.78, 187.67, 208.19, 223.12, 240.17,
                   266.63, 282.57),
    "pico-de": (2.27, 2.68, 3.13, 3.57, 4.02, 4.46, 4.96, 5.37, 5.82, 6.26, 6.73),
    "pico-es": (2.68, 3.23, 3.77, 4.3, 4.82, 5.37, 5.97, 6.42, 6.98, 7.52, 8.06),
    "pico-fr": (2.54, 3.04, 3.55, 4.05, 4.58, 5.08, 5.65, 6.1, 6.61, 7.14, 7.63),
    "pico-it": (2.74, 3.29, 3.84, 4.39, 4.94, 5.48, 6.06, 6.59, 7.14, 7.69, 8.22),
}
ENGLISH_SYLLABLES_PER_WORD = 1.326
SYLLABLES_PER_SECOND = {"en": 6.19, "de": 5.97, "fr": 7.18, "es": 7.82, "it": 6.99}


def target_pace(voice: str, rate: int) -> float:
    """The pace ``rate`` asks of ``voice``, in the unit of its row of ``PACE``."""
    if voice.startswith("pico-en"):
        return float(rate)
    family = voice.removeprefix("pico-")
    english = rate / 60.0 * ENGLISH_SYLLABLES_PER_WORD
    return english * SYLLABLES_PER_SECOND[family] / SYLLABLES_PER_SECOND["en"]


def pico_speed(voice: str, rate: int) -> float:
    """Pico's ``speed`` for ``voice`` at ``rate`` (Pico takes whole percent)."""
    paces = PACE.get(voice, PACE["pico-en-us"])
    want = target_pace(voice if voice in PACE else "pico-en-us", rate)
    # between two measured points, on the line through them; past the ends, on the line
    # through the first and last (Pico's pace is in proportion to its speed); no numpy,
    # so the worker process starts quickly
    i = next((i for i in range(1, len(paces) - 1) if want <= paces[i]), len(paces) - 1)
    lo, hi = (i - 1, i) if paces[0] <= want <= paces[-1] else (0, len(paces) - 1)
    slope = (SPEEDS[hi] - SPEEDS[lo]) / (paces[hi] - paces[lo])
    speed = SPEEDS[lo] + (want - paces[lo]) * slope
    low, high = SPEED_RANGE
    return round(min(high, max(low, speed)), 2)
