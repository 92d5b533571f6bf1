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
                         "agenda_items", "actions", "concerns", "support_plans", "early_warning", "school_data",
                         "consultations"}
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
    assert body["early_warning"] == {"signals": [], "dismissals": [], "notices": []}
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


def _semester(app, w) -> int:
    from datetime import date

    from caseflow.extensions import db
    from caseflow.people.calendar import Semester

    semester = Semester(municipality_id=w.home.id, school_year="2026/2027", number=1,
                        starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 22))
    db.session.add(semester)
    db.session.flush()
    return semester.id


def test_the_export_holds_the_early_warning_about_the_pupil(app, client, factory, world, tmp_path):
    from caseflow.crypto import seal
    from caseflow.extensions import db
    from caseflow.warning.models import WarningDismissal, WarningNotice, WarningSignal

    with app.app_context():
        db.session.add_all([
            WarningSignal(municipality_id=world.home.id, pupil_id=world.pupil.id, school_id=world.school.id,
                          rule="unexcused_lessons", value=31, threshold=20, evidence={"lessons": 31}),
            WarningSignal(municipality_id=world.home.id, pupil_id=world.pupil2.id, school_id=world.school.id,
                          rule="unexcused_lessons", value=44, threshold=20, evidence={}),
            WarningNotice(municipality_id=world.home.id, pupil_id=world.pupil.id, school_id=world.school.id,
                          semester_id=_semester(app, world), unexcused=31)])
        dismissal = WarningDismissal(municipality_id=world.home.id, pupil_id=world.pupil.id,
                                     school_id=world.school.id, rule="unexcused_lessons",
                                     dismissed_by_id=world.pedagogue.id)
        db.session.add(dismissal)
        db.session.flush()
        seal(dismissal, "reason", "Slimības lapa iesniegta vēlāk", scope=f"pupil:{world.pupil.id}")
        db.session.commit()
    factory.login(client, world.dpo)
    body = _export(client, world).get_json()["early_warning"]
    [signal] = body["signals"]
    assert (signal["value"], signal["threshold"], signal["school"]) == (31, 20, "Ezerkrastu pamatskola")
    assert "31" in signal["measure"]
    assert [d["reason"] for d in body["dismissals"]] == ["Slimības lapa iesniegta vēlāk"]
    assert [n["unexcused"] for n in body["notices"]] == [31]


def test_the_export_holds_the_pupils_imported_school_data_only(app, client, factory, world, tmp_path):
    from datetime import date

    from caseflow.extensions import db
    from caseflow.imports.models import AbsenceRecord, ClassRecord, GradeRecord, ImportBatch

    with app.app_context():
        semester_id = _semester(app, world)
        batch = ImportBatch(kind="absences", municipality_id=world.home.id, file_name="x.csv",
                            file_sha256="0" * 64, file_size=1, status="imported")
        db.session.add(batch)
        db.session.flush()
        for pupil, lesson in ((world.pupil, 3), (world.pupil2, 4)):
            db.session.add_all([
                AbsenceRecord(municipality_id=world.home.id, pupil_id=pupil.id, school_id=world.school.id,
                              semester_id=semester_id, class_name="7.b", day=date(2026, 10, 6), lesson=lesson,
                              kind="unexcused", source="eklase", source_record_id=f"E{pupil.id}",
                              batch_id=batch.id),
                GradeRecord(municipality_id=world.home.id, pupil_id=pupil.id, school_id=world.school.id,
                            school_year="2026/2027", period="1", semester_id=semester_id, subject="Matemātika",
                            subject_key="matematika", mark=str(lesson), value=lesson, failing=lesson <= 3,
                            batch_id=batch.id),
                ClassRecord(municipality_id=world.home.id, pupil_id=pupil.id, school_id=world.school.id,
                            school_year="2026/2027", class_name=f"7.{lesson}", grade=7, batch_id=batch.id)])
        db.session.commit()
    factory.login(client, world.dpo)
    body = _export(client, world).get_json()["school_data"]
    assert [(a["day"], a["lesson"], a["kind"]) for a in body["absences"]] == [("2026-10-06", 3, "unexcused")]
    assert [(g["subject"], g["mark"]) for g in body["grades"]] == [("Matemātika", "3")]
    assert [c["class"] for c in body["classes"]] == ["7.3"]
