"""One way to write a length wherever a person reads one: m:ss, h:mm:ss past an hour.
The bundle page and its README.txt agree, and warnings quote the author's own duration."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from guided.outputs.bundleitems import ChapterMark, Contents, Item
from guided.outputs.bundlepage import page_data
from guided.outputs.pagetext import readme_text
from guided.script.durations import format_clock, format_length


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0:00"), (27.4, "0:27"), (56, "0:56"), (73.6, "1:14"), (366, "6:06"),
    (3599.6, "1:00:00"), (3725, "1:02:05"), (4 * 3600, "4:00:00"),
])
def test_one_way_to_write_a_length(seconds, text):
    assert format_length(seconds) == text == format_clock(seconds)


@pytest.mark.speech  # preview asks the voice (a speech worker) for its version
def test_list_check_and_preview_write_lengths_as_clock_times(cli):
    listing = cli("list")
    lengths = [line.split()[-2] for line in listing.stdout.splitlines()[1:]
               if line.strip() and line.rstrip().endswith("built-in")]
    # "~" marks an estimate: exact once played or exported (test_known_lengths)
    assert lengths and all(re.fullmatch(r"~?\d+:\d\d", length) for length in lengths), lengths
    items = json.loads(cli("list", "--json").stdout)
    assert all(re.fullmatch(r"\d+:\d\d", item["length"]) for item in items)
    checked = cli("check", "grounding")
    assert re.search(r": ok — .+, about \d+:\d\d$", checked.stdout.strip())
    preview = cli("preview", "grounding").stdout.splitlines()
    assert re.search(r"about \d+:\d\d(, estimated)?\)$", preview[0])
    assert re.search(r"end — (about )?\d+:\d\d in all", preview[-1])


def test_bundle_page_and_readme_give_the_same_length():
    item = Item("01-feet", "feet", "Feet and Hands", "", "audio/01-feet.mp3", "captions/01-feet.vtt",
                73.6, [ChapterMark("Arriving", 0.0), ChapterMark("Feet", 59.6)])
    data = page_data("For Sam", "", [item], Contents([], None))
    readme = readme_text("For Sam", [item], Contents([], None), dt.date(2026, 11, 30))
    assert data["items"][0]["length"] == "1:14"
    assert "Feet and Hands (1:14)" in readme
    assert [ch["at"] for ch in data["items"][0]["chapters"]] == ["0:00", "1:00"]


def test_a_long_pause_warning_quotes_the_authors_words(cli, tmp_path):
    script = tmp_path / "sam.yaml"
    script.write_text("title: Sam\nsteps:\n  - section: Quiet\n  - say: Rest now.\n  - pause: 3m\n")
    result = cli("check", str(script))
    assert f"{script}:5:5: warning: 'pause: 3m' is over 2 minutes of silence" in result.stderr
    assert "180" not in result.stderr.replace(str(script), "")  # pytest's own folder may be pytest-180
