"""Administration of cooperation groups: the group, escalation, served municipalities and seats."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import CooperationGroup, GroupMember, GroupMunicipality
from tests.people.test_admin_helpers import audit_actions, count, field_error, sign_in_admin


def _group_form(municipality_id: int, **overrides) -> dict:
    form = {"name": "Rīgas speciālistu grupa", "municipality_id": str(municipality_id),
            "level": "specialists", "escalates_to_id": "", "measures_are": "recommended",
            "founding_decision_date": "2018-03-20", "founding_decision_number": "RD-18-123-rs",
            "is_active": "y"}
    form.update(overrides)
    return form


def _member_form(institution_id: int, **overrides) -> dict:
    form = {"institution_id": str(institution_id), "office": "Sociālā dienesta vadītājs", "kind": "member",
            "username": "", "term_from": "2024-01-01", "term_to": ""}
    form.update(overrides)
    return form


def _create_group(app, client, municipality_id: int, **overrides) -> int:
    response = client.post("/admin/groups/new", data=_group_form(municipality_id, **overrides))
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(select(CooperationGroup.id).order_by(CooperationGroup.id.desc()).limit(1))


def test_admin_founds_a_group_and_escalation_must_go_to_another_group(app, client, factory):
    riga = factory.municipality(name="Rīga")
    sign_in_admin(factory, client, municipality_id=riga.id)
    management = _create_group(app, client, riga.id, name="Vadības grupa", level="management",
                               measures_are="decided")
    specialists = _create_group(app, client, riga.id, escalates_to_id=str(management))
    with app.app_context():
        group = db.session.get(CooperationGroup, specialists)
        assert (group.level, group.escalates_to_id, group.measures_are, group.founding_decision_date,
                group.founding_decision_number, group.is_active) == (
            "specialists", management, "recommended", date(2018, 3, 20), "RD-18-123-rs", True)
        assert [link.municipality_id for link in group.municipalities] == [riga.id]
    created = [a for a in audit_actions(app) if a[0] == "admin.group_created"]
    assert [a[2] for a in created] == [management, specialists]
    page = client.get(f"/admin/groups?municipality_id={riga.id}").get_data(as_text=True)
    assert "Vadības grupa" in page and "Rīgas speciālistu grupa" in page

    # The management group cannot escalate back to the specialists' group, nor to itself.
    url = f"/admin/groups/{management}/edit"
    response = client.post(url, data=_group_form(riga.id, name="Vadības grupa", level="management",
                                                 escalates_to_id=str(specialists)))
    assert field_error(response.get_data(as_text=True), "escalates_to_id") == \
        "That group already escalates to this one."
    response = client.post(url, data=_group_form(riga.id, name="Vadības grupa", level="management",
                                                 escalates_to_id=str(management)))
    assert field_error(response.get_data(as_text=True), "escalates_to_id") is not None
    with app.app_context():
        assert db.session.get(CooperationGroup, management).escalates_to_id is None

    response = client.post(url, data=_group_form(riga.id, name="Vadības grupa", level="management",
                                                 is_active=""))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(CooperationGroup, management).is_active is False
    assert ("admin.group_updated", "CooperationGroup", management,
            {"fields": ["is_active", "measures_are"]}) in audit_actions(app)


def test_missing_name_is_an_error_and_no_group_is_written(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    response = client.post("/admin/groups/new", data=_group_form(municipality.id, name=""))
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "name") is not None
    assert count(app, CooperationGroup) == 0


def test_a_joint_group_serves_several_municipalities(app, client, factory):
    daugavpils, kraslava = factory.municipality(name="Daugavpils"), factory.municipality(name="Krāslava")
    sign_in_admin(factory, client, municipality_id=daugavpils.id)
    group_id = _create_group(app, client, daugavpils.id, name="Kopīgā grupa", level="single")
    assert client.post(f"/admin/groups/{group_id}/municipalities",
                       data={"municipality_id": str(kraslava.id)}).status_code == 302
    response = client.post(f"/admin/groups/{group_id}/municipalities",
                           data={"municipality_id": str(kraslava.id)})
    assert field_error(response.get_data(as_text=True), "municipality_id") == \
        "The group already serves this municipality."
    with app.app_context():
        links = {link.municipality_id: link.id for link in db.session.scalars(
            select(GroupMunicipality).where(GroupMunicipality.group_id == group_id))}
    assert set(links) == {daugavpils.id, kraslava.id}
    assert "Kopīgā grupa" in client.get(f"/admin/groups?municipality_id={kraslava.id}").get_data(as_text=True)

    # A seat for an institution of Krāslava: the municipality stays while the seat's term runs.
    service = factory.institution(kraslava.id, kind="social_service", name="Krāslavas sociālais dienests")
    assert client.post(f"/admin/groups/{group_id}/members",
                       data=_member_form(service.id)).status_code == 302
    page = client.post(f"/admin/groups/{group_id}/municipalities/{links[kraslava.id]}/remove",
                       follow_redirects=True).get_data(as_text=True)
    assert "still hold seats" in page
    client.post(f"/admin/groups/{group_id}/municipalities/{links[daugavpils.id]}/remove")
    assert count(app, GroupMunicipality, GroupMunicipality.group_id == group_id) == 2

    with app.app_context():
        seat_id = db.session.scalar(select(GroupMember.id).where(GroupMember.group_id == group_id))
    client.post(f"/admin/groups/{group_id}/members/{seat_id}",
                data=_member_form(service.id, term_to=(local_today() - timedelta(days=1)).isoformat()))
    client.post(f"/admin/groups/{group_id}/municipalities/{links[kraslava.id]}/remove")
    assert count(app, GroupMunicipality, GroupMunicipality.group_id == group_id) == 1
    actions = [a[0] for a in audit_actions(app)]
    assert "admin.group_municipality_added" in actions and "admin.group_municipality_removed" in actions


def test_seats_allow_one_chair_per_term_and_named_people_of_the_institution(app, client, factory):
    tukums, elsewhere = factory.municipality(name="Tukums"), factory.municipality(name="Cits")
    sign_in_admin(factory, client, municipality_id=tukums.id)
    service = factory.institution(tukums.id, kind="social_service", name="Sociālais dienests")
    board = factory.institution(tukums.id, kind="education_board", name="Izglītības pārvalde")
    foreign = factory.institution(elsewhere.id, kind="social_service", name="Cits dienests")
    head = factory.user("social_worker", service.id)
    outsider = factory.user("coordinator", board.id)
    group_id = _create_group(app, client, tukums.id, name="Tukuma grupa", level="single")
    url = f"/admin/groups/{group_id}/members"

    response = client.post(url, data=_member_form(service.id, is_chair="y", username=head.username.upper(),
                                                  term_to="2025-12-31"))
    assert response.status_code == 302
    with app.app_context():
        chair = db.session.scalar(select(GroupMember).where(GroupMember.group_id == group_id))
        assert (chair.is_chair, chair.user_id, chair.term_to) == (True, head.id, date(2025, 12, 31))
        chair_id = chair.id

    refused = [
        (_member_form(board.id, office="Speciālists", is_chair="y"), "is_chair",
         "The group already has a chair for this term (Sociālā dienesta vadītājs)."),
        (_member_form(board.id, username="nobody@example.lv"), "username",
         "There is no account with this user name."),
        (_member_form(service.id, username=outsider.username), "username",
         "This person has no role at the chosen institution."),
        (_member_form(board.id, term_from="2024-05-01", term_to="2024-04-30"), "term_to",
         "The end of the term is before its start."),
        (_member_form(foreign.id), "institution_id", None),
        (_member_form(board.id, office=""), "office", None),
    ]
    for form, field, message in refused:
        response = client.post(url, data=form)
        assert response.status_code == 200
        error = field_error(response.get_data(as_text=True), field)
        assert error is not None and (message is None or error == message), (form, error)
    assert count(app, GroupMember) == 1

    # A new chair whose term starts after the first one's ends is fine; advisory seats too.
    assert client.post(url, data=_member_form(board.id, office="Speciālists", is_chair="y",
                                              term_from="2026-01-01")).status_code == 302
    assert client.post(url, data=_member_form(board.id, office="Skolu pārstāvis",
                                              kind="advisory")).status_code == 302
    assert count(app, GroupMember, GroupMember.group_id == group_id) == 3
    page = client.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    assert "Advisory participant" in page and "Skolu pārstāvis" in page

    # Seats are edited (a term ends), never deleted.
    edit = f"/admin/groups/{group_id}/members/{chair_id}"
    assert head.username in client.get(edit).get_data(as_text=True)
    response = client.post(edit, data=_member_form(service.id, is_chair="y", username=head.username,
                                                   term_to="2025-06-30"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(GroupMember, chair_id).term_to == date(2025, 6, 30)
    assert ("admin.group_member_updated", "GroupMember", chair_id,
            {"group_id": group_id, "fields": ["term_to"]}) in audit_actions(app)
