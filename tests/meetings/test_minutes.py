"""Minutes: drafted from the record, edited, approved once and locked, corrected by addenda; the
Latvian PDF for the group and each institution's extract; access, encryption, query budget."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from caseflow.actions.models import Action
from caseflow.crypto import unseal
from caseflow.extensions import db
from caseflow.meetings.models import GroupSession, Minutes, MinutesAddendum
from tests.concerns.helpers import count, raw_column
from tests.meetings.recording_helpers import (
    DISCUSSION,
    MEASURE,
    attend_all,
    audit_actions,
    item_data,
    measure_row,
    pdf_text,
    set_status,
    today,
    todays_session,
)
from tests.meetings.world import item
from tests.querycount import StatementCounter

GENERAL = "Sēdi atklāj plkst. 14.00; darba kārtība apstiprināta"
POLICE_TASK = "Pārbaudīt dzīvesvietu vakarā"


def recorded_session(app, client, factory, world, *, measures_are="decided") -> tuple[int, int]:
    """A session of today: attendance for every seat, the case item recorded with a social-service
    and a police measure, the policy item with a measure for school2; returns (session, case item)."""
    s, case_item, policy_item = todays_session(app, world, measures_are=measures_are)
    attend_all(app, world, s)
    factory.login(client, world.chair)
    response = client.post(f"/meetings/sessions/{s}/record/items/{case_item}", data=item_data(
        world, reports={world.social.id: "Sociālais dienests apmeklēja ģimeni", world.court.id: "Bāriņtiesa ziņo"},
        measures=(measure_row(0, institution_id=world.social.id),
                  measure_row(1, institution_id=world.mpolice.id, text=POLICE_TASK))))
    assert response.status_code == 302, response.text
    response = client.post(f"/meetings/sessions/{s}/record/items/{policy_item}", data=item_data(
        world, outcome="continue", next_evaluation="", discussion="Skolām jāziņo reizi mēnesī",
        measures=(measure_row(0, institution_id=world.school2.id, text="Iesniegt kavējumu pārskatu"),)))
    assert response.status_code == 302, response.text
    return s, case_item


def minutes_url(s, tail="") -> str:
    return f"/meetings/sessions/{s}/minutes{tail}"


def test_the_draft_is_assembled_from_the_record_and_the_chair_edits_the_general_text(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    page = client.get(minutes_url(s)).text
    for expected in ("Draft", "Marta Kalniņa", "Sociālais dienests apmeklēja ģimeni", DISCUSSION, MEASURE, POLICE_TASK,
                     "Ezerkrastu pašvaldības policija", "Decided measures", "Kavējumu uzskaite skolās",
                     "Bāriņtiesas priekšsēdētājs", "New measures"):
        assert expected in page, expected
    assert client.post(minutes_url(s, "/text"), data={"text": GENERAL}).status_code == 302
    assert GENERAL in client.get(minutes_url(s)).text
    with app.app_context():
        minutes = db.session.scalars(select(Minutes)).one()
        assert unseal(minutes, "text") == GENERAL
    assert GENERAL.encode() not in raw_column(app, "session_minutes", "text_enc", minutes.id)
    assert {"minutes.edit", "minutes.read"} <= set(audit_actions(app))


def test_approval_needs_a_held_session_locks_the_record_and_happens_once(app, client, factory, world):
    s, case_item = recorded_session(app, client, factory, world)
    page = client.post(minutes_url(s, "/approve")).text
    assert "Mark the session as held" in page
    assert client.post(f"/meetings/sessions/{s}/record/held").status_code == 302
    assert client.post(minutes_url(s, "/approve")).status_code == 302
    with app.app_context():
        minutes = db.session.scalars(select(Minutes)).one()
        approved_at = minutes.approved_at
        assert minutes.approved_by_id == world.chair.id and approved_at is not None
        assert db.session.get(GroupSession, s).status == "approved"

    page = client.post(minutes_url(s, "/approve")).text
    assert "These minutes are already approved" in page
    with app.app_context():
        assert db.session.scalars(select(Minutes)).one().approved_at == approved_at

    # the record is locked: items, attendance and the general text refuse changes
    actions_before = count(app, Action)
    page = client.post(f"/meetings/sessions/{s}/record/items/{case_item}", data=item_data(
        world, measures=(measure_row(0, institution_id=world.court.id),)))
    assert "approved and locked" in page.text
    page = client.post(minutes_url(s, "/text"), data={"text": "Pārrakstīts"})
    assert "approved and locked" in page.text
    assert count(app, Action) == actions_before

    # corrections are addenda, shown below the minutes
    assert client.post(minutes_url(s, "/addenda"), data={"text": "Labojums: termiņš 20. datumā"}).status_code == 302
    assert "Labojums: termiņš 20. datumā" in client.get(minutes_url(s)).text
    with app.app_context():
        addendum = db.session.scalars(select(MinutesAddendum)).one()
    assert b"Labojums" not in raw_column(app, "minutes_addenda", "text_enc", addendum.id)
    assert {"minutes.approve", "minutes.addendum"} <= set(audit_actions(app))


def test_an_addendum_needs_approved_minutes(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    page = client.post(minutes_url(s, "/addenda"), data={"text": "Labojums"}).text
    assert "The minutes are still a draft" in page
    assert count(app, MinutesAddendum) == 0


def test_members_read_the_minutes_but_do_not_edit_them(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    factory.login(client, world.inspector)
    page = client.get(minutes_url(s))
    assert page.status_code == 200 and DISCUSSION in page.text and "Approve the minutes" not in page.text
    assert client.post(minutes_url(s, "/text"), data={"text": "X"}).status_code == 404
    assert client.post(minutes_url(s, "/approve")).status_code == 404
    with app.app_context():
        assert db.session.get(GroupSession, s).status == "planned"


@pytest.mark.parametrize("who", ["away_chair", "pedagogue2", "teacher"])
def test_outsiders_do_not_see_the_minutes(app, client, factory, world, who):
    s, _case_item = recorded_session(app, client, factory, world)
    factory.login(client, getattr(world, who))
    for tail in ("", ".pdf"):
        assert client.get(minutes_url(s, tail)).status_code in (403, 404)


def test_the_minutes_pdf_is_latvian_with_its_diacritics(app, client, factory, world, tmp_path):
    s, _case_item = recorded_session(app, client, factory, world)
    client.post(minutes_url(s, "/text"), data={"text": GENERAL})
    factory.login(client, world.court_member)  # a member, English-speaking: the PDF is Latvian all the same
    response = client.get(minutes_url(s, ".pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = pdf_text(response.data, tmp_path)
    for expected in ("Ezerkrastu bāriņtiesa", "Ezerkrastu sociālais dienests", "Marta Kalniņa", DISCUSSION,
                     MEASURE, POLICE_TASK, GENERAL, "Sociālais dienests apmeklēja ģimeni", "Iesniegt kavējumu pārskatu"):
        assert expected in text, expected
    assert "minutes.pdf" in audit_actions(app)


def approve(app, client, factory, world, s) -> None:
    factory.login(client, world.chair)
    assert client.post(f"/meetings/sessions/{s}/record/held").status_code == 302
    assert client.post(minutes_url(s, "/approve")).status_code == 302


def test_an_institution_extract_holds_only_its_items_and_actions(app, client, factory, world, tmp_path):
    s, _case_item = recorded_session(app, client, factory, world)
    # another pupil's item in the same session, with an action for the municipal police only
    other = item(app, s, case_id=world.case2.id, position=3)
    client.post(f"/meetings/sessions/{s}/record/items/{other}", data=item_data(
        world, discussion="Konflikts ar klasesbiedriem",
        measures=(measure_row(0, institution_id=world.mpolice.id, text="Profilaktiska saruna"),)))
    approve(app, client, factory, world, s)

    factory.login(client, world.social_worker)
    response = client.get(minutes_url(s, "/extract.pdf"))
    assert response.status_code == 200, response.text
    text = pdf_text(response.data, tmp_path)
    assert "Ezerkrastu sociālais dienests" in text and "Marta Kalniņa" in text and MEASURE in text
    assert "Sociālais dienests apmeklēja ģimeni" in text
    for absent in (POLICE_TASK, "Bāriņtiesa ziņo", "Jānis Ozols", "Konflikts ar klasesbiedriem",
                   "Profilaktiska saruna", "Iesniegt kavējumu pārskatu", "Ezerkrastu pašvaldības policija"):
        assert absent not in text, absent
    assert "minutes.extract" in audit_actions(app)

    # school2 holds no seat, but an action on the policy item: its extract has only that
    factory.login(client, world.pedagogue2)
    text = pdf_text(client.get(minutes_url(s, "/extract.pdf")).data, tmp_path)
    assert "Iesniegt kavējumu pārskatu" in text and "Marta Kalniņa" not in text and MEASURE not in text


@pytest.mark.parametrize("who", ["away_chair", "teacher"])
def test_an_institution_that_took_no_part_gets_no_extract(app, client, factory, world, who):
    s, _case_item = recorded_session(app, client, factory, world)
    approve(app, client, factory, world, s)
    factory.login(client, getattr(world, who))
    assert client.get(minutes_url(s, "/extract.pdf")).status_code in (403, 404)


def test_the_extract_waits_for_approval(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    factory.login(client, world.social_worker)
    page = client.get(minutes_url(s, "/extract.pdf"))
    assert page.status_code == 200 and "not approved yet" in page.text and page.mimetype == "text/html"


def test_the_minutes_page_costs_the_same_statements_however_many_items(app, client, factory, world):
    """Reads stay constant, and so does the audit trail's cost: one row per child shown (the "who saw
    this child" report finds reads by pupil), all sealed by a single INSERT on both databases."""
    s, _case_item = recorded_session(app, client, factory, world)

    def statements() -> int:
        factory.login(client, world.chair)
        client.get(minutes_url(s))
        before = audit_actions(app).count("minutes.read")
        with StatementCounter(app) as counter:
            assert client.get(minutes_url(s)).status_code == 200
        assert len([q for q in counter.statements if q.startswith("INSERT INTO audit_log")]) == 1
        return len(counter), audit_actions(app).count("minutes.read") - before

    few, few_audit = statements()
    for n in range(6):  # six more pupils, each with a recorded item and a measure
        pupil = factory.pupil(world.school.id, first_name=f"Skolēns{n}", last_name="Zariņš")
        case = factory.case(pupil.id, world.school.id, world.pedagogue.id, summary="Kavējumi")
        i = item(app, s, case_id=case.id, position=10 + n)
        client.post(f"/meetings/sessions/{s}/record/items/{i}", data=item_data(
            world, reports={world.social.id: "Ziņojums"},
            measures=(measure_row(0, institution_id=world.social.id, due=today() + timedelta(days=7)),)))
    many, many_audit = statements()
    print(f"minutes page: {few} statements with 2 items, {many} with 8 (one audit row per child, one INSERT)")
    assert many == few, (few, many)
    assert (few_audit, many_audit) == (1, 7)  # one child, then six more


def test_the_session_links_block_offers_the_chair_and_members_their_pages(app, factory, world):
    from flask import render_template_string

    from caseflow.access.policy import load_actor, set_request_actor
    from caseflow.people.models import Membership, User

    s, _c, _p = todays_session(app, world)
    set_status(app, s, "planned")
    for user, manage in ((world.chair, True), (world.social_worker, False)):
        with app.test_request_context():
            set_request_actor(load_actor(db.session.get(User, user.id), db.session.get(Membership, user.membership_id)))
            html = render_template_string('{% include "meetings/record/_session_links.html" %}',
                                          session=db.session.get(GroupSession, s))
        assert ("/record/attendance" in html) is manage
        assert f"/meetings/sessions/{s}/minutes" in html


def test_after_approval_a_member_reads_only_their_institutions_part(app, client, factory, world):
    s, _case_item = recorded_session(app, client, factory, world)
    client.post(minutes_url(s, "/text"), data={"text": GENERAL})
    set_status(app, s, "held")
    assert client.post(minutes_url(s, "/approve")).status_code == 302
    factory.login(client, world.inspector)  # the municipal police holds the police measure
    page = client.get(minutes_url(s)).text
    assert POLICE_TASK in page and MEASURE not in page and GENERAL not in page
    assert "Download the minutes (PDF, Latvian)" not in page
    pdf = client.get(minutes_url(s, ".pdf"))
    assert pdf.status_code == 302 and pdf.headers["Location"].endswith(minutes_url(s, "/extract.pdf"))
    factory.login(client, world.court_member)  # reported, holds no action: sees its report only
    page = client.get(minutes_url(s)).text
    assert "Bāriņtiesa ziņo" in page and POLICE_TASK not in page and "Sociālais dienests apmeklēja" not in page
    factory.login(client, world.chair)
    page = client.get(minutes_url(s)).text
    assert POLICE_TASK in page and MEASURE in page and GENERAL in page
