"""Parties and the case team: adding, changing and removing (contact details encrypted), the
whole-family answer, who may join the team, what a team member sees, and the section's cost."""
from __future__ import annotations

import html
import json
import re
from datetime import timedelta

import pytest

from caseflow.cases.models import Case, CaseParty, CaseTeamMember
from caseflow.cases.selectors import people as people_section
from caseflow.crypto import unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import Membership, User
from tests.cases.helpers_people import (
    audit_actions,
    count,
    events,
    make_world,
    render_section,
    rows,
)

PHONE = "+371 29123456"
EMAIL = "ilze.liepa@example.lv"
ADDRESS = "Rīgas iela 5-12, Krāslava"


@pytest.fixture
def world(factory):
    return make_world(factory)


def party_data(**changes) -> dict:
    data = {"party-kind": "mother", "party-full_name": "Ilze Liepa", "party-is_legal_representative": "y",
            "party-phone": PHONE, "party-email": EMAIL, "party-address": ADDRESS}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def error_of(page: str, field_id: str) -> str | None:
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1).strip()) if found else None


def people_section_of(page: str) -> str:
    return page.split('id="people"', 1)[1].split("</section>", 1)[0]


def contact(app, party_id: int) -> dict:
    with app.app_context():
        return json.loads(unseal(db.session.get(CaseParty, party_id), "contact"))


def add_member(client, case_id: int, user_id: int, task: str = ""):
    return client.post(f"/cases/{case_id}/team/new", data={"team-user_id": str(user_id), "team-task": task})


# --- parties ---------------------------------------------------------------------------------------

def test_a_party_is_added_with_contact_details_stored_encrypted(app, client, factory, world):
    factory.login(client, world.pedagogue)
    assert client.get(f"/cases/{world.case.id}/parties/new").status_code == 200
    response = client.post(f"/cases/{world.case.id}/parties/new", data=party_data())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/cases/{world.case.id}#people")

    [party] = rows(app, CaseParty)
    assert (party.case_id, party.kind, party.full_name, party.is_legal_representative) == (
        world.case.id, "mother", "Ilze Liepa", True)
    for secret in (PHONE, "29123456", EMAIL, "Rīgas iela"):
        assert secret.encode() not in bytes(party.contact_enc)
    assert contact(app, party.id) == {"phone": PHONE, "email": EMAIL, "address": ADDRESS}
    assert events(app, world.case.id) == [("party_added", {"party_id": party.id})]
    assert "case.party_add" in audit_actions(app)

    section = people_section_of(client.get(f"/cases/{world.case.id}").text)
    for shown in ("Ilze Liepa", "Mother", PHONE, EMAIL, ADDRESS, "Yes"):
        assert shown in section


def test_party_refusals_stand_next_to_their_fields_and_nothing_is_written(app, client, factory, world):
    factory.login(client, world.pedagogue)
    url = f"/cases/{world.case.id}/parties/new"
    refusals = [
        (party_data(**{"party-full_name": ""}), "party-full_name", "This field is required."),
        (party_data(**{"party-email": "ilze.liepa(at)example"}), "party-email",
         "Write the e-mail address as name@example.lv."),
        (party_data(**{"party-email": "ilze@example"}), "party-email", "Write the e-mail address as name@example.lv."),
        (party_data(**{"party-phone": "zvanīt vakarā"}), "party-phone",
         "Write the phone number with digits, e.g. +371 20000000."),
        (party_data(**{"party-kind": "neighbour"}), "party-kind", "Choose from the list."),
    ]
    for data, field_id, message in refusals:
        response = client.post(url, data=data)
        assert response.status_code == 200
        assert error_of(response.text, field_id) == message, field_id
    assert count(app, CaseParty) == 0
    assert events(app, world.case.id) == []


def test_a_party_is_changed_and_removed(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post(f"/cases/{world.case.id}/parties/new", data=party_data())
    [party] = rows(app, CaseParty)
    edit_url = f"/cases/{world.case.id}/parties/{party.id}/edit"
    form = client.get(edit_url).text
    assert PHONE in form and EMAIL in form and "Ilze Liepa" in form

    bad = client.post(edit_url, data=party_data(**{"party-email": "nav"}))
    assert error_of(bad.text, "party-email") == "Write the e-mail address as name@example.lv."
    assert contact(app, party.id)["email"] == EMAIL

    changed = client.post(edit_url, data=party_data(**{"party-phone": "+371 26000000", "party-email": "",
                                                       "party-is_legal_representative": None}))
    assert changed.status_code == 302
    [party] = rows(app, CaseParty)
    assert party.is_legal_representative is False
    assert contact(app, party.id) == {"phone": "+371 26000000", "address": ADDRESS}
    assert events(app, world.case.id)[-1] == ("party_changed", {"party_id": party.id})

    removed = client.post(f"/cases/{world.case.id}/parties/{party.id}/remove")
    assert removed.status_code == 302
    [party] = rows(app, CaseParty)
    assert party.removed_at is not None
    assert events(app, world.case.id)[-1] == ("party_removed", {"party_id": party.id})
    assert "Ilze Liepa" not in people_section_of(client.get(f"/cases/{world.case.id}").text)
    assert client.get(edit_url).status_code == 404
    assert client.post(f"/cases/{world.case.id}/parties/{party.id}/remove").status_code == 404
    assert [a for a in audit_actions(app) if a.startswith("case.party")] == [
        "case.party_add", "case.party_update", "case.party_remove"]


def test_the_case_may_concern_the_whole_family(app, client, factory, world):
    factory.login(client, world.pedagogue)
    assert 'name="family-concerns_family"' in people_section_of(client.get(f"/cases/{world.case.id}").text)
    assert client.post(f"/cases/{world.case.id}/family", data={"family-concerns_family": "y"}).status_code == 302
    [case] = rows(app, Case)
    assert case.concerns_family is True
    client.post(f"/cases/{world.case.id}/family", data={})
    assert rows(app, Case)[0].concerns_family is False
    assert [e for e in events(app, world.case.id)] == [
        ("family_changed", {"concerns_family": True}), ("family_changed", {"concerns_family": False})]


@pytest.mark.parametrize("who", ["specialist", "stranger", "teacher", "coordinator"])
def test_only_the_schools_case_owners_change_parties_and_team(app, client, factory, world, who):
    factory.referral(world.case.id, factory.group(world.home.id), world.pedagogue.id)
    factory.login(client, world.pedagogue)
    client.post(f"/cases/{world.case.id}/parties/new", data=party_data())
    [party] = rows(app, CaseParty)
    factory.login(client, getattr(world, who))
    case_url = f"/cases/{world.case.id}"
    for url in (f"{case_url}/parties/new", f"{case_url}/parties/{party.id}/edit", f"{case_url}/team/new"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{case_url}/parties/new", data=party_data()).status_code == 404
    assert client.post(f"{case_url}/parties/{party.id}/remove").status_code == 404
    assert client.post(f"{case_url}/family", data={"family-concerns_family": "y"}).status_code == 404
    assert add_member(client, world.case.id, world.specialist.id).status_code == 404
    assert count(app, CaseParty) == 1 and count(app, CaseTeamMember) == 0
    assert rows(app, Case)[0].concerns_family is False


def test_a_closed_case_keeps_its_people(app, client, factory, world):
    closed = factory.case(factory.pupil(world.school.id).id, world.school.id, world.pedagogue.id,
                          status="closed")
    factory.login(client, world.pedagogue)
    response = client.post(f"/cases/{closed.id}/parties/new", data=party_data())
    assert error_of(response.text, "party-full_name") == "A closed case cannot be changed. Reopen it first."
    assert add_member(client, closed.id, world.specialist.id).status_code == 200
    assert count(app, CaseParty) == 0 and count(app, CaseTeamMember) == 0
    rendered, _statements = render_section(app, world.pedagogue, closed.id, people_section, "cases/_people.html")
    assert "<form" not in rendered


# --- the team --------------------------------------------------------------------------------------

def test_the_team_is_chosen_from_the_schools_support_team_today(app, client, factory, world):
    former = factory.user("support_specialist", world.school.id, locale="en")
    future = factory.user("support_specialist", world.school.id, locale="en")
    with app.app_context():
        db.session.get(Membership, former.membership_id).valid_to = local_today() - timedelta(days=1)
        db.session.get(Membership, future.membership_id).valid_from = local_today() + timedelta(days=1)
        db.session.commit()
    elsewhere = factory.user("support_specialist", world.other_school.id, locale="en")

    factory.login(client, world.pedagogue)
    page = client.get(f"/cases/{world.case.id}/team/new").text
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', page)}
    assert offered == {world.pedagogue.id, world.head.id, world.specialist.id}

    for user in (world.teacher, former, future, elsewhere, world.coordinator):
        response = add_member(client, world.case.id, user.id)
        assert response.status_code == 200
        assert error_of(response.text, "team-user_id") == (
            "Choose a colleague of the school's support team from the list.")
    missing = client.post(f"/cases/{world.case.id}/team/new", data={"team-user_id": ""})
    assert error_of(missing.text, "team-user_id") == "Choose a colleague."
    assert count(app, CaseTeamMember) == 0


def test_a_team_member_sees_the_case_until_removed_and_comes_back_on_the_same_row(app, client, factory, world):
    case_url = f"/cases/{world.case.id}"
    factory.login(client, world.specialist)
    assert client.get(case_url).status_code == 404

    factory.login(client, world.pedagogue)
    response = add_member(client, world.case.id, world.specialist.id, task="psihologs")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{case_url}#people")
    [member] = rows(app, CaseTeamMember)
    assert (member.user_id, member.task, member.added_by_id, member.removed_at) == (
        world.specialist.id, "psihologs", world.pedagogue.id, None)
    again = add_member(client, world.case.id, world.specialist.id)
    assert error_of(again.text, "team-user_id") == "This colleague is already on the case team."
    with app.app_context():
        name = db.session.get(User, world.specialist.id).full_name
    section = people_section_of(client.get(case_url).text)
    assert name in section and "psihologs" in section and "Support specialist" in section

    specialist = app.test_client()
    factory.login(specialist, world.specialist)
    assert specialist.get(case_url).status_code == 200
    assert specialist.get(f"{case_url}/notes/new").status_code == 200
    assert "/parties/new" not in specialist.get(case_url).text

    removed = client.post(f"{case_url}/team/{member.id}/remove")
    assert removed.status_code == 302
    assert specialist.get(case_url).status_code == 404
    assert specialist.get(f"{case_url}/notes/new").status_code == 404
    assert f'id="member-{member.id}"' not in people_section_of(client.get(case_url).text)
    assert client.post(f"{case_url}/team/{member.id}/remove").status_code == 404

    add_member(client, world.case.id, world.specialist.id, task="logopēds")
    [back] = rows(app, CaseTeamMember)
    assert (back.id, back.removed_at, back.task) == (member.id, None, "logopēds")
    assert specialist.get(case_url).status_code == 200
    assert [(k, d) for k, d in events(app, world.case.id) if k.startswith("team")] == [
        ("team_added", {"member_id": member.id, "user_id": world.specialist.id}),
        ("team_removed", {"member_id": member.id, "user_id": world.specialist.id}),
        ("team_added", {"member_id": member.id, "user_id": world.specialist.id})]
    assert [a for a in audit_actions(app) if a.startswith("case.team")] == [
        "case.team_add", "case.team_remove", "case.team_add"]


# --- the case page's cost --------------------------------------------------------------------------

def test_the_people_section_runs_the_same_statements_for_one_person_or_many(app, client, factory, world):
    factory.login(client, world.pedagogue)
    client.post(f"/cases/{world.case.id}/parties/new", data=party_data())
    add_member(client, world.case.id, world.specialist.id)
    _html, one = render_section(app, world.pedagogue, world.case.id, people_section, "cases/_people.html")
    for n in range(4):
        client.post(f"/cases/{world.case.id}/parties/new", data=party_data(**{"party-full_name": f"Radinieks {n}"}))
    for _n in range(3):
        colleague = factory.user("support_specialist", world.school.id, locale="en")
        factory.membership(colleague.id, world.school.id, "school_head")
        add_member(client, world.case.id, colleague.id)
    add_member(client, world.case.id, world.head.id)
    rendered, many = render_section(app, world.pedagogue, world.case.id, people_section, "cases/_people.html")
    assert many == one
    assert rendered.count('id="party-') == 5 and rendered.count('id="member-') == 5
    assert "School head or deputy, Support specialist" in rendered
