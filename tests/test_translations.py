"""Latvian first: every user-visible string has a Latvian translation, compiled and in use."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "caseflow" / "translations" / "lv" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
LATVIAN_LETTERS = set("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ")


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def _extract(tmp_path) -> set:
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "_n:1,2", "-k", "lazy_ngettext:1,2",
                    "-k", "_p:1c,2", "-k", "lazy_pgettext:1c,2", "--ignore-dirs", ".*",
                    "-o", str(pot), "--no-location", "--omit-header", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {(m.context, _key(m.id)) for m in read_po(handle) if m.id}


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle)


def test_every_string_in_the_code_is_in_the_latvian_catalogue(tmp_path):
    known = {(m.context, _key(m.id)) for m in _catalogue() if m.id}
    missing = sorted(str(i) for i in _extract(tmp_path) - known)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing[:10])


def test_strings_of_the_shared_macros_are_extracted_too(tmp_path):
    assert (None, "required") in _extract(tmp_path)


def test_every_entry_is_translated_and_not_fuzzy():
    catalogue = _catalogue()
    assert catalogue.plural_forms.startswith("nplurals=3;")
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(str(message.id))
    assert problems == []


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _catalogue() if m.id}
    assert compiled == source, "run `make translations` to compile the catalogue"


def test_the_catalogue_is_written_with_latvian_letters():
    text = " ".join(str(m.string) for m in _catalogue() if m.id)
    assert LATVIAN_LETTERS & set(text) >= set("āēīūšžņļķč")


def test_forms_speak_latvian(client):
    response = client.post("/password/forgot", data={"email": ""})
    page = response.get_data(as_text=True)
    assert "Šis lauks ir obligāts" in page or "obligāts" in page
    assert 'lang="lv"' in page
