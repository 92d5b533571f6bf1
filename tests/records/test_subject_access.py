"""Data-subject access: the officer finds one pupil and exports everything held about them."""
from __future__ import annotations

from caseflow.extensions import db
from tests.records import conftest as data
from tests.records.helpers import audit_rows, pdf_text

OTHER_CHILD = (data.OTHER_DISCUSSION, data.OTHER_REPORT, "Jānis", "Ozols")


def _export(client, w, fmt="json"):
    return client.get(f"/records/subject-access/{w.pupil.id}/export.{fmt}")


def test_the_officer_finds_the_pupil_by_personal_code(app, client, factory, world):
    factory.login(client, world.dpo)
    response = client.post("/records/subject-access", data={"personal_code": world.pupil.personal_code})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/records/subject-access/{world.pupil.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marta Kalniņa" in page and "export.pdf" in page and "export.json" in page
    assert data.SUMMARY not in page  # the page shows who, never what


def test_the_officer_finds_the_pupil_by_number(app, client, factory, world):
    factory.login(client, world.dpo)
    response = client.post("/records/subject-access", data={"pupil_id": str(world.pupil.id)})
    assert response.headers["Location"].endswith(f"/records/subject-access/{world.pupil.id}")


def test_the_json_export_holds_everything_about_the_pupil(app, client, factory, world):
    factory.login(client, world.pedagogue)
    assert client.get(f"/cases/{world.case.id}").status_code == 200  # a read the export must report
    factory.login(client, world.dpo)
    response = _export(client, world)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    body = response.get_json()
    assert set(body) == {"format", "generated_at", "pupil", "cases", "referrals", "session_requests",
                         "agenda_items", "actions", "concerns", "support_plans", "consultations"}
    assert body["pupil"]["personal_code"] == world.pupil.personal_code
    assert body["pupil"]["enrolments"][0]["school"] == "Ezerkrastu pamatskola"
    [case] = body["cases"]
    assert case["summary"] == data.SUMMARY
    assert case["risk_factors"][0]["description"] == data.RISK_TEXT
    assert case["parties"][0] == {**case["parties"][0], "full_name": data.PARTY, "contact": {"phone": data.PHONE}}
    assert [(n["version"], n["text"]) for n in case["notes"]] == [(1, data.NOTE_V1), (2, data.NOTE_V2)]
    assert case["timeline"][0]["kind"] == "opened"
    assert body["referrals"][0]["tried"] == "Sarunas ar vecākiem, konsultācijas."
    assert body["session_requests"][0]["reasons"] == "Māte lūdz uzklausīt"
    [item] = body["agenda_items"]
    assert item["discussion"] == data.DISCUSSION
    assert item["reports"] == [{"institution": "Ezerkrastu sociālais dienests", "text": data.REPORT}]
    assert item["invited"] == []
    [action] = body["actions"]
    assert action["follow_ups"][0]["text"] == {"done": data.FOLLOW_UP, "result": "Labi"}
    assert body["concerns"][0]["noticed"] == data.CONCERN
    [plan] = body["support_plans"]
    assert plan["goals"] == data.GOALS
    assert plan["measures"][0]["delivered_hours"] == "1.50"
    reads = [r for r in body["consultations"] if r["action"] == "case.read"]
    assert reads and reads[0]["institution"] == "Ezerkrastu pamatskola"
    assert reads[0]["role"] == "social_pedagogue" and reads[0]["at"]
    assert all(set(r) == {"at", "institution", "role", "action"} for r in body["consultations"])


def test_other_childrens_data_is_left_out(app, client, factory, world):
    factory.login(client, world.dpo)
    text = _export(client, world).get_data(as_text=True)
    for value in OTHER_CHILD:
        assert value not in text
    assert f"L-{world.case2.id:06d}" not in text
    assert "Pēteris Ozols" not in text


def test_the_pdf_export_is_readable_and_leaves_other_children_out(app, client, factory, world, tmp_path):
    factory.login(client, world.dpo)
    response = _export(client, world, "pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data, tmp_path)
    for value in ("Marta Kalniņa", data.SUMMARY, data.RISK_TEXT, data.NOTE_V1, data.NOTE_V2, data.PARTY,
                  data.DISCUSSION, data.REPORT, data.FOLLOW_UP, data.GOALS, data.CONCERN, world.pupil.personal_code):
        assert value in text, value
    for value in (data.OTHER_DISCUSSION, data.OTHER_REPORT, "Jānis", f"L-{world.case2.id:06d}"):
        assert value not in text, value


def test_every_export_is_audited_without_content(app, client, factory, world):
    factory.login(client, world.dpo)
    _export(client, world)
    _export(client, world, "pdf")
    assert audit_rows(app, "subject_access.export") == [(world.pupil.id, {"format": "json"}),
                                                        (world.pupil.id, {"format": "pdf"})]


def test_an_erased_key_shows_as_erased(app, client, factory, world):
    from caseflow.crypto import shred

    with app.app_context():
        shred(f"pupil:{world.pupil.id}")
        db.session.commit()
    factory.login(client, world.dpo)
    body = _export(client, world).get_json()
    assert body["cases"][0]["summary"] == "[erased]"
    assert body["pupil"]["personal_code"] == "[erased]"
    assert body["pupil"]["first_name"] == "Marta"


def test_an_unknown_personal_code_says_so_and_exports_nothing(app, client, factory, world):
    factory.login(client, world.dpo)
    response = client.post("/records/subject-access", data={"personal_code": "010101-99999"})
    assert response.status_code == 200
    assert "No pupil with this personal code or number" in response.get_data(as_text=True)
    assert audit_rows(app, "subject_access.not_found") == [(None, {"by": "personal_code"})]
    assert audit_rows(app, "subject_access.export") == []


def test_an_unknown_pupil_number_is_a_clear_404(app, client, factory, world):
    factory.login(client, world.dpo)
    response = client.get("/records/subject-access/999999/export.json")
    assert response.status_code == 404
    assert "No pupil with this number" in response.get_data(as_text=True)
    assert audit_rows(app, "subject_access.not_found") == [(None, {"pupil_id": 999999})]
    assert audit_rows(app, "subject_access.export") == []


def test_bad_input_is_answered_next_to_the_field(app, client, factory, world):
    factory.login(client, world.dpo)
    page = client.post("/records/subject-access", data={}).get_data(as_text=True)
    assert "Enter a personal code or the pupil" in page
    page = client.post("/records/subject-access", data={"personal_code": "12345"}).get_data(as_text=True)
    assert "A personal code has exactly 11 digits." in page
    page = client.post("/records/subject-access", data={"pupil_id": "abc"}).get_data(as_text=True)
    assert 'id="pupil_id-error"' in page
    assert audit_rows(app, "subject_access.not_found") == []


def test_only_the_officer_exports(app, client, factory, world):
    for user in (world.chair, world.pedagogue, world.head):
        factory.login(client, user)
        assert client.get("/records/subject-access").status_code == 403
        assert _export(client, world).status_code == 403
    assert audit_rows(app, "subject_access.export") == []


def test_the_officer_reads_case_content_only_through_the_export(app, client, factory, world):
    factory.login(client, world.dpo)
    assert client.get(f"/cases/{world.case.id}").status_code in (403, 404)
    assert client.get(f"/pupils/{world.pupil.id}").status_code in (403, 404)
