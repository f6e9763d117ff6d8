"""The Markdown programme example in docs/journeys.md reads as the text says."""

from __future__ import annotations

import re
from pathlib import Path

from guided.practice import journeys
from guided.script.model import Pause, Section

REPO = Path(__file__).resolve().parent.parent


def example() -> str:
    text = (REPO / "docs" / "journeys.md").read_text(encoding="utf-8")
    section = text[text.index("## Programmes written in Markdown"):]
    return re.search(r"```markdown\n(.*?)```", section, re.S).group(1)


def test_the_documented_example_reads_as_described(tmp_path, cli):
    path = tmp_path / "small-steps.md"
    path.write_text(example(), encoding="utf-8")
    j = journeys.load_journey(path)
    assert j.title == "Small Steps" and len(j.weeks) == 1 and len(j.days) == 7
    day = j.day(1)
    assert [r.ref for r in day.practices] == ["introduction", "day-1"]
    assert day.questions == ("What did you notice?", "What felt kind?")
    steps = day.practices[1].script.steps
    # "about 6 minutes" shared by two steps; the comment sets step 2 exactly
    assert [s.seconds for s in steps if isinstance(s, Pause) and s.written] == [180.0, 30.0]
    assert any(isinstance(s, Section) and s.title == "Noticing is enough." for s in steps)
    assert j.day(2).focus == "Notice the breath" and not j.day(2).practices
    result = cli("journey", "check", str(path), "--var", "name=Sam")
    assert result.returncode == 0, result.stderr
    assert "1 week, 7 days: 1 written day (1), 6 with a focus only." in result.stdout
