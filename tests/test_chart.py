"""`guided log chart`: what it drew, read back from the SVG and from the text chart."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET

from tests.test_records import record, session, write

NS = {"s": "http://www.w3.org/2000/svg"}
RATINGS = [(8, 5, 600), (7, 3, 300), (6, 6, 900), (None, None, 120)]


def sessions() -> list[dict]:
    days = ["2026-11-02", "2026-11-04", "2026-11-10", "2026-11-11"]  # two ISO weeks
    return [session(f"s{i}", started=f"{day}T20:00:00+00:00", ended=None, distress_before=b,
                    distress_after=a, listened_seconds=secs)
            for i, (day, (b, a, secs)) in enumerate(zip(days, RATINGS, strict=True))]


def test_the_svg_holds_what_was_drawn(cli, tmp_path):
    rows = sessions()
    rows[0]["script"] = '<script>alert(1)</script> & "grounding"'
    assert cli("log", "import", str(write(tmp_path / "r.json", record(*rows)))).returncode == 0
    out = tmp_path / "sam.svg"
    result = cli("log", "chart", "--client", "Sam", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "Drew 4 sessions" in result.stderr
    root = ET.parse(out).getroot()  # well-formed XML: every name was escaped
    assert root.find("s:title", NS).text == "Practice of Sam"
    assert root.find(".//s:script", NS) is None
    panels = {p.get("data-kind"): p for p in root.iter("{http://www.w3.org/2000/svg}g")
              if p.get("class") == "panel"}
    assert set(panels) == {"session", "week"}
    each = panels["session"]
    ticks = {t.text: float(t.get("y")) - 4 for t in each.findall("s:text", NS)
             if "distress" in (t.get("class") or "")}
    assert list(ticks) == ["0", "5", "10"]
    per_unit = (ticks["0"] - ticks["10"]) / 10
    points = [g for g in each.findall("s:g", NS) if g.get("class") == "point"]
    assert [(g.get("data-label"), g.get("data-before"), g.get("data-after"), g.get("data-minutes"))
            for g in points] == [("11-02", "8", "5", "10"), ("11-04", "7", "3", "5"),
                                 ("11-10", "6", "6", "15"), ("11-11", "", "", "2")]
    assert points[0].get("data-name") == '<script>alert(1)</script> & "grounding"'
    for g, (before, after, _secs) in zip(points, RATINGS, strict=True):
        drawn = {c.get("class"): float(c.get("cy")) for c in g.findall("s:circle", NS)}
        expected = {}
        if before is not None:
            expected["before"] = ticks["0"] - before * per_unit
            expected["after"] = ticks["0"] - after * per_unit
        assert drawn == {k: round(v, 1) for k, v in expected.items()}
    bars = [float(g.find("s:rect", NS).get("height")) for g in points]
    assert bars[2] == max(bars) and abs(bars[1] / bars[2] - 5 / 15) < 0.01  # minutes to scale
    weeks = [(g.get("data-label"), g.get("data-before"), g.get("data-after"), g.get("data-minutes"))
             for g in panels["week"].findall("s:g", NS)]
    assert weeks == [("2026-W45", "7.5", "4", "15"), ("2026-W46", "6", "6", "17")]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "minutes listened" in texts and "after" in texts


def test_the_text_chart_and_mistakes(cli, tmp_path):
    assert "No sessions yet." in cli("log", "chart").stdout
    write(tmp_path / "r.json", record(*sessions()))
    assert cli("log", "import", str(tmp_path / "r.json")).returncode == 0
    lines = cli("log", "chart", "--client", "Sam").stdout.splitlines()
    rows = [line for line in lines if line.startswith("11-")]
    assert rows[0].split()[2:4] == ["·····A--B··", "10.0"]
    assert rows[2].split()[2] == "······*····"  # the same before and after
    assert rows[3].split()[2] == "···········"  # listened, not rated
    assert [line.split()[0] for line in lines[lines.index("Each week (average ratings):") + 1:]] \
        == ["2026-W45", "2026-W46"]
    assert "No sessions yet." in cli("log", "chart").stdout  # your own, still none
    png = cli("log", "chart", "--client", "Sam", "-o", str(tmp_path / "c.png"))
    assert png.returncode == 1 and "name the file .svg" in png.stderr
    fifo = tmp_path / "c.svg"
    os.mkfifo(fifo)
    refused = cli("log", "chart", "--client", "Sam", "-o", str(fifo))
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    unknown = cli("log", "chart", "--client", "Nobody")
    assert unknown.returncode == 1 and "no sessions from a client called 'Nobody'" in unknown.stderr
    kept = tmp_path / "kept.svg"
    kept.write_text("mine")
    again = cli("log", "chart", "--client", "Sam", "-o", str(kept))
    assert again.returncode == 1 and kept.read_text() == "mine"
