"""``guided log chart``: distress before and after, and minutes practised, as a picture."""

from __future__ import annotations

from pathlib import Path

import click

from guided.errors import GuidedError


@click.command("chart")
@click.option("--client", default=None, metavar="NAME",
              help="A client's sessions, from the practice records you imported (default: your own).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE.svg",
              help="Write the chart as an SVG picture (default: a text chart here).")
@click.option("--force", is_flag=True, help="Replace the file if it already exists.")
def chart(client: str | None, output: str | None, force: bool) -> None:
    """Distress before and after each session and each week, with the minutes practised.

    \b
    guided log chart                      a compact text chart here
    guided log chart -o progress.svg      a picture to open in any web browser
    guided log chart --client Sam -o sam.svg
    """
    from guided.commands.log import _terminal_width, known_client, reading_log
    from guided.outputs.writer import Guard, check_target, is_stdout, write_output
    from guided.paths import cache_dir as default_cache  # no --cache-dir here

    target = None if output is None or is_stdout(output) else Path(output)
    if target is not None:
        if target.suffix.lower() != ".svg":
            raise GuidedError(f"{target.name}: the chart is drawn as SVG; name the file .svg "
                              "(any web browser opens it)")
        check_target(target, force=force, guard=Guard.for_user_data(default_cache()), what="the chart")
    with reading_log() as db:
        name = known_client(db, client)
        sessions = db.all(name)
    from guided.outputs.charts import chart_svg, chart_text
    from guided.outputs.safetext import printable

    if target is None and output is None:
        for line in chart_text(sessions, _terminal_width()):
            click.echo(line)
        return
    title = f"Practice of {name}" if name else "Your practice"
    svg = chart_svg(title, sessions)
    if target is None:  # "-": the SVG itself, to a pipe
        click.echo(svg, nl=False)
        return
    write_output(target, svg, force=force, what="the chart")
    click.echo(printable(f"Drew {len(sessions)} session{'s' if len(sessions) != 1 else ''} "
                         f"in {output}"), err=True)
