"""What a bundle carries for the client's side: its own id, whom it was made for, the cover.

- **The bundle's id** (new for every bundle) and **the client's name** (its ``name``
  variable) go into the page's data, so the practice record the page saves says which
  bundle and whom it is from (docs/practice-record.md); the id is also remembered in this
  computer's session log, so ``guided log import`` can tell a record that is not from the
  client it names.
- **The cover** (``guided.outputs.cover``) is written as ``cover.png``, shown on the page
  and put into every MP3 with its track number and the bundle's title as the album.
"""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path

from guided.errors import GuidedError
from guided.outputs.cover import COVER_NAME, cover_png, tag_track


def client_side(work: Path, data: dict, client: str) -> None:
    """Give the bundle in ``work`` its id, cover and track tags; ``data`` (the page's) is
    told of them."""
    title = data["title"]
    bundle_id = uuid.uuid4().hex
    data["bundle"] = {"id": bundle_id, "client": client, "cover": COVER_NAME}
    cover = cover_png(title)
    (work / COVER_NAME).write_bytes(cover)
    items = data["items"]
    for n, item in enumerate(items, 1):
        tag_track(work / item["audio"], title, n, len(items), cover)
    remember(bundle_id, client, title)


def remember(bundle_id: str, client: str, title: str) -> None:
    """Note in this computer's session log for whom the bundle was made. The log not being
    writable (read-only, newer, busy) never stops a bundle: the record then simply cannot
    be checked against the bundle's name."""
    if not client:
        return
    from guided.practice.records import remember_bundle
    from guided.practice.sessionlog import SessionLog

    with contextlib.suppress(GuidedError, OSError), SessionLog(timeout=2.0) as log:
        log._writable()
        remember_bundle(log.db, bundle_id, client, title)
