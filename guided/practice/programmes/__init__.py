"""Programmes written in Markdown (docs/journeys.md, "Programmes in Markdown"): a
therapist's multi-week programme read as a journey, its days spoken through the same
timeline as a practice script.

``reader`` turns the file into a ``model.Programme`` (markdown-it-py tokens, every
mistake with its ``file:line:col``); ``speech`` builds a ``Script`` per track;
``journey`` makes the ``Journey`` every journey command and ``bundle`` use."""
