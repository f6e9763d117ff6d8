"""``guided export``: keep a practice as an audio file (mp3, ogg, flac or wav)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from guided.commands.common import (
    cache_option,
    collect_vars,
    pace_option,
    var_option,
    voice_options,
)
from guided.errors import GuidedError

FORMAT_CHOICES = ("mp3", "ogg", "flac", "wav")
TRANSCRIPT_CHOICES = ("vtt", "srt", "lrc")


@click.command()
@click.argument("script", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="The file to write (default: the practice's name with the format's extension).")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default=None,
              help="Audio format; by default taken from the file name, else mp3.")
@click.option("--all", "export_all", is_flag=True,
              help="Export every practice in your library and the built-in one (use with -d).")
@click.option("-d", "--dir", "folder", type=click.Path(file_okay=False), default=None,
              metavar="DIR", help="Folder for --all (created if needed).")
@click.option("--transcript", type=click.Choice(TRANSCRIPT_CHOICES), default=None,
              help="Also write a timed transcript beside the audio (same name).")
@var_option
@voice_options
@pace_option
@cache_option
def export(script: str | None, output: str | None, fmt: str | None, export_all: bool,
           folder: str | None, transcript: str | None, variables: tuple[str, ...],
           vars_file: str | None, voice: str | None, rate: int | None, pace: float | None,
           cache_dir: str | None) -> None:
    """Save a practice as an audio file to keep, for example on your phone.

    \b
    guided export grounding -o grounding.mp3
    guided export client.yaml -o sam.ogg --var name=Sam --transcript vtt
    guided export --all -d practices/

    The sound is evened out to a comfortable, steady loudness (-19 LUFS) without
    lifting the silences, each section becomes a chapter, and the file only
    appears once it is complete.
    """
    values = collect_vars(variables, vars_file)
    with _stop_on_terminate():
        if export_all:
            if script or output:
                raise GuidedError("--all exports the whole library into -d DIR; leave out SCRIPT and -o")
            if not folder:
                raise GuidedError("--all needs a folder: add -d DIR")
            _export_library(Path(folder), fmt or "mp3", values, voice, rate, pace, cache_dir,
                            transcript)
            return
        if not script:
            raise GuidedError("which practice? give a name (see `guided list`) or a .yaml file, "
                              "or use --all -d DIR")
        if folder:
            raise GuidedError("-d is for --all; for one practice use -o FILE")
        _export_one(script, _output_for(script, output, fmt), fmt, values, voice, rate, pace,
                    cache_dir, transcript)


def _output_for(script: str, output: str | None, fmt: str | None) -> Path:
    if output:
        return Path(output).expanduser()
    return Path(f"{Path(script).stem}.{fmt or 'mp3'}")


def _export_one(ref: object, out: Path, fmt: str | None, values: dict[str, str],
                voice: str | None, rate: int | None, pace: float | None,
                cache_dir: str | None, transcript: str | None, speakers: dict | None = None) -> None:
    from guided.export import export_timeline, format_for
    from guided.session import load as load_script
    from guided.session import prepare, speech_settings
    from guided.transcript import transcript_path, write_transcript

    fmt = format_for(out, fmt)  # a wrong extension fails before any work
    script = load_script(ref)  # type: ignore[arg-type]
    speaker = None
    if speakers is not None:  # --all: one speaker per voice and rate, reused
        settings = speech_settings(script, voice=voice, rate=rate)
        if settings not in speakers:
            from guided.speech.speaker import Speaker

            speakers[settings] = Speaker(settings, Path(cache_dir) if cache_dir else None)
        speaker = speakers[settings]
    with _bar(f"Preparing {script.name or script.title}", 1) as synth_bar:
        def on_clips(done: int, total: int) -> None:
            synth_bar.length = max(1, total)
            synth_bar.update(done - synth_bar.pos)

        prepared = prepare(script, variables=values, pace=pace, voice=voice, rate=rate,
                           cache_dir=cache_dir, progress=on_clips, speaker=speaker)
    with prepared:
        timeline = prepared.timeline
        with _bar(f"Exporting {out.name}", max(1, int(2 * timeline.seconds))) as bar:
            done = [0.0]

            def on_audio(seconds: float) -> None:
                done[0] += seconds
                bar.update(int(done[0]) - bar.pos)

            result = export_timeline(timeline, prepared.speaker, out, fmt=fmt, progress=on_audio)
        click.echo(str(result.path))
        if transcript:
            click.echo(str(write_transcript(timeline, transcript,
                                            transcript_path(result.path, transcript))))


def _export_library(folder: Path, fmt: str, values: dict[str, str], voice: str | None,
                    rate: int | None, pace: float | None, cache_dir: str | None,
                    transcript: str | None) -> None:
    from guided.library import iter_library

    folder.mkdir(parents=True, exist_ok=True)
    speakers: dict = {}
    failed = 0
    try:
        for entry in iter_library():
            if entry.script is None:
                click.echo(f"Skipped {entry.name}: {entry.error}", err=True)
                failed += 1
                continue
            try:
                _export_one(entry.script, folder / f"{entry.name}.{fmt}", fmt, values, voice,
                            rate, pace, cache_dir, transcript, speakers)
            except GuidedError as exc:  # one broken practice doesn't stop the others
                click.echo(f"Skipped {entry.name}: {exc}", err=True)
                failed += 1
    finally:
        for speaker in speakers.values():
            speaker.close()
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
    if not sys.stderr.isatty():
        yield _QuietBar()
        return
    with click.progressbar(length=length, label=label, file=sys.stderr,
                           show_percent=True, width=24) as bar:
        yield bar


@contextmanager
def _stop_on_terminate() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so an interrupted export cleans up its temporary file."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not in the main thread (e.g. called from a test harness)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
