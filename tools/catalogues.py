"""Make the message catalogues: extract, update, compile (a developer's tool; needs Babel).

    python tools/catalogues.py            # each .po updated from the code, each .mo compiled
    python tools/catalogues.py --check    # exit 1 if any catalogue is out of date or incomplete

Texts are found in the Python code (``_("...")`` and ``N_("...")``) and in the bundle
page's template (``{{...}}`` and ``t("...")``, see ``guided.outputs.pagetext``). A new
text lands in every ``.po`` with an empty translation, for a fluent speaker to write;
``--check`` (and ``tests/test_catalogues.py``) fail until each one is written.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from guided.i18n import DOMAIN, LOCALE_DIR  # noqa: E402
from guided.outputs.pagetext import template_messages  # noqa: E402

LANGUAGES = ("de", "es", "fr", "it")
SINCE = dt.datetime(2026, 12, 7, tzinfo=dt.timezone.utc)  # fixed dates: a catalogue changes only with its texts
TEMPLATES = ("bundle_page.html",)


def template() -> Catalog:
    """Every text to translate, where it is written."""
    pot = Catalog(project="guided", domain=DOMAIN, fuzzy=False, creation_date=SINCE, revision_date=SINCE)
    for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / "guided", method_map=[("**.py", "python")], keywords={"_": None, "N_": None}):
        pot.add(message, locations=[(f"guided/{filename}", lineno)])
    for name in TEMPLATES:
        text = (ROOT / "guided" / "templates" / name).read_text(encoding="utf-8")
        for message in template_messages(text):
            pot.add(message, locations=[(f"guided/templates/{name}", 0)])
    return pot


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path, language: str) -> Catalog:
    if not path.is_file():
        return Catalog(locale=language, domain=DOMAIN, fuzzy=False, creation_date=SINCE,
                       revision_date=SINCE)
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def texts_of(catalog: Catalog) -> dict[str, str]:
    """What a catalogue says (its texts and their translations), whoever wrote the file."""
    return {str(m.id): str(m.string) for m in catalog if m.id}


def read_compiled(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_mo(handle)


def compiled(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def written(catalog: Catalog, **options: bool) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, no_location=True, **options)  # no line numbers to go stale
    return out.getvalue()


def main(check: bool) -> int:
    pot = template()
    stale = []
    for language in LANGUAGES:
        path = po_path(language)
        catalog = read(path, language)
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.project, catalog.version = "guided", "1"
        catalog.msgid_bugs_address = catalog.last_translator = ""
        catalog.language_team = f"guided <{language}>"
        catalog.header_comment = (f"# What a client reads in guided, in {catalog.locale.english_name}.\n"
                                  "# Written, not machine-translated; see docs/dev/translations.md.")
        catalog.obsolete.clear()
        catalog.fuzzy = False
        po = written(catalog)
        mo = compiled(catalog)
        missing = [m.id for m in catalog if m.id and not m.string]
        mo_path = path.with_suffix(".mo")
        if check:
            if missing:
                stale.append(f"{path}: {len(missing)} untranslated, e.g. {missing[0]!r}")
            if not path.is_file() or texts_of(read(path, language)) != texts_of(catalog):
                stale.append(f"{path}: out of date with the code")
            if not mo_path.is_file() or texts_of(read_compiled(mo_path)) != texts_of(catalog):
                stale.append(f"{mo_path}: not compiled from its .po")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po)
        mo_path.write_bytes(mo)
        if missing:
            print(f"{path}: {len(missing)} texts to translate")
    if check:
        print("\n".join(stale) or "the catalogues are complete and compiled")
        return 1 if stale else 0
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv[1:]))
