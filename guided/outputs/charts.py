"""Pictures of practice: distress before and after, per session and per week, with the
minutes listened. As an SVG file (plain SVG written by hand: no plotting library to load)
or as a compact text chart for a terminal.

Imported only by ``guided log chart``, so start-up stays fast. Every value drawn is also
in the SVG as a ``data-`` attribute and every axis has its labels, so tests (and anyone
curious) can read back exactly what was drawn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from guided.practice import days
from guided.practice.sessionlog import Session

MAX_SESSIONS = 30  # the most recent sessions drawn one by one


@dataclass(frozen=True)
class Point:
    label: str  # "12-01" (local day) or "2026-W49"
    name: str  # the practice, or "" for a week
    before: float | None
    after: float | None
    minutes: float


def session_points(sessions: Sequence[Session]) -> list[Point]:
    """The most recent sessions with any time listened or a rating, oldest first."""
    kept = [s for s in sessions if s.listened_seconds > 0 or s.distress_before is not None
            or s.distress_after is not None]
    points = []
    for s in kept[-MAX_SESSIONS:]:
        day = days.local_day(s.started)
        points.append(Point(day.strftime("%m-%d") if day else "?", s.script,
                            s.distress_before, s.distress_after, round(s.listened_seconds / 60, 1)))
    return points


def week_points(sessions: Sequence[Session]) -> list[Point]:
    """Each ISO week practised: the average ratings before and after, the minutes in all."""
    weeks: dict[str, list[Session]] = {}
    for s in sessions:
        day = days.local_day(s.started)
        if day is None:
            continue
        year, week, _ = day.isocalendar()
        weeks.setdefault(f"{year}-W{week:02d}", []).append(s)

    def mean(values: list[int]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    return [Point(key, "", mean([s.distress_before for s in group if s.distress_before is not None]),
                  mean([s.distress_after for s in group if s.distress_after is not None]),
                  round(sum(s.listened_seconds for s in group) / 60, 1))
            for key, group in sorted(weeks.items())]


# ---------------------------------------------------------------------------- SVG

WIDTH, PANEL, LEFT, RIGHT, TOP, BOTTOM = 720, 230, 40, 76, 48, 44
STYLE = """
  text { font-family: system-ui, sans-serif; font-size: 12px; fill: #3b3a37; }
  .title { font-size: 16px; font-weight: 600; }
  .grid { stroke: #e2ddd3; } .axis { stroke: #6b665e; }
  .minutes { fill: #dbe9e1; } .change { stroke: #3f6b5c; stroke-width: 2; }
  .before { fill: #ffffff; stroke: #2b2a28; stroke-width: 2; } .after { fill: #3f6b5c; }
"""


def chart_svg(title: str, sessions: Sequence[Session]) -> str:
    """The whole picture: a title, then one panel per session and one per week."""
    per_session, per_week = session_points(sessions), week_points(sessions)
    height = TOP + 2 * (PANEL + BOTTOM) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="chart-title">',
             f"<title id=\"chart-title\">{escape(title)}</title>", f"<style>{STYLE}</style>",
             f'<rect width="{WIDTH}" height="{height}" fill="#fbf9f5"/>',
             f'<text class="title" x="{LEFT}" y="28">{escape(title)}</text>']
    parts += _panel("Each session: distress 0-10 (left), minutes listened (right)", "session",
                    per_session, TOP + 10)
    parts += _panel("Each week: average distress, minutes in all", "week", per_week,
                    TOP + 10 + PANEL + BOTTOM)
    legend_y = height - 12
    parts.append(f'<circle class="before" cx="{LEFT + 6}" cy="{legend_y - 4}" r="5"/>'
                 f'<text x="{LEFT + 16}" y="{legend_y}">distress before (0 calm, 10 the most)</text>'
                 f'<circle class="after" cx="{LEFT + 266}" cy="{legend_y - 4}" r="5"/>'
                 f'<text x="{LEFT + 276}" y="{legend_y}">after</text>'
                 f'<rect class="minutes" x="{LEFT + 326}" y="{legend_y - 10}" width="12" height="10"/>'
                 f'<text x="{LEFT + 344}" y="{legend_y}">minutes listened</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(heading: str, kind: str, points: list[Point], top: int) -> list[str]:
    inner = PANEL - 30
    base = top + 30 + inner  # where 0 is
    most = max([p.minutes for p in points] + [1.0])

    def y(value: float) -> float:
        return round(base - inner * value / 10, 1)

    out = [f'<g class="panel" data-kind="{kind}" data-most-minutes="{most:g}">',
           f'<text class="heading" x="{LEFT}" y="{top + 16}">{escape(heading)}</text>']
    for value in (0, 5, 10):
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value)}" y2="{y(value)}"/>'
                   f'<text class="tick distress" x="{LEFT - 8}" y="{y(value) + 4}" '
                   f'text-anchor="end">{value}</text>')
    out.append(f'<text class="tick minutes-tick" x="{WIDTH - RIGHT + 8}" y="{y(10) + 4}">'
               f'{most:g} min</text>')
    if not points:
        out.append(f'<text class="empty" x="{LEFT + 10}" y="{y(5)}">No sessions yet.</text></g>')
        return out
    step = (WIDTH - LEFT - RIGHT) / len(points)
    for i, p in enumerate(points):
        cx = round(LEFT + step * (i + 0.5), 1)
        bar = round(inner * p.minutes / most, 1)
        out.append(f'<g class="point" data-label="{escape(p.label)}" data-name="{escape(p.name)}" '
                   f'data-before="{_value(p.before)}" data-after="{_value(p.after)}" '
                   f'data-minutes="{p.minutes:g}">')
        out.append(f'<rect class="minutes" x="{round(cx - step * 0.3, 1)}" y="{round(base - bar, 1)}" '
                   f'width="{round(step * 0.6, 1)}" height="{bar}"/>')
        if p.before is not None and p.after is not None:
            out.append(f'<line class="change" x1="{cx}" x2="{cx}" y1="{y(p.before)}" y2="{y(p.after)}"/>')
        if p.before is not None:
            out.append(f'<circle class="before" cx="{cx}" cy="{y(p.before)}" r="5"/>')
        if p.after is not None:
            out.append(f'<circle class="after" cx="{cx}" cy="{y(p.after)}" r="5"/>')
        if len(points) <= 16 or i % max(1, len(points) // 8) == 0:
            out.append(f'<text class="label" x="{cx}" y="{base + 16}" text-anchor="middle">'
                       f"{escape(p.label)}</text>")
        out.append("</g>")
    out.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{base}" y2="{base}"/></g>')
    return out


def _value(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# ---------------------------------------------------------------------------- text


def chart_text(sessions: Sequence[Session], width: int = 80) -> list[str]:
    """A compact chart for a terminal: one line per session and per week, the 0-10 scale
    drawn with B (before) and A (after), and # for minutes."""
    lines = ["Distress from 0 (calm) to 10: B before, A after, * both the same; # = 2 minutes."]
    per_session = session_points(sessions)
    if not per_session:
        return lines + ["No sessions yet."]
    name_width = max(8, min(18, width - 50))
    lines.append(f"{'':5}  {'':{name_width}}  0    5   10")
    for p in per_session:
        lines.append(f"{p.label:5}  {_cut(p.name, name_width):{name_width}}  {_scale(p)}  "
                     f"{_minutes(p.minutes)}")
    lines += ["", "Each week (average ratings):"]
    for p in week_points(sessions):
        lines.append(f"{p.label:8}  {_scale(p)}  {_minutes(p.minutes)}")
    return lines


def _scale(p: Point) -> str:
    cells = ["·"] * 11
    b = None if p.before is None else round(p.before)
    a = None if p.after is None else round(p.after)
    if b is not None and a is not None:
        for i in range(min(a, b) + 1, max(a, b)):
            cells[i] = "-"
    if b is not None:
        cells[b] = "B"
    if a is not None:
        cells[a] = "*" if a == b else "A"
    return "".join(cells)


def _minutes(minutes: float) -> str:
    return f"{minutes:5.1f} min {'#' * min(30, round(minutes / 2))}".rstrip()


def _cut(text: str, width: int) -> str:
    from guided.outputs.safetext import printable

    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"
