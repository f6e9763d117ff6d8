"""What the docs say about files, the editor and speed stays true."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from guided.commands.authoring import default_editors

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_markdown_file_a_doc_names_exists(doc: Path):
    text = doc.read_text()
    named = set(re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", text))  # [text](file.md)
    named |= set(re.findall(r"`((?:\.\./|\./)?[\w./-]+/[\w.-]+\.md)`", text))  # `some/file.md`
    missing = [name for name in named
               if not (doc.parent / name).exists() and not (REPO / name).exists()]
    assert missing == [], f"{doc.name} names files that are not in the repository: {missing}"


def test_the_editor_fallback_is_documented_as_it_behaves():
    guide = " ".join((REPO / "docs" / "authoring.md").read_text().split())
    assert "`$VISUAL`, else `$EDITOR`" in guide
    if sys.platform != "win32":
        assert default_editors() == ("nano", "vi")
    assert "it uses `nano`, or `vi` when nano is not installed (Notepad on Windows)" in guide
    assert "sensible-editor" not in default_editors()


def test_export_speed_claims_name_the_engine():
    text = (REPO / "docs" / "export.md").read_text()
    for paragraph in re.split(r"\n\s*\n", text):
        if re.search(r"\bexports? in (about )?\d", paragraph):
            assert "espeak-ng" in paragraph or "Piper" in paragraph, paragraph


def test_the_rate_order_is_documented_as_it_behaves(isolated_home: Path, tmp_path: Path):
    """Without --rate, the settings' rate wins over the script's (as --help says)."""
    from guided.commands.common import preference_default
    from guided.script.lengths import speaking_rate
    from guided.script.model import Script

    text = " ".join((REPO / "docs" / "speech-and-cache.md").read_text().split())
    assert "Without it, your settings' `rate` (`guided settings set rate 130`), else the script's `rate`, else 140." in text
    (isolated_home / "settings.yaml").write_text("rate: 120\n")
    script = Script(title="T", steps=(), rate=160)
    assert speaking_rate(script, preference_default("rate")()) == 120
    (isolated_home / "settings.yaml").write_text("")
    assert speaking_rate(script, preference_default("rate")()) == 160
    assert speaking_rate(Script(title="T", steps=()), preference_default("rate")()) == 140
