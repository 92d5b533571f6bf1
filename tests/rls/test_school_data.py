"""Row security on imported school data, early warning and import batches (migration 0008): raw SQL of
the web role sees and writes only its municipality's rows (and those of pupils in its reach); the real
app on the web role's URL runs the warning list, an import from upload to confirmation and the feed."""
from __future__ import annotations

import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from caseflow.access import rls
from caseflow.extensions import db
from caseflow.imports.models import (
    AbsenceRecord,
    AbsenceTotal,
    ClassRecord,
    GradeRecord,
    ImportBatch,
    ImportProblem,
    ImportUploadChunk,
    StagedAbsence,
    StagedEnrolment,
    StagedGrade,
    StagedTotal,
)
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.warning.models import WarningDismissal, WarningNotice, WarningRun, WarningSignal
from tests.imports import generator as gen
from tests.rls.conftest import actor_of, ids, keyed

SEMESTER = (date(2026, 9, 1), date(2026, 12, 23))


def _semester(app, municipality_id: int) -> int:
    with app.app_context():
        row = Semester(municipality_id=municipality_id, school_year="2026/2027", number=1, starts_on=SEMESTER[0],
                       ends_on=SEMESTER[1])
        db.session.add(row)
        db.session.commit()
        return row.id


def _side(app, municipality, school, pupil, user) -> SimpleNamespace:
    return SimpleNamespace(m=municipality.id, school=school.id, pupil=pupil.id, user=user.id,
                           semester=_semester(app, municipality.id))


def _batch(s) -> dict:
    return {"kind": "absences", "municipality_id": s.m, "institution_id": s.school, "uploaded_by_id": s.user,
            "role": "social_pedagogue", "file_name": "kavejumi.csv", "file_sha256": "0" * 64, "file_size": 10}


def _rows(s, batch_id: int) -> list[tuple[type, dict]]:
    """One row of every other covered table for the side's pupil (the batch's rows under its batch)."""
    mine = {"municipality_id": s.m, "pupil_id": s.pupil, "school_id": s.school}
    staged = {"batch_id": batch_id, "row_number": 2, "outcome": "new"}
    absence = {"semester_id": s.semester, "class_name": "7.b", "day": date(2026, 10, 5), "kind": "unexcused",
               "source": "eklase"}
    total = {"semester_id": s.semester, "lessons_total": 300, "unexcused": 40, "excused": 0}
    grade = {"school_year": "2026/2027", "period": "1", "subject": "Matemātika", "subject_key": "matematika",
             "mark": "2", "value": 2, "failing": True}
    return [
        (AbsenceRecord, {**mine, **absence, "lesson": 1, "source_record_id": f"R{s.m}", "batch_id": batch_id}),
        (AbsenceTotal, {**mine, **total, "batch_id": batch_id}),
        (GradeRecord, {**mine, **grade, "batch_id": batch_id}),
        (ClassRecord, {**mine, "school_year": "2026/2027", "class_name": "7.b", "grade": 7, "batch_id": batch_id}),
        (WarningSignal, {**mine, "rule": "unexcused_lessons", "semester_id": s.semester, "value": 40,
                         "threshold": 20, "evidence": {}}),
        (WarningDismissal, {**mine, "rule": "unexcused_lessons", "semester_key": s.semester,
                            "dismissed_by_id": s.user}),
        (WarningNotice, {**mine, "semester_id": s.semester, "unexcused": 40}),
        (ImportProblem, {"batch_id": batch_id, "row_number": 2, "column": "Datums", "code": "bad_date",
                         "params": {}}),
        (ImportUploadChunk, {"batch_id": batch_id, "number": 0, "size": 3, "data_enc": b"\x00\x01\x02"}),
        (StagedAbsence, {**mine, **staged, **absence, "lesson": 2, "source_record_id": f"S{s.m}"}),
        (StagedTotal, {**mine, **staged, **total}),
        (StagedGrade, {**mine, **staged, **grade}),
        (StagedEnrolment, {**staged, "pupil_id": s.pupil, "first_name": "Marta", "last_name": "Kalniņa",
                           "school_id": s.school, "class_name": "7.b", "start_date": SEMESTER[0]}),
    ]


def _write(conn, s) -> dict[str, int]:
    """A row in every table of SCHOOL_DATA_POLICIES for the side: table → id."""
    def add(model, values) -> int:
        return conn.execute(insert(model.__table__).values(**values).returning(model.__table__.c.id)).scalar_one()

    made = {"import_batches": add(ImportBatch, _batch(s))}
    for model, values in _rows(s, made["import_batches"]):
        made[model.__tablename__] = add(model, values)
    return made


def _refused(engine, actor, model, values) -> str:
    with pytest.raises(DBAPIError) as refused, keyed(engine, actor) as conn:
        conn.execute(insert(model.__table__).values(**values))
    return str(refused.value.orig)


def test_school_data_of_another_municipality_is_invisible_and_refused(owner_app, web_engine, rls_database,
                                                                      world):
    assert set(rls.SCHOOL_DATA_POLICIES) <= set(rls.POLICIES)
    home = _side(owner_app, world.home, world.school, world.pupil, world.pedagogue)
    away = _side(owner_app, world.away, world.away_school, world.away_pupil, world.away_pedagogue)
    pedagogue, away_pedagogue = actor_of(owner_app, world.pedagogue), actor_of(owner_app, world.away_pedagogue)
    owner = create_engine(rls_database.owner_url)
    try:
        with owner.begin() as conn:
            theirs = _write(conn, away)
        # the home school's own rows go in through the web role: the refusals below are the policies'
        with keyed(web_engine, pedagogue) as conn:
            mine = _write(conn, home)
    finally:
        owner.dispose()
    assert set(mine) == set(theirs) == set(rls.SCHOOL_DATA_POLICIES)
    for actor, seen, hidden in ((pedagogue, mine, theirs), (away_pedagogue, theirs, mine)):
        with keyed(web_engine, actor) as conn:
            for table in rls.SCHOOL_DATA_POLICIES:
                assert ids(conn, table) == {seen[table]}, table
            # an update of a row out of reach finds nothing to change
            assert conn.execute(text("UPDATE absence_totals SET unexcused = 0 WHERE id = :i"),
                                {"i": hidden["absence_totals"]}).rowcount == 0
    with keyed(web_engine, None) as conn:
        for table in rls.SCHOOL_DATA_POLICIES:
            assert ids(conn, table) == set(), table
        # the bookkeeping of a computation holds no child data: not covered
        assert conn.execute(text("SELECT relrowsecurity FROM pg_class WHERE relname = 'warning_runs'")).scalar() \
            is False
    with keyed(web_engine, pedagogue) as conn:  # the officer's key is installation-wide
        conn.execute(text("SELECT set_config('caseflow.everywhere', 'on', true)"))
        assert ids(conn, "absence_records") == {mine["absence_records"], theirs["absence_records"]}
    # inserts for the other municipality (or under its batch) are refused in every table
    assert "row-level security" in _refused(web_engine, pedagogue, ImportBatch, _batch(away))
    for model, values in _rows(away, theirs["import_batches"]):
        assert "row-level security" in _refused(web_engine, pedagogue, model, values), model.__tablename__


def test_a_pupils_school_data_follows_the_pupil_across_the_border(owner_app, web_engine, rls_database, world):
    # the crossing pupil studies at home and is declared away: the away side reaches them (see
    # test_policies), so it reads their home school data, as the pupil's data page shows it
    crossing = _side(owner_app, world.home, world.school, world.crossing, world.pedagogue)
    owner = create_engine(rls_database.owner_url)
    try:
        with owner.begin() as conn:
            made = _write(conn, crossing)
    finally:
        owner.dispose()
    with keyed(web_engine, actor_of(owner_app, world.away_chair)) as conn:
        assert ids(conn, "absence_records") == {made["absence_records"]}
        assert ids(conn, "class_records") == {made["class_records"]}
        assert ids(conn, "import_batches") == set()  # the home school's batch stays the home school's
    with keyed(web_engine, actor_of(owner_app, world.third_worker)) as conn:
        assert ids(conn, "absence_records") == set()


def _client(web_app, owner_factory, user):
    web_app.config["WTF_CSRF_ENABLED"] = False
    client = web_app.test_client()
    owner_factory.login(client, user)
    return client


def test_the_warning_list_works_on_the_web_role(owner_app, web_app, owner_factory, world):
    flagged = owner_factory.pupil(world.school.id, declared_municipality_id=world.home.id, first_name="Kārlis",
                                  last_name="Ozoliņš")
    home = _side(owner_app, world.home, world.school, flagged, world.pedagogue)
    away = _side(owner_app, world.away, world.away_school, world.away_pupil, world.away_pedagogue)
    with owner_app.app_context():
        for s in (home, away):
            batch = ImportBatch(**_batch(s))
            db.session.add(batch)
            db.session.flush()
            db.session.add(AbsenceTotal(**dict(_rows(s, batch.id))[AbsenceTotal]))
        db.session.commit()
    from caseflow.warning.services.compute import compute_signals

    with owner_app.app_context():  # the worker computes the away municipality as the owner
        compute_signals(world.away.id)
        db.session.commit()
    # the coordinator recomputes the home municipality through the web role: delete, insert, notice
    chair = _client(web_app, owner_factory, world.chair)
    assert chair.post("/warning/recompute", data={"next": "overview"}).status_code == 302
    with owner_app.app_context():
        signals = set(db.session.execute(select(WarningSignal.municipality_id, WarningSignal.pupil_id)))
        assert {(world.home.id, flagged.id), (world.away.id, world.away_pupil.id)} <= signals
        assert db.session.scalar(select(func.count()).select_from(WarningNotice)) == 2
        assert db.session.scalar(select(func.count()).select_from(WarningRun)) == 2
        signal_id = db.session.scalar(select(WarningSignal.id).where(WarningSignal.pupil_id == flagged.id))
        away_signal = db.session.scalar(select(WarningSignal.id).where(WarningSignal.pupil_id == world.away_pupil.id))
    pedagogue = _client(web_app, owner_factory, world.pedagogue)
    listing = pedagogue.get("/warning/")
    assert listing.status_code == 200
    assert "Ozoliņš" in listing.text and "Tālā" not in listing.text
    assert pedagogue.get(f"/warning/pupils/{flagged.id}").status_code == 200
    assert pedagogue.get(f"/warning/signals/{away_signal}/dismiss").status_code == 404
    dismissed = pedagogue.post(f"/warning/signals/{signal_id}/dismiss", data={"reason": "Ārsta zīme nāca vēlu"})
    assert dismissed.status_code == 302
    assert "Ozoliņš" not in pedagogue.get("/warning/").text
    with owner_app.app_context():
        assert db.session.scalar(select(WarningDismissal.municipality_id)) == world.home.id
    overview = chair.get("/warning/overview?tab=notified")
    assert overview.status_code == 200 and "Ozoliņš" in overview.text and "Tālā" not in overview.text


def _number(app, institution_id: int) -> str:
    with app.app_context():
        return db.session.get(Institution, institution_id).registration_number


def _upload(client, headers, rows, name: str):
    return client.post("/imports/", data={"kind": "", "file": (io.BytesIO(gen.csv_bytes(headers, rows)), name)},
                       content_type="multipart/form-data")


def _confirm(client, uploaded) -> None:
    assert uploaded.status_code == 302
    preview = client.get(uploaded.headers["Location"])
    assert preview.status_code == 200
    url = uploaded.headers["Location"].rstrip("/") + "/confirm"
    assert url.replace("http://localhost", "") in preview.text
    assert client.post(url).status_code == 302


def test_an_import_goes_from_upload_to_confirmation_on_the_web_role(owner_app, web_app, owner_factory, world):
    _semester(owner_app, world.home.id)
    number = _number(owner_app, world.school.id)
    pupils = [SimpleNamespace(personal_code=p.personal_code, class_name="7.b")
              for p in (world.pupil, world.pupil2)]
    client = _client(web_app, owner_factory, world.pedagogue)
    rows = gen.absence_rows(pupils, number, start=date(2026, 10, 5), days=2)
    _confirm(client, _upload(client, gen.ABSENCE_HEADERS, rows, "kavejumi.csv"))
    assert "kavejumi.csv" in client.get("/imports/").text
    with owner_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AbsenceRecord)) == len(rows)
        batch = db.session.scalar(select(ImportBatch))
        assert (batch.status, batch.institution_id) == ("imported", world.school.id)
        assert db.session.scalar(select(func.count()).select_from(StagedAbsence)) == 0
    # the away school's pedagogue sees neither the batch nor its page
    away = _client(web_app, owner_factory, world.away_pedagogue)
    assert away.get(f"/imports/{batch.id}").status_code == 404
    assert "kavejumi.csv" not in away.get("/imports/").text


def test_an_enrolment_list_enrols_a_pupil_row_security_hides(owner_app, web_app, owner_factory, world):
    """The coordinator lists a pupil of another municipality at a home school: the registry knows the
    code, so the pupil is enrolled, not created a second time (which the unique index would refuse)."""
    number = _number(owner_app, world.school2.id)
    with owner_app.app_context():
        born = db.session.get(Pupil, world.away_pupil.id).birth_date
    client = _client(web_app, owner_factory, world.chair)
    rows = [(world.away_pupil.personal_code, "Ieva", "Tālā", born, number, "8.a", "")]
    uploaded = _upload(client, gen.ENROLMENT_HEADERS, rows, "saraksts.csv")
    with owner_app.app_context():
        staged = db.session.scalar(select(StagedEnrolment))
        assert (staged.pupil_id, staged.personal_code_index) == (world.away_pupil.id, None)
    _confirm(client, uploaded)
    with owner_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Pupil)
                                 .where(Pupil.last_name == "Tālā")) == 1
        assert db.session.scalar(select(Enrolment.class_name).where(
            Enrolment.pupil_id == world.away_pupil.id, Enrolment.school_id == world.school2.id)) == "8.a"
        assert db.session.scalar(select(ClassRecord.municipality_id).where(
            ClassRecord.pupil_id == world.away_pupil.id)) == world.home.id


def test_the_calendar_feed_lists_the_persons_actions_on_the_web_role(owner_app, web_app, owner_factory, world):
    import icalendar

    from caseflow.db import local_today
    from tests.actions.test_feed import make_feed
    from tests.meetings.world import action

    today = local_today()
    mine = action(owner_app, group_id=world.group, institution_id=world.social.id, case_id=world.case.id,
                  due_on=today + timedelta(days=4), assignee_id=world.social_worker.id)
    action(owner_app, group_id=world.away_group, institution_id=world.away_social.id, case_id=world.away_case.id,
           due_on=today + timedelta(days=4))
    client = _client(web_app, owner_factory, world.social_worker)
    path, _token = make_feed(client)
    response = web_app.test_client().get(path)
    assert response.status_code == 200
    events = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"action-{mine}@caseflow"]
