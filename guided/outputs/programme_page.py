"""A programme's own words on a bundle's page: per day its learning as formatted text
(headings, bold, lists) beside its audio, the activity's steps and the reflection
questions; the introduction first and the other sections after.

Everything is inert: the page gets the programme as JSON data (spans of text with
their emphasis), and ``templates/programme_page.js`` builds the elements from it with
``textContent``; no HTML from the Markdown ever reaches the page as markup. A link is
shown as its text and address; it is followed only when it is plain ``https`` and the
programme's front matter says ``links: true``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from guided.i18n import N_
from guided.practice.journeyfile import Journey
from guided.practice.programmes.model import Block, Part, Programme, Span, Spans
from guided.script.placeholders import fill_text

SCRIPT = Path(__file__).resolve().parent.parent / "templates" / "programme_page.js"
# The page's labels for a programme, translated where the page is made (guided.outputs.bundle)
LABELS = {"heading": N_("The programme, day by day"), "introduction": N_("Introduction"),
          "listen": N_("Listen"), "questions": N_("To reflect on afterwards"),
          "activity": N_("Activity"), "focus": N_("Focus"), "day": N_("Day {number}"),
          "day_titled": N_("Day {number}: {title}")}


def _span(span: Span, values: Mapping[str, str]) -> dict:
    data: dict = {"t": fill_text(span.text, values)}
    for flag in ("strong", "em", "code"):
        if getattr(span, flag):
            data[flag[0]] = 1
    if span.href:
        data["href"] = span.href
    return data


def _spans(spans: Spans, values: Mapping[str, str]) -> list[dict]:
    return [_span(s, values) for s in spans]


def _block(block: Block, values: Mapping[str, str]) -> dict | None:
    if block.kind in ("pause", "wait", "speak"):
        return None
    data: dict = {"k": block.kind}
    if block.kind == "heading":
        data["level"] = block.level
    if block.spans:
        data["s"] = _spans(block.spans, values)
    if block.items:
        data["items"] = [_spans(item, values) for item in block.items]
    return data


def _blocks(blocks: tuple[Block, ...], values: Mapping[str, str]) -> list[dict]:
    return [b for b in (_block(block, values) for block in blocks) if b is not None]


def _part(part: Part, values: Mapping[str, str]) -> dict:
    return {"title": fill_text(part.title, values), "blocks": _blocks(part.blocks, values)}


def programme_data(journey: Journey, item_ids: Mapping[int, list[str]],
                   values: Mapping[str, str]) -> dict | None:
    """The page's data for a journey read from Markdown (None for a YAML journey).
    ``item_ids``: each day's audio, as ids of the page's items."""
    p = journey.programme
    if not isinstance(p, Programme):
        return None
    days = []
    for day in p.days:
        ids = [i for i in item_ids.get(day.number, []) if not i.endswith("introduction")]
        entry: dict = {"number": day.number, "title": fill_text(day.title, values), "items": ids,
                       "learning": [_part(part, values) for part in day.learning],
                       "questions": [fill_text(q.text, values) for q in day.questions]}
        if day.activity is not None:
            a = day.activity
            entry["activity"] = {"title": fill_text(a.title, values), "setup": _blocks(a.setup, values),
                                 "steps": [_blocks(step.blocks, values) for step in a.steps]}
        days.append(entry)
    intro_ids = [i for i in item_ids.get(1, []) if i.endswith("introduction")]
    about = [[key, fill_text(value, values)] for key, value in p.meta.items()
             if key not in ("title", "description", "links", "voice", "rate", "pace", "step-pause")]
    return {"labels": LABELS, "links": p.links, "about": about, "intro": _blocks(p.intro, values), "intro_items": intro_ids,
            "before": [_part(part, values) for part in p.before], "days": days,
            "after": [_part(part, values) for part in p.after]}


def with_programme(page: str) -> str:
    """The page with the script that shows a programme (it does nothing for other bundles)."""
    script = SCRIPT.read_text(encoding="utf-8").replace("</", "<\\/")
    return page.replace("</body>", f"<script>\n{script}</script>\n</body>", 1)
