"""Row security as raw SQL of the web role: a municipality's key shows its rows only, a share
reaches across the border, nothing without a key, no way around it, the owner sees everything."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from caseflow.cases.models import Case, Note
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.sharing.models import CaseParticipant
from tests.rls.conftest import actor_of, ids, keyed

COVERED_WITH_ROWS = ("cases", "pupils", "enrolments", "notes", "referrals")


def _share(app, case_id: int, institution_id: int, by_id: int) -> int:
    with app.app_context():
        row = CaseParticipant(case_id=case_id, institution_id=institution_id, why="shared", added_by_id=by_id)
        db.session.add(row)
        db.session.commit()
        return row.id


def test_without_a_key_the_web_role_sees_no_child_data(owner_app, web_engine, world):
    with keyed(web_engine, None) as conn:
        for table in COVERED_WITH_ROWS:
            assert ids(conn, table) == set(), table
        # the structure is not child data: institutions stay readable
        assert len(ids(conn, "institutions")) > 0
    with owner_app.app_context():
        assert db.session.query(Case).count() == len(world.home_cases) + 1


def test_a_school_of_one_municipality_sees_that_municipalitys_cases_pupils_and_notes(owner_app, web_engine, world):
    with keyed(web_engine, actor_of(owner_app, world.pedagogue)) as conn:
        assert ids(conn, "cases") == world.home_cases
        pupils = ids(conn, "pupils")
        assert {world.pupil.id, world.pupil2.id, world.pupil3.id, world.crossing.id} <= pupils
        assert world.away_pupil.id not in pupils
        assert ids(conn, "notes") == {world.note}
        assert conn.execute(text("SELECT count(*) FROM enrolments WHERE pupil_id = :p"),
                            {"p": world.away_pupil.id}).scalar() == 0
    with keyed(web_engine, actor_of(owner_app, world.away_pedagogue)) as conn:
        assert ids(conn, "cases") == {world.away_case.id}
        assert ids(conn, "notes") == {world.away_note}
        # the crossing pupil is declared away: the away side sees the registry entry, not the home case
        assert world.crossing.id in ids(conn, "pupils")
        assert world.pupil.id not in ids(conn, "pupils")


def test_a_case_shared_across_the_border_is_reached_through_its_share(owner_app, web_engine, world):
    home_worker = actor_of(owner_app, world.social_worker)
    with keyed(web_engine, home_worker) as conn:
        assert world.away_case.id not in ids(conn, "cases")
    share = _share(owner_app, world.away_case.id, world.social.id, world.away_pedagogue.id)
    with keyed(web_engine, home_worker) as conn:
        assert world.away_case.id in ids(conn, "cases")
        assert world.away_pupil.id in ids(conn, "pupils")
        assert world.away_note in ids(conn, "notes")
    # another municipality's social service has no share: nothing
    with keyed(web_engine, actor_of(owner_app, world.third_worker)) as conn:
        assert ids(conn, "cases") == set() and ids(conn, "notes") == set()
    with owner_app.app_context():
        db.session.get(CaseParticipant, share).ended_at = utcnow()
        db.session.commit()
    with keyed(web_engine, home_worker) as conn:
        assert world.away_case.id not in ids(conn, "cases") and world.away_note not in ids(conn, "notes")


def test_an_institution_holding_an_action_reaches_the_case(owner_app, web_engine, world):
    from datetime import date

    from tests.meetings.world import action

    inspector = actor_of(owner_app, world.away_inspector)
    with keyed(web_engine, inspector) as conn:
        assert world.case.id not in ids(conn, "cases")
    action(owner_app, group_id=world.group, institution_id=world.away_police.id, case_id=world.case.id,
           due_on=date(2026, 12, 20))
    with keyed(web_engine, inspector) as conn:
        # its own municipality's case, and the home case it holds an action on (not the other home cases)
        assert ids(conn, "cases") == {world.away_case.id, world.case.id}
        assert world.pupil.id in ids(conn, "pupils") and world.pupil2.id not in ids(conn, "pupils")
        assert len(ids(conn, "actions")) == 1


def test_the_data_protection_officer_reads_across_the_installation(owner_app, web_engine, world):
    with keyed(web_engine, actor_of(owner_app, world.dpo)) as conn:
        assert ids(conn, "cases") == world.home_cases | {world.away_case.id}


def test_the_registry_uniqueness_check_sees_a_code_from_another_municipality(owner_app, web_engine, world):
    from caseflow.crypto import blind_index

    with owner_app.app_context():
        index = blind_index(world.away_pupil.personal_code, purpose="personal_code")
    with keyed(web_engine, actor_of(owner_app, world.pedagogue)) as conn:
        hidden = conn.execute(text("SELECT id FROM pupils WHERE personal_code_index = :i"), {"i": index}).all()
        assert hidden == []
        assert conn.execute(text("SELECT caseflow_pupil_id_by_code(:i)"), {"i": index}).scalar() == \
            world.away_pupil.id


def _refused(engine, actor, statement: str, params: dict | None = None) -> str:
    """Run one statement in a keyed web transaction; return the database's refusal."""
    with pytest.raises(DBAPIError) as refused, keyed(engine, actor) as conn:
        conn.execute(text(statement), params or {})
    return str(refused.value.orig)


def test_the_web_role_cannot_get_around_row_security(owner_app, web_engine, world, rls_database):
    pedagogue = actor_of(owner_app, world.pedagogue)
    with keyed(web_engine, None) as conn:
        role = conn.execute(text("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles "
                                 "WHERE rolname = current_user")).one()
        assert tuple(role) == (False, False, False)
    assert "row-level security" in _refused(web_engine, pedagogue, "SET row_security = off; SELECT id FROM cases")
    assert "must be owner" in _refused(web_engine, pedagogue, "ALTER TABLE cases DISABLE ROW LEVEL SECURITY")
    assert "must be owner" in _refused(web_engine, pedagogue, "DROP POLICY caseflow_by_municipality ON cases")
    owner = create_engine(rls_database.owner_url).url.username
    assert "permission denied" in _refused(web_engine, pedagogue, f"SET ROLE {owner}")
    assert "permission denied" in _refused(web_engine, pedagogue, "UPDATE audit_log SET action = 'x'")


def test_writes_into_another_municipality_are_refused(owner_app, web_engine, world):
    pedagogue = actor_of(owner_app, world.pedagogue)
    insert = ("INSERT INTO cases (municipality_id, school_id, pupil_id, status, class_name, concerns_family, "
              "urgent, opened_on, opened_by_id, created_at, updated_at) "
              "VALUES (:m, :s, :p, 'open', '7.b', false, false, '2026-09-15', :u, now(), now())")
    assert "row-level security" in _refused(web_engine, pedagogue, insert, {
        "m": world.away.id, "s": world.away_school.id, "p": world.pupil.id, "u": world.pedagogue.id})
    # the same row in the school's own municipality goes in (the refusal above is the policy's)
    with keyed(web_engine, pedagogue) as conn:
        conn.execute(text(insert), {"m": world.home.id, "s": world.school2.id, "p": world.pupil.id,
                                    "u": world.pedagogue.id})
    assert "row-level security" in _refused(web_engine, pedagogue, "UPDATE cases SET municipality_id = :m WHERE id = :c",
                                            {"m": world.away.id, "c": world.case.id})
    assert "row-level security" in _refused(
        web_engine, pedagogue, "INSERT INTO notes (case_id, version, kind, visibility, author_id, "
        "author_institution_id, created_at) VALUES (:c, 1, 'general', 'team', :u, :i, now())",
        {"c": world.away_case.id, "u": world.pedagogue.id, "i": world.school.id})
    # an update of a row out of reach finds nothing to change
    with keyed(web_engine, pedagogue) as conn:
        assert conn.execute(text("UPDATE cases SET class_name = '9.a' WHERE id = :c"),
                            {"c": world.away_case.id}).rowcount == 0
    with owner_app.app_context():
        assert db.session.get(Case, world.away_case.id).class_name == "7.b"
        assert db.session.query(Note).count() == 2
        assert db.session.query(Case).filter(Case.municipality_id == world.away.id).count() == 1


def test_the_owner_sees_everything_even_with_a_key(owner_app, rls_database, world):
    engine = create_engine(rls_database.owner_url)
    try:
        with keyed(engine, actor_of(owner_app, world.pedagogue)) as conn:
            assert ids(conn, "cases") == world.home_cases | {world.away_case.id}
            assert ids(conn, "notes") == {world.note, world.away_note}
    finally:
        engine.dispose()
