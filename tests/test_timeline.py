"""The timeline decides time: exact sample offsets, pace, variables, breath phases, chapters."""

from itertools import pairwise
from pathlib import Path

import pytest

from guided.errors import Pos, ScriptError
from guided.samples import SAMPLE_RATE
from guided.script.lengths import BELL_SECONDS
from guided.script.model import Bell, Breathe, Include, Pause, Repeat, Say, Script, Section
from guided.script.placeholders import fill_variables
from guided.timeline.plan import BELL, BREATH_CUE_WORDS, SECTION, SILENCE, SPEECH, TAIL, TONE, plan

P = Pos("t.yaml", 1, 1)


def script(*steps, **kw) -> Script:
    return Script(title="T", steps=tuple(steps), **kw)


def fixed(seconds: float):
    """A measure that says every clip is exactly `seconds` long."""
    return lambda text: int(seconds * SAMPLE_RATE)


def test_events_follow_each_other_exactly():
    tl = plan(script(Say("Hello.", P), Pause(3, P), Say("Again.", P)), measure=fixed(1.5))
    kinds = [(e.kind, e.start, e.length) for e in tl.events]
    sr = SAMPLE_RATE
    assert kinds == [
        (SPEECH, 0, int(1.5 * sr)),
        (SILENCE, int(1.5 * sr), 3 * sr),
        (SPEECH, int(4.5 * sr), int(1.5 * sr)),
    ]
    assert tl.length == 6 * sr
    assert tl.exact


def test_estimates_are_marked_inexact_and_scale_with_rate():
    slow = plan(script(Say("one two three four five six seven", P)), rate=100)
    fast = plan(script(Say("one two three four five six seven", P)), rate=200)
    assert not slow.exact
    assert slow.length > fast.length


def test_pace_multiplies_pauses_and_breath_holds_only():
    steps = (Pause(2, P), Breathe(inhale=4, hold=2, exhale=4, hold_out=1, cycles=1, cue="tone", pos=P))
    normal = plan(script(*steps))
    slower = plan(script(*steps), pace=1.5)
    by_phase = lambda tl: {e.phase: e.length for e in tl.events if e.kind == TONE}  # noqa: E731
    assert slower.events[0].length == 3 * SAMPLE_RATE
    assert by_phase(slower)["inhale"] == by_phase(normal)["inhale"] == 4 * SAMPLE_RATE
    assert by_phase(slower)["hold"] == 3 * SAMPLE_RATE
    assert by_phase(slower)["hold-out"] == int(1.5 * SAMPLE_RATE)


def test_script_pace_is_used_unless_replaced():
    s = script(Pause(2, P), pace=2.0)
    assert plan(s).length == 4 * SAMPLE_RATE
    assert plan(s, pace=1.0).length == 2 * SAMPLE_RATE


def test_breathe_voice_cues_are_exact_onset_to_onset():
    tl = plan(script(Breathe(inhale=4, hold=7, exhale=8, cycles=2, pos=P)), measure=fixed(0.8))
    onsets = [e.start for e in tl.events if e.kind == SPEECH]
    assert [e.text for e in tl.events if e.kind == SPEECH][:3] == [
        BREATH_CUE_WORDS["inhale"], BREATH_CUE_WORDS["hold"], BREATH_CUE_WORDS["exhale"]]
    gaps = [(b - a) / SAMPLE_RATE for a, b in pairwise(onsets)]
    assert gaps == [4, 7, 8, 4, 7]
    assert tl.length == 2 * 19 * SAMPLE_RATE


def test_voice_cue_longer_than_its_phase_is_an_error_naming_the_phase():
    with pytest.raises(ScriptError, match="longer than the 1s hold phase"):
        plan(script(Breathe(inhale=4, hold=1, exhale=4, cycles=1, pos=P)), measure=fixed(1.2))


def test_repeat_and_include_expand_in_order():
    inner = (Say("a", P), Pause(1, P))
    tl = plan(script(Repeat(3, inner, P), Include(Path("x.yaml"), (Bell("chime", P),), P)),
              measure=fixed(1))
    assert [e.kind for e in tl.events] == [SPEECH, SILENCE] * 3 + [BELL]
    assert tl.events[-1].length == int(BELL_SECONDS["chime"] * SAMPLE_RATE)


def test_sections_become_chapters_covering_the_whole_session():
    tl = plan(script(Bell("bell", P), Section("Seeing", P), Pause(5, P), Section("Breathing", P), Pause(5, P)))
    chapters = tl.chapters()
    assert [c.title for c in chapters] == ["T", "Seeing", "Breathing"]
    assert chapters[0].start == 0 and chapters[-1].end == tl.length
    assert all(a.end == b.start for a, b in pairwise(chapters))
    assert [e.section for e in tl.events if e.kind == SILENCE] == ["Seeing", "Breathing"]
    assert tl.events[1].kind == SECTION and tl.events[1].length == 0


def test_ambience_adds_a_closing_tail_for_the_fade_out():
    tl = plan(script(Pause(1, P), ambience="rain-like"))
    assert tl.events[-1].kind == TAIL
    assert plan(script(Pause(1, P))).events[-1].kind == SILENCE


def test_variables_fill_and_braces_escape():
    assert fill_variables("Hi {name}, {{literal}}", {"name": "Sam"}, P) == "Hi Sam, {literal}"
    tl = plan(script(Say("Welcome, {name}.", P), variables={"name": "friend"}), variables={"name": "Sam"})
    assert tl.events[0].text == "Welcome, Sam."


@pytest.mark.parametrize("text,message", [
    ("Hi {who}", "variable 'who' has no value"),
    ("Hi {", "unmatched '{'"),
    ("Hi }", "unmatched '}'"),
    ("Hi {two words}", "is not a variable name"),
])
def test_bad_placeholders_name_the_problem_and_place(text, message):
    with pytest.raises(ScriptError, match=message) as info:
        plan(script(Say(text, P)))
    assert str(info.value).startswith("t.yaml:1:1: ")


def test_four_hour_limit_is_enforced_after_pace():
    long = script(Repeat(100, (Pause(200, P),), P))  # 20,000 s: over four hours
    with pytest.raises(ScriptError, match="4-hour limit"):
        plan(long)
    ok = script(Repeat(100, (Pause(60, P),), P))
    assert plan(ok).seconds == 6000
    with pytest.raises(ScriptError, match="4-hour limit"):
        plan(ok, pace=4.0)


def test_from_a_start_several_sections_share_is_one_line_naming_them():
    from guided.errors import GuidedError
    from guided.timeline.lazy import resolve_section

    tl = plan(script(Section("Landing", P), Pause(5, P), Section("Letting go", P), Pause(5, P),
                     Section("Let", P), Pause(5, P), Section("Rest", P), Pause(5, P)))
    assert resolve_section(tl, "la") == (1, "Landing")
    assert resolve_section(tl, "LET") == (3, "Let")  # exactly one title: no doubt
    assert resolve_section(tl, "2") == (2, "Letting go")
    with pytest.raises(GuidedError) as caught:
        resolve_section(tl, "l")
    assert caught.value.message == ("--from 'l' could be more than one section: 1 Landing, "
                                    "2 Letting go, 3 Let; give its number or more of its title")
    with pytest.raises(GuidedError, match="could be more than one section: 2 Letting go, 3 Let;"):
        resolve_section(tl, "le")
    with pytest.raises(GuidedError, match="no section 'x'; the sections are: 1 Landing, 2 Letting"):
        resolve_section(tl, "x")
