"""Client bundles: a folder (or .zip) a client opens on any device, offline, with nothing to install.

::

    Sam's practices/
      index.html        plain HTML5 audio, chapter list, transcript that follows the audio
      README.txt        what is inside, how to open it, gentle reminders
      audio/01-grounding.mp3
      captions/01-grounding.vtt

Everything the page needs is inside it (inline CSS, JS and cue data: ``file://`` pages
cannot fetch local files in some browsers), so it works from a USB stick, an unzipped
email attachment or a phone's file manager. The MP3s come from ``guided.outputs.export`` and
the chapters and captions from the same timeline, so page, captions and audio agree.

The bundle is built in a hidden temporary folder next to the target and renamed into
place at the end; an error or Ctrl-C leaves nothing half-written.
"""

from __future__ import annotations

import datetime as dt
import errno
import html
import json
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from guided.errors import GuidedError, disk_problem
from guided.i18n import texts
from guided.outputs.bundle_client import client_side
from guided.outputs.bundle_target import (
    AUDIO_DIR,
    CAPTIONS_DIR,
    MARKER,
    MARKER_TEXT,
    _move_into_place,
    check_bundle_target,
)
from guided.outputs.page_policy import with_policy
from guided.outputs.pagetext import (
    FOR_NAME,
    YOUR_PRACTICES,
    fill_marks,
    language_labels,
    page_language,
    readme_text,
    script_texts,
)
from guided.outputs.progress import ExportTracker, Progress
from guided.outputs.writer import Guard, temp_folder
from guided.paths import PACKAGE_DIR, is_path_ref
from guided.practice import journeys
from guided.practice.journeys import Journey
from guided.script.durations import format_clock
from guided.script.model import Script
from guided.timeline.plan import SPEECH, Timeline, filled_title

PAGE_TEMPLATE = PACKAGE_DIR / "templates" / "bundle_page.html"

Report = Callable[[str], None]

if TYPE_CHECKING:
    from guided.speech.choice import VoiceChoice


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
    language: str = "en"  # the practice's own (the page may be in another)


@dataclass(frozen=True)
class Bundle:
    path: Path
    title: str
    items: list[Item]
    journey: Journey | None = None


# ---------------------------------------------------------------------------- what goes in


@dataclass(frozen=True)
class Contents:
    scripts: list[Script]
    journey: Journey | None
    days: dict[int, list[int]] = field(default_factory=dict)  # journey day -> indexes into scripts


def collect(refs: list[str]) -> Contents:
    """Scripts and at most one journey from SCRIPT|JOURNEY arguments (a script name wins
    over a journey of the same name; a file with ``weeks:`` is a journey)."""
    from guided.script import library

    scripts: dict[str, Script] = {}
    journey: Journey | None = None
    days: dict[int, list[str]] = {}

    def add(script: Script) -> str:
        key = str(script.path) if script.path else script.name
        scripts.setdefault(key, script)
        return key

    for ref in refs:
        as_journey: Journey | None = None
        if is_path_ref(ref):
            path = Path(ref).expanduser()
            if path.is_file() and journeys.is_journey_file(path):
                as_journey = journeys.parse_journey(path)
        else:
            try:
                library.find_script(ref)
            except GuidedError:
                try:
                    as_journey = journeys.load_journey(ref)
                except GuidedError:
                    raise GuidedError(
                        f"there is no practice or journey called '{ref}' "
                        "(see `guided list` and `guided journey list`)") from None
        if as_journey is None:
            add(library.load(ref))
            continue
        if journey is not None:
            raise GuidedError("a bundle holds one journey; make a separate bundle for each journey")
        journey = as_journey
        loaded = {r.ref: journeys.load_practice(journey, r) for r in journey.practice_refs()}
        for day in journey.days:
            days[day.number] = [add(loaded[r.ref]) for r in day.practices]
    if not scripts:
        raise GuidedError("name at least one practice or journey to put in the bundle")
    ordered = list(scripts.values())
    index = {key: i for i, key in enumerate(scripts)}
    return Contents(ordered, journey, {d: [index[k] for k in keys] for d, keys in days.items()})


# ---------------------------------------------------------------------------- timeline → page


def cues_of(timeline: Timeline) -> list[Cue]:
    """What is said and when, for the page: one cue per spoken event, exactly the cues of
    the VTT captions (``guided.outputs.transcript``) and the same events the audio is made of."""
    return [Cue(round(ev.start_seconds, 3), round(ev.end_seconds, 3), ev.text)
            for ev in timeline.events if ev.kind == SPEECH]


def chapters_of(timeline: Timeline) -> list[ChapterMark]:
    rate = timeline.sample_rate
    return [ChapterMark(ch.title, round(ch.start / rate, 3)) for ch in timeline.chapters()]


def slug(text: str) -> str:
    value = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return value[:40] or "practice"


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


# ---------------------------------------------------------------------------- building


def default_title(contents: Contents, variables: Mapping[str, str]) -> str:
    name = (variables.get("name") or "").strip()
    _ = texts(page_language([script.language for script in contents.scripts]))
    if contents.journey is not None:
        base = contents.journey.title
    elif len(contents.scripts) == 1:
        script = contents.scripts[0]
        base = filled_title(script, variables)
    else:
        base = _(YOUR_PRACTICES)
    if not name or re.search(rf"(?<!\w){re.escape(name)}(?!\w)", base, re.IGNORECASE):
        return base  # "Evening settle for Sam" already says whom it is for
    return _(FOR_NAME).format(title=base, name=name)


def build_bundle(
    refs: list[str],
    out: Path | str,
    *,
    variables: Mapping[str, str] | None = None,
    title: str | None = None,
    voice: VoiceChoice | str | None = None,  # guided.speech.choice
    rate: int | None = None,
    pace: float | None = None,
    force: bool = False,
    report: Report | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    guard: Guard | None = None,
    cache_dir: Path | str | None = None,
) -> Bundle:
    """Export every practice and write the page; ``out`` is a folder or a ``.zip`` file.

    ``report`` hears "[n/N] Title" as each practice starts; ``progress`` (if given) is
    set to the seconds of audio to make and moved along as clips and audio are made."""
    from guided.outputs.export import export_timeline
    from guided.outputs.transcript import write_transcript
    from guided.practice.prepare import Speakers, prepare
    from guided.script.checks import require_known_variables, text_variables

    out = Path(out).expanduser()
    as_zip = out.suffix.lower() == ".zip"

    say = report or (lambda _msg: None)
    own_title = given_title(title)  # a mistake in it is said before any work
    contents = collect(refs)
    reflections = contents.journey.reflections() if contents.journey else []
    require_known_variables(variables or {}, contents.scripts,  # before anything is spoken
                            also={n for _, text, _ in reflections for n in text_variables(text)})
    values = dict(variables or {})
    if contents.journey is not None:
        contents = replace(contents, journey=contents.journey.filled(values))
    guard = guard or Guard.for_user_data(cache_dir)
    for script in contents.scripts:
        guard.add_script(script)
    if contents.journey is not None:
        guard.add_input(contents.journey.path, "the journey")
    target = check_bundle_target(out, as_zip=as_zip, force=force, guard=guard)
    bundle_title = own_title or default_title(contents, values)

    with Speakers(voice=voice, rate=rate, cache_dir=cache_dir) as speakers:
        # who speaks each practice, with any warning or error about it, before "[1/N]"
        voiced = [speakers.for_script(script) for script in contents.scripts]
        work = temp_folder(target)
        try:
            work.chmod(0o755)  # mkdtemp makes it private; the finished bundle is meant to be shared
            (work / AUDIO_DIR).mkdir()
            (work / CAPTIONS_DIR).mkdir()
            items: list[Item] = []
            total = len(contents.scripts)
            tracker = ExportTracker(progress, contents.scripts, pace)
            for n, script in enumerate(contents.scripts, 1):
                stem = f"{n:02d}-{slug(script.name or script.title)}"
                say(f"[{n}/{total}] {filled_title(script, values)}")
                with prepare(script, variables=values, pace=pace, speaker=voiced[n - 1],
                             progress=tracker.clips(n)) as prep:
                    audio = f"{AUDIO_DIR}/{stem}.mp3"
                    export_timeline(prep.timeline, prep.speaker, work / audio, fmt="mp3",
                                    progress=tracker.audio(n, prep.timeline.seconds))
                    cues = cues_of(prep.timeline)
                    captions = f"{CAPTIONS_DIR}/{stem}.vtt"
                    write_transcript(prep.timeline, "vtt", work / captions)
                    items.append(Item(stem, script.name, prep.timeline.title, prep.timeline.description, audio,
                                      captions, round(prep.timeline.seconds, 3),
                                      chapters_of(prep.timeline), cues, script.language or "en"))
            intro = contents.journey.description if contents.journey else (
                items[0].description if len(items) == 1 else "")
            data = page_data(bundle_title, intro, items, contents, values)
            if contents.journey is not None:  # the days as calendar events, from the bundle's day
                from guided.outputs.calendar import journey_calendar

                data["journey"]["reminders"] = journey_calendar(
                    contents.journey, work, today or dt.date.today())
            client_side(work, data, (values.get("name") or "").strip())  # id, cover, MP3 tags
            language = page_language([script.language for script in contents.scripts])
            page = render_page(data, language)
            if "programme" in data.get("journey", {}):
                from guided.outputs.programme_page import with_programme

                page = with_policy(with_programme(page))  # its script is allowed too
            (work / "index.html").write_text(page, encoding="utf-8")
            (work / "README.txt").write_text(
                readme_text(bundle_title, items, contents, today or dt.date.today(), language),
                encoding="utf-8")
            (work / MARKER).write_bytes(MARKER_TEXT.encode())  # the same bytes everywhere
            _move_into_place(work, target, as_zip, force)
        except BaseException as exc:
            shutil.rmtree(work, ignore_errors=True)
            problem = _disk_problem(exc, work)
            if problem is not None:  # about the bundle asked for, not the hidden folder it is built in
                raise GuidedError(f"cannot make the bundle {out}: {problem}") from exc
            raise
    return Bundle(out, bundle_title, items, contents.journey)


def given_title(title: str | None) -> str | None:
    """``--title`` as one line (tabs and line breaks become spaces); a control character
    such as an escape is refused, as in ``--var``, since README.txt and the page show it."""
    if title is None:
        return None
    from guided.script.hygiene import text_problem

    problem = text_problem(title)
    if problem:
        raise GuidedError(f"--title: {problem}")
    return " ".join(title.split()) or None


_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)


def _disk_problem(exc: BaseException, work: Path) -> str | None:
    """What went wrong, in words, when writing the bundle failed (a full disk, say, or any
    refusal naming the hidden folder it is built in); None for any other error."""
    from guided.outputs.export import _os_error_in

    if not isinstance(exc, (OSError, GuidedError)):
        return None
    cause = _os_error_in(exc)
    if cause is None:
        return None
    names_work = str(work) in str(exc) or str(work) in str(cause.filename or "")
    if cause.errno in _DISK_ERRNOS or names_work or exc is cause:
        return disk_problem(cause)
    return None
