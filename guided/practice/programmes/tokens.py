"""Markdown to blocks, with markdown-it-py (CommonMark, front matter by mdit-py-plugins).

No Markdown is parsed by hand here: the parser's tokens become ``Block``s of inert
``Span``s, each with the line it starts on. Raw HTML is dropped (never shown, never
spoken), except the author's comments ``<!-- pause: 5m -->``, ``<!-- wait -->`` and
``<!-- speak -->`` on a line of their own; ``dropped_html`` finds what was dropped, so
the reader can say so once."""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from guided.errors import Pos
from guided.practice.programmes.model import Block, Span, Spans

_COMMENT = re.compile(r"<!--\s*(.*?)\s*-->", re.S)
_PAUSE = re.compile(r"^pause\s*:\s*(.+)$", re.I)


def parser() -> MarkdownIt:
    # maxNesting keeps a file of 10,000 nested quotations flat and fast
    return MarkdownIt("commonmark", {"html": True, "maxNesting": 20}).use(front_matter_plugin)


def spans(inline: Token) -> Spans:
    """The inline token's text as spans: emphasis kept, markup symbols gone."""
    out: list[Span] = []
    strong = em = 0
    href = ""
    for child in inline.children or ():
        kind = child.type
        if kind == "text":
            out.append(Span(child.content, strong > 0, em > 0, href=href))
        elif kind == "code_inline":
            out.append(Span(child.content, strong > 0, em > 0, code=True, href=href))
        elif kind in ("softbreak", "hardbreak"):
            out.append(Span(" "))
        elif kind == "strong_open":
            strong += 1
        elif kind == "strong_close":
            strong -= 1
        elif kind == "em_open":
            em += 1
        elif kind == "em_close":
            em -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href") or "")
        elif kind == "link_close":
            href = ""
        elif kind == "image":
            out.append(Span(child.content))  # its description, as words
        # html_inline: dropped (never shown as markup, never spoken)
    return tuple(out)


def _close(tokens: list[Token], i: int) -> int:
    """The index of the token that closes ``tokens[i]``."""
    opening = tokens[i]
    closing = opening.type.replace("_open", "_close")
    for j in range(i + 1, len(tokens)):
        if tokens[j].type == closing and tokens[j].level == opening.level:
            return j
    return len(tokens) - 1


def comment_blocks(content: str, pos: Pos, problem: Callable[[Pos, str], None]) -> list[Block]:
    """The author's comments in an HTML block; anything else in it is dropped."""
    found: list[Block] = []
    for match in _COMMENT.finditer(content):
        words = " ".join(match.group(1).split())
        pause = _PAUSE.match(words)
        if pause:
            from guided.script.durations import parse_duration

            try:
                seconds = parse_duration(pause.group(1).strip())
            except ValueError as exc:
                problem(pos, f"the pause '{pause.group(1).strip()}' cannot be read: {exc} "
                             "(write it like <!-- pause: 5m --> or <!-- pause: 90s -->)")
                continue
            if seconds > 3600:
                problem(pos, "a pause may be at most an hour (60m)")
                continue
            found.append(Block("pause", pos, seconds=seconds))
        elif words.lower() == "wait":
            found.append(Block("wait", pos))
        elif words.lower() == "speak":
            found.append(Block("speak", pos))
    return found


def blocks(tokens: list[Token], display: str, problem: Callable[[Pos, str], None]) -> list[Block]:
    """The document's blocks in order (headings included), each with its line."""
    out: list[Block] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        line = token.map[0] + 1 if token.map else 0
        pos = Pos(display, line, 1)
        kind = token.type
        if kind == "heading_open":
            out.append(Block("heading", pos, spans(tokens[i + 1]), level=int(token.tag[1:])))
            i += 3
        elif kind == "paragraph_open":
            out.append(Block("paragraph", pos, spans(tokens[i + 1])))
            i += 3
        elif kind in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            end = _close(tokens, i)
            items = tuple(spans(t) for t in tokens[i:end] if t.type == "inline")
            name = {"bullet_list_open": "bullets", "ordered_list_open": "numbers"}.get(kind, "quote")
            out.append(Block(name, pos, items=items))
            i = end + 1
        elif kind in ("fence", "code_block"):
            out.append(Block("code", pos, (Span(token.content.rstrip("\n"), code=True),)))
            i += 1
        elif kind == "html_block":
            out += comment_blocks(token.content, pos, problem)
            i += 1
        else:  # front matter, a rule, anything else: nothing to show or say
            i += 1
    return out


def dropped_html(tokens: list[Token], lines: list[str], display: str) -> tuple[Pos, int] | None:
    """Where the first raw HTML that is neither shown nor spoken is (HTML comments are the
    author's notes, not dropped content), and how many places hold such HTML."""
    first: Pos | None = None
    count = 0
    for token in tokens:
        found: list[str] = []
        if token.type == "html_block":
            found = [token.content] if _COMMENT.sub("", token.content).strip() else []
        elif token.type == "inline":
            found = [c.content for c in token.children or () if c.type == "html_inline"
                     and not c.content.lstrip().startswith("<!--")]
        if not found or not token.map:
            continue
        count += len(found)
        if first is None:
            first = _place(found[0], token.map[0], token.map[1], lines, display)
    return (first, count) if first is not None else None


def _place(html: str, start: int, end: int, lines: list[str], display: str) -> Pos:
    """The line and column where ``html`` starts within source lines ``start``..``end``."""
    needle = html.strip().split("\n", 1)[0]
    for number in range(start, min(end, len(lines))):
        col = lines[number].find(needle) if needle else -1
        if col >= 0:
            return Pos(display, number + 1, col + 1)
    return Pos(display, start + 1, 1)
