"""What a client sees in a bundle: the page (``index.html``, its data inlined safely)
and ``README.txt``, made from the practices' timelines (each spoken cue and chapter
exactly as the audio and the captions have them). Building the bundle:
``guided.outputs.bundle``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import asdict

from guided.i18n import texts
from guided.outputs.bundleitems import ChapterMark, Contents, Cue, Item
from guided.outputs.page_policy import with_policy
from guided.outputs.pagetext import (
    fill_marks,
    language_labels,
    page_language,
    script_texts,
)
from guided.paths import PACKAGE_DIR
from guided.script.durations import format_clock
from guided.timeline.plan import SPEECH, Timeline

PAGE_TEMPLATE = PACKAGE_DIR / "templates" / "bundle_page.html"


# ---------------------------------------------------------------------------- timeline → page


def cues_of(timeline: Timeline) -> list[Cue]:
    """What is said and when, for the page: one cue per spoken event, exactly the cues of
    the VTT captions (``guided.outputs.transcript``) and the same events the audio is made of."""
    return [Cue(round(ev.start_seconds, 3), round(ev.end_seconds, 3), ev.text)
            for ev in timeline.events if ev.kind == SPEECH]


def chapters_of(timeline: Timeline) -> list[ChapterMark]:
    rate = timeline.sample_rate
    return [ChapterMark(ch.title, round(ch.start / rate, 3)) for ch in timeline.chapters()]


def page_data(title: str, intro: str, items: list[Item], contents: Contents,
              values: Mapping[str, str] | None = None) -> dict:
    data: dict = {"title": title, "intro": intro, "items": [asdict(item) for item in items]}
    for item in data["items"]:  # lengths written once, in Python, as README.txt writes them
        item["length"] = format_clock(item["duration"])
        for chapter in item["chapters"]:
            chapter["at"] = format_clock(chapter["start"])
    language_labels(data["items"])
    j = contents.journey
    if j is not None:
        ids = [item.id for item in items]
        data["journey"] = {
            "name": j.name, "title": j.title,
            "description": j.description,
            "weeks": [{
                "number": w.number, "title": w.title, "theme": w.theme,
                "days": [{"number": d.number, "title": d.title, "reflection": d.reflection,
                          "note": d.note, "items": [ids[i] for i in contents.days[d.number]]}
                         for d in w.days],
            } for w in j.weeks],
        }
        from guided.outputs.programme_page import programme_data  # a programme written in Markdown

        shown = programme_data(j, {d.number: [ids[i] for i in contents.days[d.number]] for d in j.days},
                               values or {})
        if shown is not None:
            data["journey"]["programme"] = shown
    return data


_PLACEHOLDER = re.compile(r"__(LANG|TITLE|DATA)__")


def render_page(data: dict, language: str = "en") -> str:
    """index.html with the data inlined in one pass: each placeholder of the template is
    filled once, and nothing filled in is looked at again. The data is JSON inside a
    ``<script type="application/json">`` element, with ``<``, ``>`` and ``&`` escaped so
    no text can close the element or start markup; the title and language are
    HTML-escaped for their places."""
    language = page_language([language])  # English where the page's words are not translated
    _ = texts(language)
    template = PAGE_TEMPLATE.read_text(encoding="utf-8")
    data = {**data, "language": language, "text": script_texts(template, _)}
    if "programme" in data.get("journey", {}):  # a Markdown programme's labels (programme_page)
        shown = data["journey"]["programme"]
        shown["labels"] = {key: _(label) for key, label in shown["labels"].items()}
    payload = (json.dumps(data, ensure_ascii=False, indent=1)
               .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    values = {"LANG": html.escape(language or "en", quote=True),
              "TITLE": html.escape(data["title"], quote=True),
              "DATA": payload}
    return with_policy(_PLACEHOLDER.sub(lambda m: values[m.group(1)], fill_marks(template, _)))
