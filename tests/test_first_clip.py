"""The first words of a practice are made alone (issue 21: first sound ≤ 0.4 s).

Before the first sound only the first clip is made: voicing the following paragraph on
the second worker at the same time took the CPU and the GIL from the first clip (the
seed programme's cold `journey today --play` used about 2 s of CPU before its first
sound). The rest is made as soon as the first sound is heard (``Performance.run``).
These tests guard that structure; they time nothing.
"""

from __future__ import annotations

from pathlib import Path

from guided.outputs.player.play import PlayOptions, prepare
from guided.practice.chosen import Chosen
from guided.practice.programmes.journey import programme_journey
from guided.script.loader import load_script
from guided.speech.choice import VoiceChoice

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "attachment-healing.md"
if not SEED.exists():
    SEED = Path("/work/shared/seeds/attachment-healing.md")




def _options(cache: Path) -> PlayOptions:
    """The deterministic test engine: which clips are made, not how they sound."""
    return PlayOptions(Chosen(cache, voice=VoiceChoice(engine="test")))


def _only_first_made(script, cache: Path) -> list[str]:
    prepared = prepare(script, _options(cache))
    try:
        texts = prepared.texts
        assert len(texts) >= 2
        assert prepared.later == texts  # all of it is made once the first sound is heard
        speaker = prepared.speaker
        assert len(speaker.clip(texts[0])) > 0  # the job prepare started, waited for
        assert [t for t in texts[1:] if speaker.cached_length(t) is not None] == []
        return texts
    finally:
        prepared.close()


def test_the_seed_introduction_makes_only_its_first_words_before_the_first_sound(tmp_path: Path) -> None:
    script = programme_journey(SEED).days[0].practices[0].script
    assert script is not None
    texts = _only_first_made(script, tmp_path / "cache")
    assert texts[0] == "Attachment Healing"  # the title: a short first clip
    assert len(texts[1]) > 200  # the long first paragraph waits until the title is heard


def test_a_long_first_paragraph_is_not_joined_by_the_next_before_the_first_sound(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(
        "title: Long opening\nsteps:\n"
        "  - say: >-\n      " + "Let your breath find its own pace, and notice where you are resting. " * 4 + "\n"
        "  - say: Now, gently, let your attention come back to the room.\n"
        "  - pause: 3s\n  - say: When you are ready, you can open your eyes.\n",
        encoding="utf-8")
    texts = _only_first_made(load_script(path), tmp_path / "cache")
    assert len(texts) == 3


def test_a_bell_first_makes_no_speech_before_the_first_sound(tmp_path: Path) -> None:
    path = tmp_path / "bell.yaml"
    path.write_text("title: Bell first\nsteps:\n  - bell: soft-bell\n  - pause: 4s\n"
                    "  - say: Welcome. Let yourself arrive.\n  - say: Notice your feet on the floor.\n",
                    encoding="utf-8")
    prepared = prepare(load_script(path), _options(tmp_path / "cache"))
    try:
        assert prepared.later == prepared.texts
        assert [t for t in prepared.texts if prepared.speaker.cached_length(t) is not None] == []
    finally:
        prepared.close()
