"""``guided export``: keep a practice as an audio file (mp3, ogg, flac or wav)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from guided.commands.chosen import choose
from guided.commands.common import (
    cache_option,
    language_option,
    pace_option,
    var_option,
    voice_options,
)
from guided.commands.sounds import sound_options
from guided.errors import GuidedError
from guided.outputs.formats import AUDIO_FORMATS, DEFAULT_AUDIO_FORMAT, TRANSCRIPT_FORMATS
from guided.outputs.safetext import printable
from guided.outputs.writer import Guard, check_target, stop_on_signals

if TYPE_CHECKING:
    from guided.practice.chosen import Chosen
    from guided.script.model import Script
    from guided.speech.choice import VoiceChoice
    from guided.speech.speaker import Speaker
    from guided.timeline.sounds import SoundChoice

EXPORT_WORKERS = 2  # --all: practices exported at once (each one thread; the encoder releases the GIL)


@click.command()
@click.argument("script", required=False)
@language_option("script")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="The file to write (default: the practice's name with the format's extension).")
@click.option("--format", "fmt", type=click.Choice(AUDIO_FORMATS), default=None,
              help="Audio format; by default taken from the file name, else mp3.")
@click.option("--all", "export_all", is_flag=True,
              help="Export every practice: your own and the built-in ones (use with -d).")
@click.option("-d", "--dir", "folder", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Folder for --all (created if needed).")
@click.option("--transcript", type=click.Choice(TRANSCRIPT_FORMATS), default=None,
              help="Also write a timed transcript beside the audio (same name).")
@click.option("--force", is_flag=True, help="Replace files that already exist.")
@var_option
@voice_options
@pace_option
@sound_options
@cache_option
def export(script: str | None, output: str | None, fmt: str | None, export_all: bool,
           folder: str | None, transcript: str | None, variables: tuple[str, ...],
           vars_file: str | None, voice: VoiceChoice, pace: float | None,
           sounds: SoundChoice, cache_dir: Path, force: bool) -> None:
    """Save a practice as an audio file to keep, for example on your phone.

    \b
    guided export grounding -o grounding.mp3
    guided export client.yaml -o sam.ogg --var name=Sam --transcript vtt
    guided export --all -d practices/

    The sound is evened out to a comfortable, steady loudness (-19 LUFS) without
    lifting the silences, each section becomes a chapter, and the file only
    appears once it is complete. An existing file is kept unless you add --force;
    missing folders are made.
    """
    chosen = choose(cache_dir=cache_dir, voice=voice, variables=variables, vars_file=vars_file,
                    pace=pace, sounds=sounds)
    opts = ExportOptions(chosen, fmt, transcript, force, vars_file)
    with stop_on_signals():
        if export_all:
            if script or output:
                raise GuidedError("--all exports the whole library into -d DIR; leave out SCRIPT and -o")
            if not folder:
                raise GuidedError("--all needs a folder: add -d DIR")
            several = replace(chosen, voice=replace(voice, several=True))  # --voice where its language is spoken
            _export_library(Path(folder), replace(opts, chosen=several,
                                                  fmt=fmt or DEFAULT_AUDIO_FORMAT))
            return
        if not script:
            raise GuidedError("which practice? give a name (see `guided list`) or a .yaml file, "
                              "or use --all -d DIR")
        if folder:
            raise GuidedError("-d is for --all; for one practice use -o FILE")
        _export_one(script, _output_for(script, output, fmt), opts)


def _output_for(script: str, output: str | None, fmt: str | None) -> Path:
    if output:
        return Path(output).expanduser()
    return Path(f"{Path(script).stem}.{fmt or 'mp3'}")


@dataclass(frozen=True)
class ExportOptions:
    """What `guided export` chose: the command's ``Chosen`` and the files to write."""

    chosen: Chosen  # variables, voice (and rate), pace, sounds, the clip cache
    fmt: str | None = None
    transcript: str | None = None
    force: bool = False
    vars_file: str | None = None  # an input never written over

    def guard(self, script: Script) -> Guard:
        """What this export must never write over: its inputs and guided's own files."""
        guard = Guard.for_user_data(self.chosen.cache)
        guard.add_input(self.vars_file, "the vars file")
        guard.add_script(script)
        return guard

    def check_outputs(self, script: Script, out: Path) -> None:
        """The output writer's rules for the audio and its transcript, before any work."""
        from guided.outputs.export import check_output
        from guided.outputs.transcript import transcript_path

        guard = self.guard(script)
        check_output(out, self.fmt, force=self.force, guard=guard)
        if self.transcript:
            check_target(transcript_path(out, self.transcript), force=self.force, guard=guard,
                         what="the transcript")


class _Cancelled(Exception):
    """Raised inside a worker's export when the whole run is being stopped."""


def _export_file(script: Script, out: Path, opts: ExportOptions, speaker: Speaker | None = None,
                 on_clips: Callable[[int, int], None] | None = None,
                 on_audio: Callable[[float], None] | None = None,
                 on_timeline: Callable[[float], None] | None = None) -> list[Path]:
    """Export one practice (and its transcript); returns the files written."""
    from guided.outputs.export import export_timeline
    from guided.outputs.transcript import transcript_path, write_transcript
    from guided.practice.prepare import prepare

    sounds = opts.chosen.sounds
    script = sounds.for_script(script)
    with prepare(script, opts.chosen, progress=on_clips, speaker=speaker) as prepared:
        timeline = sounds.timeline(prepared.timeline)  # a bell left out: its silence stays
        if on_timeline:
            on_timeline(timeline.seconds)
        result = export_timeline(timeline, prepared.speaker, out, fmt=opts.fmt, progress=on_audio,
                                 force=opts.force)
        written = [result.path]
        if opts.transcript:
            written.append(write_transcript(timeline, opts.transcript,
                                            transcript_path(result.path, opts.transcript),
                                            force=opts.force))
    return written


def _export_one(ref: str, out: Path, opts: ExportOptions) -> None:
    from guided.outputs.export import format_for
    from guided.practice.prepare import load as load_script

    format_for(out, opts.fmt)  # a wrong extension fails before the script is read
    script = load_script(ref)
    from guided.practice.checks import require_known_variables

    require_known_variables(opts.chosen.variables, [script])  # a mistyped --var name: before any speech
    opts.check_outputs(script, out)  # and the output writer's rules before any work
    with ExitStack() as stack:
        synth = stack.enter_context(_bar(f"Preparing {script.name or script.title}", 1))
        bars: list = []

        def on_clips(done: int, total: int) -> None:
            synth.length = max(1, total)
            synth.update(done - synth.pos)

        def on_timeline(seconds: float) -> None:
            stack.close()  # the preparing bar is done
            bars.append(stack.enter_context(_bar(f"Exporting {out.name}", max(1, int(2 * seconds)))))

        done = [0.0]

        def on_audio(seconds: float) -> None:
            done[0] += seconds
            bars[0].update(int(done[0]) - bars[0].pos)

        written = _export_file(script, out, opts, on_clips=on_clips, on_audio=on_audio,
                               on_timeline=on_timeline)
    for path in written:
        click.echo(printable(path))


def _export_library(folder: Path, opts: ExportOptions) -> None:
    """Every practice in the library, two at a time on a multi-core machine (each export
    is one Python thread rendering and encoding), printed in library order."""
    from concurrent.futures import ThreadPoolExecutor

    from guided.outputs.progress import ExportTracker, Progress
    from guided.practice.prepare import Speakers
    from guided.script.library import iter_library

    fmt = opts.fmt or DEFAULT_AUDIO_FORMAT
    folder.mkdir(parents=True, exist_ok=True)
    entries = iter_library()
    speakers = Speakers(opts.chosen)
    stop = threading.Event()

    def check(*_args: object) -> None:
        if stop.is_set():
            raise _Cancelled

    progress = Progress(1, "Exporting the library")
    playable = [entry for entry in entries if entry.script is not None]
    scripts = {entry.name: entry.script for entry in playable if entry.script is not None}
    tracker = ExportTracker(progress, list(scripts.values()), opts.chosen.pace)

    def work(n: int, script: Script, out: Path) -> list[Path]:
        check()
        opts.check_outputs(script, out)
        clips = tracker.clips(n)
        audio: list[Callable[[float], None]] = []

        def on_clips(done: int, total: int) -> None:
            check()
            clips(done, total)

        def on_audio(seconds: float) -> None:
            check()
            audio[0](seconds)

        return _export_file(script, out, opts, speakers.for_script(script), on_clips=on_clips,
                            on_audio=on_audio,
                            on_timeline=lambda seconds: audio.append(tracker.audio(n, seconds)))

    failed = 0
    workers = min(EXPORT_WORKERS, os.cpu_count() or 1)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="guided-export")
    try:
        futures = {entry.name: pool.submit(work, n, scripts[entry.name], folder / f"{entry.name}.{fmt}")
                   for n, entry in enumerate(playable, 1)}
        with progress:
            for entry in entries:
                if entry.script is None:
                    click.echo(printable(f"Skipped {entry.name}: {entry.error}"), err=True)
                    failed += 1
                    continue
                try:
                    written = futures[entry.name].result()
                except _Cancelled:
                    raise
                except (GuidedError, OSError, ValueError) as exc:  # one broken practice never stops the rest
                    reason = str(exc) if isinstance(exc, GuidedError) else f"{type(exc).__name__}: {exc}"
                    click.echo(printable(f"Skipped {entry.name}: {reason}"), err=True)
                    failed += 1
                    continue
                for path in written:
                    click.echo(printable(path))
    except BaseException:
        stop.set()  # running exports stop at their next block and remove their temporary files
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        speakers.close()
    if failed:
        raise GuidedError(f"{failed} practice(s) could not be exported (see above)")


class _QuietBar:
    """Stands in for a progress bar when stderr is not a terminal."""

    length = 0
    pos = 0

    def update(self, n: int) -> None:
        self.pos += n


@contextmanager
def _bar(label: str, length: int) -> Iterator:
    """A progress bar on stderr that messages never share a line with (see
    ``guided.outputs.liveline``); it is drawn full when the work is done."""
    if not sys.stderr.isatty():
        yield _QuietBar()
        return
    from guided.outputs import liveline

    with click.progressbar(length=length, label=printable(label), file=sys.stderr,
                           show_percent=True, width=24) as bar:

        def redraw() -> None:
            bar._last_line = None  # click skips a line it drew last time; it was wiped
            bar.render_progress()

        with liveline.live(sys.stderr, redraw):
            yield bar
            if bar.length is not None and bar.pos < bar.length:
                bar.update(bar.length - bar.pos)  # the work is done: the bar ends full

