"""A bundle's words for the client (the page's labels and README.txt) in the language of
its practices, from the message catalogues (``guided.i18n``).

The page is in the language of its first practice, where there is a catalogue for it
(else English); each practice in another language is labelled with its own (``lang``,
and in a bundle that mixes languages, the language's name beside its title).

In ``templates/bundle_page.html`` a text the page shows as written is marked
``{{Practices}}`` and filled in here, HTML-escaped; a text its script builds is written
``t("Week {number}: {title}", {...})`` and looked up in ``data.text``, which holds the
translation of each one. Both kinds are found by ``template_messages`` (for the
catalogues: ``tools/catalogues.py``).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from guided.i18n import ENGLISH, N_, Gettext, catalogue_language, texts
from guided.script.durations import format_clock

if TYPE_CHECKING:
    from guided.outputs.bundleitems import Contents, Item

MARK = re.compile(r"\{\{(.+?)\}\}")
SCRIPT_TEXT = re.compile(r'\bt\("((?:[^"\\]|\\.)*)"')

# Each language by its own name, for a practice in a bundle that mixes languages.
AUTONYMS = {"en": "English", "de": "Deutsch", "es": "Español", "fr": "Français", "it": "Italiano"}


def page_language(languages: Sequence[str]) -> str:
    """The page's language: its first practice's, if the page's words are written in it."""
    first = languages[0] if languages else ENGLISH
    return first if catalogue_language(first) != ENGLISH else ENGLISH


def template_messages(template: str) -> list[str]:
    """Every text of the page template to translate, in order, once each."""
    found = [m.group(1) for m in MARK.finditer(template)]
    found += [json.loads(f'"{m.group(1)}"') for m in SCRIPT_TEXT.finditer(template)]
    return list(dict.fromkeys(found))


def fill_marks(template: str, _: Gettext) -> str:
    """The template with each ``{{text}}`` in the page's language, HTML-escaped."""
    return MARK.sub(lambda m: html.escape(_(m.group(1)), quote=True), template)


def script_texts(template: str, _: Gettext) -> dict[str, str]:
    """``data.text``: each text the page's script shows, in the page's language."""
    found = (json.loads(f'"{m.group(1)}"') for m in SCRIPT_TEXT.finditer(template))
    return {text: _(text) for text in found}


def language_labels(items: list[dict]) -> None:
    """In a bundle that mixes languages, each practice says its language by name."""
    if len({catalogue_key(item.get("language", ENGLISH)) for item in items}) > 1:
        for item in items:
            language = item.get("language", ENGLISH)
            item["language_name"] = AUTONYMS.get(catalogue_key(language), language)


def catalogue_key(tag: str) -> str:
    return re.split(r"[-_]", tag, maxsplit=1)[0].lower()


def readme_text(title: str, items: list[Item], contents: Contents, when: dt.date,
                language: str = ENGLISH) -> str:
    """README.txt: a short, plain note for the client, in the page's language."""
    from guided.outputs.bundle_target import AUDIO_DIR, CAPTIONS_DIR

    _ = texts(language)
    lines = [title, "=" * len(title), "", _("Made for you on {date}.").format(date=when.isoformat()),
             "", _("WHAT IS INSIDE"),
             "  index.html   " + _("open this to listen: it opens in your web browser"),
             f"  {AUDIO_DIR}/       " + _("the practices as MP3 files (they play in any music app too)"),
             f"  {CAPTIONS_DIR}/    " + _("the words of each practice, as captions"),
             "  cover.png    " + _("a calm picture for this bundle, also shown in music apps"),
             "", _("HOW TO OPEN IT"),
             _("  1. If this came as a .zip file, unzip it first\n"
               "     (on a phone: open it in Files and choose Extract or Unzip).\n"
               "  2. Open index.html. No internet and no installing are needed.\n"
               "  3. Choose a practice and press play. The words appear as they are spoken,\n"
               "     and the chapter list lets you jump to any part."),
             "", _("WHAT THE PAGE REMEMBERS"),
             _("  Where you stopped, what you finished, and any ratings or answers you give\n"
               "  are kept only in your web browser, on this device. Nothing is sent anywhere.\n"
               "  \"Save my practice record\" makes a file you may send to your therapist\n"
               "  if you wish; \"Forget everything on this device\" clears it all."),
             "", _("GENTLE REMINDERS"),
             _("  - Listen somewhere comfortable, never while driving.\n"
               "  - Your eyes can stay open. You can move, pause or stop at any time.\n"
               "  - There is no right way to do this; noticing is enough.\n"
               "  - A few minutes, often, tends to help more than a long session now and then.\n"
               "  - These recordings do not replace care from a person. If something feels\n"
               "    like too much, stop, and reach out to your therapist or someone you trust."),
             "", _("PRACTICES")]
    mixed = len({catalogue_key(item.language) for item in items}) > 1
    for n, item in enumerate(items, 1):
        named = f", {AUTONYMS.get(catalogue_key(item.language), item.language)}" if mixed else ""
        lines.append(f"  {n}. {item.title} ({format_clock(item.duration)}{named})  {item.audio}")
    journey = contents.journey
    if journey is not None:
        lines += ["", _("YOUR JOURNEY: {title}").format(title=journey.title),
                  _("  One practice a day; skip or repeat days as you need.")]
        for week in journey.weeks:
            lines += ["", "  " + _("Week {number}: {title}").format(number=week.number, title=week.title)]
            for day in week.days:
                practised = ", ".join(items[i].title for i in contents.days[day.number])
                lines.append("    " + _("Day {number}: {title}").format(number=day.number, title=practised))
                if day.reflection:
                    lines.append("      " + _("To reflect on: {question}").format(question=day.reflection))
    lines.append("")
    return "\n".join(lines)


# The bundle's title when --title does not give one (guided.outputs.bundle.default_title).
YOUR_PRACTICES = N_("Your practices")
FOR_NAME = N_("{title} · for {name}")
