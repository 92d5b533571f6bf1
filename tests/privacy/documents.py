"""Everything a signed-in user can fetch about the marked case — pages, PDFs, exports, searches,
audit pages — as text, with what the specification says each role reaches.

Exports (caseflow/exports): EXPORTS names the endpoints and how to build their URLs; a new export
endpoint goes into EXPORTS and REACH here (test_every_export_is_in_the_marker_test fails until then)."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass

import pytest

from caseflow.access.permissions import Role
from tests.privacy.world import AT_SCHOOL, CASE_ROLES, FIELDS, MARKERS

#: the group's members with SESSION_VIEW: the chair, the outside institutions, the school's (advisory) seat
MEMBERS = {Role.COORDINATOR, Role.SOCIAL_PEDAGOGUE, Role.SCHOOL_HEAD, Role.SOCIAL_WORKER, Role.ORPHANS_COURT,
           Role.MUNICIPAL_POLICE, Role.STATE_POLICE}
#: after approval a member reads the case item only if its institution reported or holds an action
#: there (docs/decisions.md #15): the social service, the orphans' court, the municipal police; the chair all
ITEM_READERS = {Role.COORDINATOR, Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE}
#: the school's staff who see the pupil and the case's plan, and the coordinator (on the case's team)
SCHOOL_AND_COORDINATOR = AT_SCHOOL | {Role.COORDINATOR}

#: export endpoint → the document name (the world's plan and session fill in the URL arguments)
EXPORTS = {
    "exports.cases_csv": "cases CSV", "exports.cases_xlsx": "cases XLSX",
    "exports.queue_csv": "actions CSV", "exports.queue_xlsx": "actions XLSX",
    "exports.board_csv": "board CSV", "exports.board_xlsx": "board XLSX",
    "exports.plan_xlsx": "plan XLSX", "exports.minutes_xlsx": "minutes XLSX",
}

#: document → the roles that get it (200); the others are refused (403 or 404)
REACH = {
    "case page": set(CASE_ROLES),
    "pupil page": SCHOOL_AND_COORDINATOR, "pupil search": SCHOOL_AND_COORDINATOR,
    "case search": SCHOOL_AND_COORDINATOR,
    "plan page": SCHOOL_AND_COORDINATOR, "plan PDF": SCHOOL_AND_COORDINATOR,
    "minutes page": MEMBERS, "minutes PDF": MEMBERS,
    # every institution with a seat (or an action): the roles with action.view there
    "minutes extract": set(CASE_ROLES),
    "subject JSON": {Role.DPO}, "subject PDF": {Role.DPO}, "audit trail": {Role.DPO},
    "audit pupil report": {Role.DPO},
    "cases CSV": SCHOOL_AND_COORDINATOR, "cases XLSX": SCHOOL_AND_COORDINATOR,
    "actions CSV": set(CASE_ROLES), "actions XLSX": set(CASE_ROLES),
    "board CSV": {Role.COORDINATOR}, "board XLSX": {Role.COORDINATOR},
    "plan XLSX": SCHOOL_AND_COORDINATOR, "minutes XLSX": MEMBERS,
    **{f"history {field}": readers for field, (_versions, readers) in FIELDS.items()},
    **{f"{what} search for {field}": SCHOOL_AND_COORDINATOR for field in FIELDS for what in ("pupil", "case")},
}
#: document → the roles for whom it names the pupil (so a marker's absence there is not vacuous)
NAMES_PUPIL = {
    **{name: REACH[name] for name in ("case page", "pupil page", "pupil search", "case search", "plan page",
                                      "plan PDF", "subject JSON", "subject PDF", "audit pupil report",
                                      "cases CSV", "cases XLSX")},
    "minutes page": ITEM_READERS, "minutes PDF": ITEM_READERS, "minutes XLSX": ITEM_READERS,
    "minutes extract": ITEM_READERS - {Role.COORDINATOR},
    **{f"history {field}": REACH[f"history {field}"] for field in FIELDS},
}
#: documents that carry note texts: the case page and each note's history (by the section rules), the
#: data-subject export (everything about the person, docs/privacy.md)
SUBJECT_EXPORTS = ("subject JSON", "subject PDF")


@dataclass
class Document:
    """What one request returned: its status and its text (PDF and XLSX read back as text)."""

    status: int
    text: str


def _pdf_text(data: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (Debian's poppler-utils) is not installed")
    path = tmp_path / "document.pdf"
    path.write_bytes(data)
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True,
                          timeout=60)
    return " ".join(done.stdout.decode("utf-8").split())


def _xlsx_text(data: bytes) -> str:
    """Every XML part of the workbook (shared and inline strings alike)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))


def _document(response, tmp_path) -> Document:
    if response.status_code != 200:
        return Document(response.status_code, response.get_data(as_text=True))
    if response.mimetype == "application/pdf":
        return Document(200, _pdf_text(response.data, tmp_path))
    if response.mimetype.endswith("spreadsheetml.sheet"):
        return Document(200, _xlsx_text(response.data))
    return Document(200, response.get_data(as_text=True))


def _urls(app, w) -> dict[str, tuple[str, str, dict | None]]:
    """document → (method, URL, form data)."""
    case, pupil = f"/cases/{w.case.id}", w.pupil
    urls = {
        "case page": ("GET", case, None), "pupil page": ("GET", f"/pupils/{pupil.id}", None),
        "pupil search": ("GET", "/pupils/?name=Kalni", None), "case search": ("GET", "/cases/?search=Kalni", None),
        "plan page": ("GET", f"/plans/{w.plan_id}", None), "plan PDF": ("GET", f"/plans/{w.plan_id}/pdf", None),
        "minutes page": ("GET", f"/meetings/sessions/{w.session_id}/minutes", None),
        "minutes PDF": ("GET", f"/meetings/sessions/{w.session_id}/minutes.pdf", None),
        "minutes extract": ("GET", f"/meetings/sessions/{w.session_id}/minutes/extract.pdf", None),
        "subject JSON": ("GET", f"/records/subject-access/{pupil.id}/export.json", None),
        "subject PDF": ("GET", f"/records/subject-access/{pupil.id}/export.pdf", None),
        "audit trail": ("GET", "/audit/", None),
        "audit pupil report": ("POST", "/audit/pupil", {"personal_code": pupil.personal_code}),
        **{f"history {field}": ("GET", f"{case}/notes/{note_id}/history", None)
           for field, note_id in w.notes.items()},
        **{f"pupil search for {field}": ("GET", f"/pupils/?name={marker}", None) for field, marker in MARKERS.items()},
        **{f"case search for {field}": ("GET", f"/cases/?search={marker}", None) for field, marker in MARKERS.items()},
    }
    with app.test_request_context():
        from flask import url_for

        values = {"plan_id": w.plan_id, "session_id": w.session_id}
        for endpoint, name in EXPORTS.items():
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            urls[name] = ("GET", url_for(endpoint, **{k: values[k] for k in rule.arguments}), None)
    return urls


def read_everything(app, client, w, tmp_path) -> dict[str, Document]:
    """Every document of REACH as the signed-in user gets it (a redirect is followed)."""
    documents = {}
    for name, (method, url, data) in _urls(app, w).items():
        response = client.open(url, method=method, data=data, follow_redirects=True)
        documents[name] = _document(response, tmp_path)
    return documents
