"""A note's text, a risk description and a personal code never reach the database in plain text:
not in the SQLite file (nor its write-ahead log), not in a pg_dump of PostgreSQL."""
from __future__ import annotations

import glob
import re
import shutil
import subprocess

import pytest
from sqlalchemy.engine import make_url

from caseflow.extensions import db
from tests.cases.test_opening import _csrf

NOTE = "Piezīme-ĢIRTS-7f3a9 sūdzas par vardarbību mājās"
RISK = "Risks-ŽANETE-4c2e1 aprūpē vecmāmiņu"


def _database_bytes(app) -> bytes:
    """Everything the database holds at rest, as bytes: the SQLite files, or a PostgreSQL dump."""
    with app.app_context():
        url = db.engine.url
        db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        return b"".join(open(path, "rb").read() for path in glob.glob(f"{url.database}*"))
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    plain = make_url(str(url.set(drivername="postgresql"))).render_as_string(hide_password=False)
    return subprocess.run(["pg_dump", "--no-owner", plain], check=True, capture_output=True).stdout


def test_note_risk_description_and_personal_code_are_not_stored_in_plain_text(app, client, factory):
    m = factory.municipality()
    factory.taxonomy(m.id)
    school = factory.institution(m.id)
    sp = factory.user("social_pedagogue", school.id, locale="en")
    pupil = factory.pupil(school.id)
    other = factory.risk_item(m.id, other=True)
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    response = client.post(url, data={
        "csrf_token": _csrf(client, url), "categories": [str(factory.entry(m.id, "category"))],
        "noticed_via": [str(factory.entry(m.id, "noticed_via"))], "risks": [str(other)],
        f"risk_other_{other}": RISK, "lead_user_id": str(sp.id)})
    assert response.status_code == 302
    case_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    note_url = f"/cases/{case_id}/notes/new"
    response = client.post(note_url, data={"csrf_token": _csrf(client, note_url), "note-kind": "general",
                                           "note-visibility": "team", "note-text": NOTE})
    assert response.status_code == 302, re.findall(r'class="error"[^>]*>([^<]*)', response.text)
    page = client.get(f"/cases/{case_id}").text
    assert NOTE in page and RISK in page  # the texts are really there, readable to the team

    stored = _database_bytes(app)
    assert len(stored) > 10_000
    code = pupil.personal_code
    for secret in (NOTE, RISK, "ĢIRTS-7f3a9", "ŽANETE-4c2e1", code, code.replace("-", "")):
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in stored, f"{secret!r} found in plain text"
