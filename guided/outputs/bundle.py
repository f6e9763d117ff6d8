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
import re
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from guided.atomic import temp_folder
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
from guided.outputs.bundleitems import Contents, Item
from guided.outputs.bundlepage import chapters_of, cues_of, page_data, render_page
from guided.outputs.page_policy import with_policy
from guided.outputs.pagetext import (
    FOR_NAME,
    YOUR_PRACTICES,
    page_language,
    readme_text,
)
from guided.outputs.progress import ExportTracker, Progress
from guided.outputs.writer import Guard
from guided.paths import is_path_ref
from guided.practice import journeys
from guided.practice.journeyfile import Journey
from guided.script.model import Script
from guided.script.placeholders import filled_title

Report = Callable[[str], None]

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen


@dataclass(frozen=True)
class Bundle:
    path: Path
    title: str
    items: list[Item]
    journey: Journey | None = None


# ---------------------------------------------------------------------------- what goes in


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


def slug(text: str) -> str:
    value = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return value[:40] or "practice"


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


@dataclass(frozen=True)
class BundleRequest:
    """What a bundle command chose, resolved once at the command line: the command's
    ``Chosen`` (variables, voice, pace, the clip cache) and the bundle's own choices."""

    chosen: Chosen
    title: str | None = None
    force: bool = False
    today: dt.date | None = None


def build_bundle(
    refs: list[str],
    out: Path | str,
    request: BundleRequest,
    *,
    report: Report | None = None,
    progress: Progress | None = None,
    guard: Guard | None = None,
) -> Bundle:
    """Export every practice and write the page; ``out`` is a folder or a ``.zip`` file.

    ``request`` holds the choices (``BundleRequest``); ``report`` hears "[n/N] Title" as each practice starts; ``progress`` (if given) is
    set to the seconds of audio to make and moved along as clips and audio are made."""
    from guided.outputs.export import export_timeline
    from guided.outputs.transcript import write_transcript
    from guided.practice.checks import require_known_variables, text_variables
    from guided.practice.prepare import Speakers, prepare

    chosen, title, force, today = request.chosen, request.title, request.force, request.today
    variables, pace = chosen.variables, chosen.pace
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
    guard = guard or Guard.for_user_data(chosen.cache)
    for script in contents.scripts:
        guard.add_script(script)
    if contents.journey is not None:
        guard.add_input(contents.journey.path, "the journey")
    target = check_bundle_target(out, as_zip=as_zip, force=force, guard=guard)
    bundle_title = own_title or default_title(contents, values)

    with Speakers(chosen) as speakers:
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
                with prepare(script, replace(chosen, variables=values),
                             speaker=voiced[n - 1], progress=tracker.clips(n)) as prep:
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
