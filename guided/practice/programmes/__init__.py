"""Programmes written in Markdown (docs/journeys.md, "Programmes in Markdown"): a
therapist's multi-week programme read as a journey, its days spoken through the same
timeline as a practice script.

``reader`` turns the file into a ``model.Programme`` (markdown-it-py tokens, every
mistake with its ``file:line:col``); ``speech`` builds a ``Script`` per track;
``journey`` makes the ``Journey`` every journey command and ``bundle`` use."""

from pathlib import Path

MD_SUFFIXES = (".md", ".markdown")


def is_programme_path(path: Path | str) -> bool:
    """Whether ``path`` names a Markdown programme (by its suffix). Here, not in ``reader``,
    so that asking costs no Markdown parser import (`guided check x.yaml` asks)."""
    return str(path).lower().endswith(MD_SUFFIXES)
