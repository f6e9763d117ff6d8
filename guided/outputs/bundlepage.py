"""What a client sees in a bundle: the page (``index.html``, its data inlined safely)
and ``README.txt``, made from the practices' timelines (each spoken cue and chapter
exactly as the audio and the captions have them). Building the bundle:
``guided.outputs.bundle``.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from guided.outputs.bundle_target import AUDIO_DIR, CAPTIONS_DIR
from guided.outputs.page_policy import with_policy
from guided.paths import PACKAGE_DIR
from guided.practice.journeyfile import Journey
from guided.script.durations import format_clock
from guided.script.model import Script
from guided.timeline.plan import SPEECH, Timeline

PAGE_TEMPLATE = PACKAGE_DIR / "templates" / "bundle_page.html"


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: float  # seconds


@dataclass(frozen=True)
class Item:
    """One practice in the bundle, as the page sees it."""

    id: str  # "01-grounding": file stem inside the bundle
    name: str
    title: str
    description: str
    audio: str  # path relative to the bundle folder
    captions: str
    duration: float
    chapters: list[ChapterMark] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)


@dataclass(frozen=True)
class Contents:
    scripts: list[Script]
    journey: Journey | None
    days: dict[int, list[int]] = field(default_factory=dict)  # journey day -> indexes into scripts


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
    payload = (json.dumps(data, ensure_ascii=False, indent=1)
               .replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
               .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    values = {"LANG": html.escape(language or "en", quote=True),
              "TITLE": html.escape(data["title"], quote=True),
              "DATA": payload}
    page = PAGE_TEMPLATE.read_text(encoding="utf-8")
    return with_policy(_PLACEHOLDER.sub(lambda m: values[m.group(1)], page))


def readme_text(title: str, items: list[Item], contents: Contents, when: dt.date) -> str:
    """README.txt: a short, plain note for the client."""
    lines = [title, "=" * len(title), "", f"Made for you on {when.isoformat()}.", "",
             "WHAT IS INSIDE",
             "  index.html   open this to listen: it opens in your web browser",
             f"  {AUDIO_DIR}/       the practices as MP3 files (they play in any music app too)",
             f"  {CAPTIONS_DIR}/    the words of each practice, as captions",
             "  cover.png    a calm picture for this bundle, also shown in music apps",
             "",
             "HOW TO OPEN IT",
             "  1. If this came as a .zip file, unzip it first",
             "     (on a phone: open it in Files and choose Extract or Unzip).",
             "  2. Open index.html. No internet and no installing are needed.",
             "  3. Choose a practice and press play. The words appear as they are spoken,",
             "     and the chapter list lets you jump to any part.",
             "",
             "WHAT THE PAGE REMEMBERS",
             "  Where you stopped, what you finished, and any ratings or answers you give",
             "  are kept only in your web browser, on this device. Nothing is sent anywhere.",
             "  \"Save my practice record\" makes a file you may send to your therapist",
             "  if you wish; \"Forget everything on this device\" clears it all.",
             "",
             "GENTLE REMINDERS",
             "  - Listen somewhere comfortable, never while driving.",
             "  - Your eyes can stay open. You can move, pause or stop at any time.",
             "  - There is no right way to do this; noticing is enough.",
             "  - A few minutes, often, tends to help more than a long session now and then.",
             "  - These recordings do not replace care from a person. If something feels",
             "    like too much, stop, and reach out to your therapist or someone you trust.",
             "",
             "PRACTICES"]
    for n, item in enumerate(items, 1):
        lines.append(f"  {n}. {item.title} ({format_clock(item.duration)})  {item.audio}")
    journey = contents.journey
    if journey is not None:
        lines += ["", f"YOUR JOURNEY: {journey.title}",
                  "  One practice a day; skip or repeat days as you need."]
        for week in journey.weeks:
            lines += ["", f"  Week {week.number}: {week.title}"]
            for day in week.days:
                practised = ", ".join(items[i].title for i in contents.days[day.number])
                lines.append(f"    Day {day.number}: {practised}")
                if day.reflection:
                    lines.append(f"      To reflect on: {day.reflection}")
    lines.append("")
    return "\n".join(lines)
