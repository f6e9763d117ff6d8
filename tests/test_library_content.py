"""The built-in practice library (scripts/*.yaml): valid, complete, the right length, gentle.

These tests read the real files through the real loader and timeline; lengths are the
timeline's estimates (words at the script's rate), which is what `guided list` shows
before any speech has been synthesized.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from guided.samples import SAMPLE_RATE
from guided.script.loader import load_script
from guided.script.model import Bell, Breathe, Include, Pause, Repeat, Say, Section, iter_steps
from guided.timeline.plan import SILENCE, SPEECH, TONE, plan

REPO = Path(__file__).resolve().parent.parent
SCRIPTS = REPO / "scripts"
PRACTICES = sorted(SCRIPTS.glob("*.yaml"))
SNIPPETS = sorted((SCRIPTS / "parts").glob("*.yaml"))
ALL_FILES = PRACTICES + SNIPPETS

REQUIRED = (
    "grounding", "grounding-54321", "orienting", "breath-awareness", "box-breathing",
    "breathing-4-7-8", "self-compassion", "tracking-activation", "parts-check-in",
    "pause-breathe-respond", "coherent-breathing", "physiological-sigh", "muscle-relaxation",
    "evening-stretch", "safe-place",
)
# Short practices with their own range (seconds); everything else is 2-15 minutes.
LENGTH_RANGES = {"pause-breathe-respond": (60, 120)}
DEFAULT_RANGE = (120, 900)

# Tone: invite, never command at the start of a sentence, and promise nothing.
COMMANDING_START = re.compile(r"^(you must|you have to|you should|do not|don't|never)\b", re.I)
PROMISES = re.compile(r"\b(cure[sd]?|heal you|will heal|guarantee[sd]?|fix you)\b", re.I)
SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _id(path: Path) -> str:
    return path.relative_to(SCRIPTS).as_posix()


def _says(script) -> list[Say]:
    return [step for step in iter_steps(script.steps) if isinstance(step, Say)]


def test_every_required_practice_is_there():
    names = {path.stem for path in PRACTICES}
    missing = [name for name in REQUIRED if name not in names]
    assert not missing, f"missing built-in practices: {missing}"


def test_every_built_in_passes_strict_check(cli, tmp_path):
    # An empty clip cache: the check judges the scripts as written (lengths from words and
    # rate), not whichever clips other tests happened to synthesize first.
    result = cli("check", "--strict", *map(str, ALL_FILES),
                    env={"GUIDED_CACHE_DIR": str(tmp_path / "empty-cache")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "warning" not in (result.stdout + result.stderr).lower()


def test_each_practice_kind_is_covered():
    kinds = {load_script(path).practice for path in PRACTICES}
    for kind in ("grounding", "orienting", "breath", "self-compassion", "body", "parts"):
        assert kind in kinds, f"no built-in practice of kind {kind!r}"


@pytest.mark.parametrize("path", PRACTICES, ids=_id)
def test_length_is_in_range(path: Path):
    timeline = plan(load_script(path))
    low, high = LENGTH_RANGES.get(path.stem, DEFAULT_RANGE)
    assert low <= timeline.seconds <= high, f"{path.name}: {timeline.seconds:.0f}s"


@pytest.mark.parametrize("path", PRACTICES, ids=_id)
def test_more_quiet_than_talk(path: Path):
    timeline = plan(load_script(path))
    speech = sum(ev.length for ev in timeline.events if ev.kind == SPEECH)
    quiet = sum(ev.length for ev in timeline.events if ev.kind in (SILENCE, TONE))
    assert quiet > speech, f"{path.name}: {speech / SAMPLE_RATE:.0f}s speech, {quiet / SAMPLE_RATE:.0f}s quiet"


@pytest.mark.parametrize("path", PRACTICES, ids=_id)
def test_shape_and_metadata(path: Path):
    script = load_script(path)
    assert script.author == "guided built-in library"
    assert script.language == "en"
    assert script.description
    assert script.rate is None or 130 <= script.rate <= 150
    steps = list(iter_steps(script.steps))
    assert sum(isinstance(step, Section) for step in steps) >= 3, "too few sections"
    # Open and close with a bell, so a listener knows when the practice begins and ends.
    assert isinstance(script.steps[0], Bell) and isinstance(script.steps[-1], Bell)
    # A spoken breath cue needs room to be said and still leave a moment of breathing.
    for step in steps:
        if isinstance(step, Breathe) and step.cue == "voice":
            phases = (step.inhale, step.hold, step.exhale, step.hold_out)
            assert all(p == 0 or p >= 2 for p in phases), f"{step.pos}: phase under 2s"


@pytest.mark.parametrize("path", ALL_FILES, ids=_id)
def test_tone_invites_and_promises_nothing(path: Path):
    script = load_script(path)
    for say in _says(script):
        for sentence in SENTENCE.split(" ".join(say.text.split())):
            assert not COMMANDING_START.match(sentence), f"{say.pos}: commanding: {sentence!r}"
        assert not PROMISES.search(say.text), f"{say.pos}: promises an outcome: {say.text!r}"
    # Every practice says somewhere that stopping, moving or keeping the eyes open is fine.
    if path in PRACTICES:
        spoken = " ".join(say.text.lower() for say in _says(script))
        assert re.search(r"\bstop|\bpause|eyes (can stay )?open|keep your eyes open|can wait", spoken), (
            f"{path.name}: no permission to stop or keep the eyes open"
        )


def test_library_shows_each_format_feature():
    scripts = [load_script(path) for path in PRACTICES]
    steps = [step for script in scripts for step in iter_steps(script.steps)]
    bells = {step.sound for step in steps if isinstance(step, Bell)}
    assert bells == {"bell", "soft-bell", "chime"}
    assert any(isinstance(step, Repeat) for step in steps)
    assert any(isinstance(step, Include) for step in steps)
    assert any(isinstance(step, Pause) for step in steps)
    assert {step.cue for step in steps if isinstance(step, Breathe)} == {"voice", "tone"}
    assert any(script.ambience != "none" for script in scripts)
    assert any(script.pace != 1.0 for script in scripts)
    assert any(script.variables.get("name") == "friend" for script in scripts)


def test_variable_default_and_override():
    script = load_script(SCRIPTS / "self-compassion.yaml")
    default = " ".join(ev.text for ev in plan(script).events if ev.kind == SPEECH)
    named = " ".join(ev.text for ev in plan(script, variables={"name": "Sam"}).events
                     if ev.kind == SPEECH)
    assert "Hello, friend." in default and "with yourself, friend." in default
    assert "Hello, Sam." in named and "with yourself, Sam." in named
    assert "Hello, friend." not in named


def test_shared_snippets_are_inlined():
    script = load_script(SCRIPTS / "orienting.yaml")
    includes = [step for step in iter_steps(script.steps) if isinstance(step, Include)]
    assert {step.path.name for step in includes} == {"arriving.yaml", "returning.yaml"}
    spoken = plan(script).speech_texts()
    assert any(text.startswith("Welcome. Take a moment to arrive") for text in spoken)


def test_library_finds_practices_by_name_but_not_snippets():
    from guided.script.library import BUILT_IN, iter_library, listed, load

    everything = iter_library()
    entries = [entry for entry in listed(everything, None) if entry.source == BUILT_IN]
    assert sorted(entry.name for entry in entries) == sorted(path.stem for path in PRACTICES)
    # the translations (scripts/de/ and the like) are built-in too, listed with --language
    translated = sorted(path.stem for path in SCRIPTS.glob("[a-z][a-z]/*.yaml"))
    assert translated
    assert sorted(e.name for e in everything if e.source == BUILT_IN) == sorted(
        [path.stem for path in PRACTICES] + translated)
    assert all(entry.ok for entry in entries), [str(e.error) for e in entries if not e.ok]
    assert load("grounding").path.resolve() == (SCRIPTS / "grounding.yaml").resolve()


def test_every_practice_is_described_in_the_library_guide():
    guide = (REPO / "docs" / "library.md").read_text(encoding="utf-8")
    missing = [path.stem for path in PRACTICES if f"`{path.stem}`" not in guide]
    assert not missing, f"docs/library.md does not describe: {missing}"
