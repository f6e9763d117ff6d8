"""Pico's French, word by word (issue 22): what Pico itself says, found without a
listener, by comparing clips sample for sample (each made in a fresh fork at the speed
guided asks at rate 140, so the same text always gives the same samples).

1. Words with a sounded final s. About 90 French words whose final s is said (Latin and
   Greek loans, "bus", "mars", "hélas"...; words said both ways, as "plus", "tous",
   "os", "fils", "sens", left out) are each spoken in two sentences, as written and
   without their s. Where both clips are the same samples, Pico does not say the s:
   these words are guided's ``SOUNDED_FINAL_S`` (guided/speech/pico/text.py), given to
   Pico with an e after the s ("busse"), which it sounds.
2. Words the language bench heard otherwise (bench/results/languages.md), spoken as
   written and as the listener wrote them. The same samples mean the listener heard
   exactly what Pico said, and the two spellings sound alike (a homophone for the
   listener, nothing for guided to say better).

Run: python bench/pico_french.py  (a few seconds of CPU). Writes
bench/results/pico-french.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from pico_ligatures import speak as pico_alone  # noqa: E402

from guided.speech.pico.rate import pico_speed  # noqa: E402
from guided.speech.pico.text import SOUNDED_FINAL_S  # noqa: E402

CANDIDATES = ["bus", "autobus", "minibus", "trolleybus", "omnibus", "abribus", "virus",
              "bonus", "cactus", "campus", "terminus", "rébus", "lotus", "prospectus",
              "consensus", "processus", "sinus", "cosinus", "lapsus", "blocus", "humus",
              "papyrus", "eucalyptus", "hibiscus", "fœtus", "angélus", "cumulus", "stratus",
              "nimbus", "crocus", "hiatus", "rictus", "tonus", "utérus", "humérus",
              "thymus", "plexus", "négus", "corpus", "focus", "lupus", "mucus", "opus",
              "rhésus", "stimulus", "tumulus", "détritus", "cursus", "hummus", "motus",
              "anus", "tennis", "jadis", "oasis", "iris", "tournevis", "myosotis", "pubis",
              "ibis", "pastis", "syphilis", "gratis", "hélas", "atlas", "pancréas",
              "vasistas", "cosmos", "thermos", "albatros", "rhinocéros", "pathos", "ethos",
              "tétanos", "mérinos", "aloès", "palmarès", "herpès", "faciès", "cacatoès",
              "ours", "mars", "maïs", "lys", "express", "stress", "bis", "vis"]
SENTENCES = ("Voici le {} ici.", "Le {} est là.")
# as written, as the listener wrote it (bench/results/languages.md, French, Pico)
HEARD = [
    ("Dans la pièce voisine, la bouilloire s'est arrêtée.",
     "Dans la pièce voisine, la bouilloir s'est arrêtée."),
    ("Les coins commençaient déjà à se déchirer.", "Les coins commençait déjà à se déchirer."),
    ("Les bruits de la rue s'apaisent.", "Les bruit de la rue s'apaise."),
    ("On n'entendait que l'horloge.", "On entendait que l'horloge."),
    ("Le samedi, le bus part tard.", "Le samedi, le bu part tard."),
    ("Dehors, une voisine balayait.", "D'or, une voisine balayait."),
    ("Thomas a plié la carte avec soin.", "Thomas a plié la carte avec soi."),
    ("Cette part veille sur vous.", "C'est par veiller sur vous."),
    ("Laissez les épaules descendre.", "Laissez les épaules décembre."),
    ("Comme lourdeur, chaleur ou picotement.", "Comme l'ourdeur, chaleur ou picotement."),
]


def speak(text: str) -> np.ndarray:
    """Pico alone, as guided asks it at rate 140, in a fresh fork."""
    return pico_alone(text, pico_speed("pico-fr", 140))


def same(a: str, b: str) -> bool:
    return bool(np.array_equal(speak(a), speak(b)))


def main() -> None:
    silent = [w for w in CANDIDATES if all(same(s.format(w), s.format(w[:-1])) for s in SENTENCES)]
    lines = ["# Pico's French, word by word (bench/pico_french.py)", "",
             "Clips compared sample for sample (Pico alone, each in a fresh fork, at the speed "
             "guided asks at rate 140); no listener.", "",
             f"## Words with a sounded final s ({len(CANDIDATES)} tried)", "",
             f"Said without their s, the same samples as the word without it in both "
             f"sentences ({len(silent)}): {', '.join(silent)}.", "",
             "guided's table (`SOUNDED_FINAL_S`) is this list: "
             + ("the same." if set(silent) == SOUNDED_FINAL_S else
                f"**differs** (only in the table: {sorted(SOUNDED_FINAL_S - set(silent))}; "
                f"only measured: {sorted(set(silent) - SOUNDED_FINAL_S)})."), "",
             "The others were not the same samples; that does not prove Pico says their s "
             "(a word in its lexicon can be phrased otherwise than the same letters "
             "without the s), so they stay as written.", "",
             "## Words the language bench heard otherwise", "",
             "| as written | as heard | the same samples |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {'yes' if same(a, b) else 'no'} |" for a, b in HEARD]
    text = "\n".join(lines + [""])
    (HERE / "results" / "pico-french.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
