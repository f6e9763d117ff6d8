"""Read a Markdown programme into a ``Programme``: every mistake at once, each as
``file:line:col`` with a hint (docs/journeys.md, "Programmes in Markdown")."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path

from guided.errors import Pos, ScriptError, ScriptErrors
from guided.practice.programmes import sections, tokens, words
from guided.practice.programmes.model import Block, Part, Programme
from guided.script.hygiene import bad_character, describe_character
from guided.script.yamlfile import decode, read_bytes

MAX_BYTES = 1024 * 1024
MAX_LINES = 20_000  # a year of written days fits; the parser takes seconds per 10,000 lines
# Markdown marks the parser pays dearly for (a 1 MiB run of '[' took it over a minute, of
# '<' three seconds): (characters, at most, what they are). The seed uses 55 in all.
MARKUP_LIMITS = (("[", 5_000, "'[' (the start of a link or image)"),
                 ("*_", 20_000, "'*' and '_' (emphasis)"),
                 ("]!<>&\\`", 50_000, "other characters Markdown gives a meaning to "
                                       "(] ! < > & \\ `)"))
SHAPE = ("expected a programme with '## Day 1: Title' sections, or a '## Your Journey Plan' "
         "with '### Week 1: Title' headings and a bullet for each focus (see docs/journeys.md)")


class _Problems:
    def __init__(self) -> None:
        self.errors: list[ScriptError] = []
        self.warnings: list[tuple[Pos, str]] = []

    def error(self, pos: Pos, message: str) -> None:
        self.errors.append(ScriptError(message, pos))

    def warn(self, pos: Pos, message: str) -> None:
        self.warnings.append((pos, message))


def read_programme(path: Path, display: str | None = None) -> Programme:
    """The programme in ``path``; a ``ScriptErrors`` with every mistake, in file order."""
    display = display or str(path)
    data = read_bytes(path, Pos(display), max_bytes=MAX_BYTES, what="a programme")
    text = decode(data, display).removeprefix("\ufeff")
    found = bad_character(text)
    if found is not None:
        index, char = found
        line = text.count("\n", 0, index) + 1
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        raise ScriptError(f"the text contains {describe_character(char)}; remove it", Pos(display, line, col))
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise ScriptError(f"the file has {lines:,} lines; a programme may have at most {MAX_LINES:,} "
                          "(split it into several programmes)", Pos(display, MAX_LINES + 1, 1))
    _check_markup(text, display)
    problems = _Problems()
    meta_text, meta_line = _front_matter(text, display)
    from guided.practice.programmes import frontmatter

    meta = frontmatter.read(meta_text, meta_line, display, problems) if meta_text is not None else None
    parsed = tokens.parser().parse(text)
    all_blocks = tokens.blocks(parsed, display, problems.error)
    html = tokens.dropped_html(parsed, text.split("\n"), display)
    if html is not None:  # once, at the first: the page and `journey show` leave it out
        where, count = html
        more = "" if count == 1 else f" (and in {count - 1} more place{'s' if count > 2 else ''})"
        problems.warn(where, f"HTML in a programme is neither shown nor spoken{more}; write it as "
                             "Markdown, or as an HTML comment if it is a note for yourself")
    programme = _shape(all_blocks, path, display, problems)
    if meta is not None:
        programme = frontmatter.apply(programme, meta, problems)
    if problems.errors:
        errors = sorted(problems.errors, key=lambda e: (e.pos.line if e.pos else 0, e.pos.col if e.pos else 0))
        raise ScriptErrors(errors)
    return replace(programme, source_hash=hashlib.sha256(data).hexdigest(),
                   warnings=tuple(problems.warnings))


def _check_markup(text: str, display: str) -> None:
    """One linear pass before the parser: more of a costly mark than ``MARKUP_LIMITS``
    allows is one line at the first one over."""
    for chars, limit, what in MARKUP_LIMITS:
        count = sum(text.count(c) for c in chars)
        if count <= limit:
            continue
        marks = re.finditer(f"[{re.escape(chars)}]", text)
        index = next(m for n, m in enumerate(marks) if n == limit).start()
        line = text.count("\n", 0, index) + 1
        col = index - (text.rfind("\n", 0, index) + 1) + 1
        raise ScriptError(f"the file holds {count:,} {what}; a programme may hold at most {limit:,}, "
                          "since more would keep the reader busy for a long time (is this the programme you meant?)",
                          Pos(display, line, col))


def _front_matter(text: str, display: str) -> tuple[str | None, int]:
    """The front matter's text and the line it starts on (None when there is none)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, 0
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2
    raise ScriptError("the front matter is not closed: add a line with only '---' after its last key "
                      "(before the first heading)", Pos(display, 1, 1))


def _shape(blocks: list[Block], path: Path, display: str, problems: _Problems) -> Programme:
    """Headings checked (no level skipped, no section empty), then the document cut into
    its introduction, days, plan and other sections."""
    _check_headings(blocks, problems)
    heading = ""
    intro: list[Block] = []
    groups: list[tuple[Block, list[Block]]] = []
    for block in blocks:
        if block.kind == "heading" and block.level <= 2:
            if block.level == 1 and not heading and not groups:
                heading = block.text
                continue
            groups.append((block, []))
        elif groups:
            groups[-1][1].append(block)
        else:
            intro.append(block)
    days: list = []
    plan, plan_title = None, ""
    before: list[Part] = []
    after: list[Part] = []
    for title_block, body in groups:
        title = title_block.text
        day = words.DAY.match(title)  # in each language a practice can be spoken in
        if day:
            days.append(sections.day(words.number(day.group(1)), day.group(2).strip(), title_block.pos, body, problems))
        elif any(b.kind == "heading" and b.level == 3 and words.WEEK.match(b.text) for b in body) and plan is None:
            plan, plan_title = sections.plan(body, problems), title
        else:
            spoken = any(b.kind == "speak" for b in body[:1])
            part = Part(title, title_block.pos, tuple(b for b in body if b.kind != "speak"), spoken)
            (after if days else before).append(part)
    marked = {later[0].pos for earlier, later in zip(groups, groups[1:], strict=False)
              if earlier[1] and earlier[1][-1].kind == "speak"}  # <!-- speak --> just before a heading
    if marked:
        before = [replace(p, spoken=True) if p.pos in marked else p for p in before]
        after = [replace(p, spoken=True) if p.pos in marked else p for p in after]
    if not days and not plan:
        raise ScriptError(f"this Markdown file is not a programme guided can follow: {SHAPE}", Pos(display, 1, 1))
    sections.check_day_order(days, problems)
    return Programme(name=path.stem, title=heading or path.stem, path=path, pos=Pos(display, 1, 1),
                     heading=heading, intro=tuple(b for b in intro if b.kind != "speak"),
                     days=tuple(days), plan_title=plan_title, plan=tuple(plan or ()),
                     before=tuple(before), after=tuple(after))


def _check_headings(blocks: list[Block], problems: _Problems) -> None:
    previous = 1
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        if block.level > previous + 1 and block.level <= 4:
            problems.error(block.pos, f"a heading level is skipped: '{'#' * block.level} {block.text}' follows "
                                      f"a level-{previous} heading; use '{'#' * (previous + 1)}' here")
        previous = block.level
        j = i + 1
        while j < len(blocks) and blocks[j].kind == "speak":
            j += 1
        following = blocks[j] if j < len(blocks) else None
        if following is None or (following.kind == "heading" and following.level <= block.level):
            problems.error(block.pos, f"the section '{block.text}' is empty: write something under it, "
                                      "or remove the heading")
        if not block.text:
            problems.error(block.pos, "this heading has no words: give it a title")
