"""Administration of user accounts and memberships: invitations, deactivation, two-factor reset."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage
from caseflow.people.auth.models import PasswordToken, RecoveryCode, UserSession
from caseflow.people.models import Membership, User
from tests.people.test_admin_helpers import audit_actions, count, field_error, sign_in_admin


def _new_user(**overrides) -> dict:
    form = {"username": "  Anna.Berzina@Example.LV ", "full_name": "Anna Bērziņa",
            "email": "anna.berzina@example.lv", "locale": "lv"}
    form.update(overrides)
    return form


def _open_sessions(app, user_id: int) -> int:
    return count(app, UserSession, UserSession.user_id == user_id, UserSession.ended_at.is_(None))


# --- accounts -----------------------------------------------------------------------------------

def test_opening_an_account_emails_an_invitation(app, client, factory):
    sign_in_admin(factory, client)
    response = client.post("/admin/users/new", data=_new_user())
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "anna.berzina@example.lv"))
        assert user is not None and user.password_hash is None and user.locale == "lv"
        assert response.headers["Location"].endswith(f"/admin/users/{user.id}")
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == user.id))
        assert message.to_address == "anna.berzina@example.lv"
        assert "/password/set/" in message.body
        token = db.session.scalar(select(PasswordToken).where(PasswordToken.user_id == user.id))
        assert token.purpose == "invite" and token.used_at is None
        user_id = user.id
    assert ("admin.user_created", "User", user_id,
            {"fields": ["email", "full_name", "locale", "username"]}) in audit_actions(app)
    page = client.get(f"/admin/users/{user_id}").get_data(as_text=True)
    assert "Not chosen yet (invited)" in page and "password_hash" not in page


def test_user_name_must_be_unique_ignoring_case_and_nothing_is_sent(app, client, factory):
    sign_in_admin(factory, client)
    factory.user(username="anna.berzina@example.lv")
    users, outbox = count(app, User), count(app, OutboxMessage)
    response = client.post("/admin/users/new", data=_new_user())
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "username") == "This user name is already taken."
    response = client.post("/admin/users/new", data=_new_user(username="anna b", email="not-an-address"))
    page = response.get_data(as_text=True)
    assert field_error(page, "email") is not None
    assert (count(app, User), count(app, OutboxMessage)) == (users, outbox)


def test_admin_edits_an_account(app, client, factory):
    sign_in_admin(factory, client)
    person = factory.user()
    response = client.post(f"/admin/users/{person.id}/edit", data={
        "full_name": "Jānis Ozols", "email": "janis@example.lv", "locale": "en", "is_active_account": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.full_name, user.email, user.locale, user.is_active_account) == (
            "Jānis Ozols", "janis@example.lv", "en", True)
    assert ("admin.user_updated", "User", person.id,
            {"fields": ["email", "full_name", "locale"]}) in audit_actions(app)
    with app.app_context():
        notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.user_id == person.id))
        assert notice.to_address == person.email, "the old address hears of the change"


def test_an_administrator_cannot_give_their_own_account_a_role(app, client, factory):
    municipality = factory.municipality()
    admin, board = sign_in_admin(factory, client, municipality_id=municipality.id)
    response = client.post(f"/admin/users/{admin.id}/memberships?municipality_id={municipality.id}",
                           data={"role": "coordinator", "institution_id": board.id, "title": "",
                                 "valid_from": "", "valid_to": ""})
    assert response.status_code == 200
    assert "own account" in field_error(response.get_data(as_text=True), "role")
    assert count(app, Membership, Membership.user_id == admin.id) == 1


def test_deactivating_an_account_ends_its_sessions(app, client, factory):
    sign_in_admin(factory, client)
    school = factory.institution()
    person = factory.user("teacher", school.id)
    other_client = app.test_client()
    factory.login(other_client, person)
    assert other_client.get("/").status_code == 200
    assert _open_sessions(app, person.id) == 1

    response = client.post(f"/admin/users/{person.id}/edit", data={
        "full_name": "Lietotājs", "email": person.email, "locale": "lv"})  # checkbox left empty
    assert response.status_code == 302
    assert _open_sessions(app, person.id) == 0
    with app.app_context():
        assert db.session.get(User, person.id).is_active_account is False
    assert other_client.get("/").status_code == 302
    updated = [a for a in audit_actions(app) if a[0] == "admin.user_updated"]
    assert updated[-1][3]["sessions_ended"] == 1 and "is_active_account" in updated[-1][3]["fields"]


def test_admin_cannot_deactivate_their_own_account(app, client, factory):
    admin, _board = sign_in_admin(factory, client)
    response = client.post(f"/admin/users/{admin.id}/edit", data={
        "full_name": "Admins", "email": admin.email, "locale": "en"})
    assert field_error(response.get_data(as_text=True), "is_active_account") == \
        "You cannot deactivate your own account."
    with app.app_context():
        user = db.session.get(User, admin.id)
        assert user.is_active_account and user.full_name != "Admins"


def test_invitation_can_be_sent_again_until_a_password_is_chosen(app, client, factory):
    sign_in_admin(factory, client)
    client.post("/admin/users/new", data=_new_user())
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.username == "anna.berzina@example.lv"))
    response = client.post(f"/admin/users/{user_id}/invitation")
    assert response.status_code == 302
    assert count(app, OutboxMessage, OutboxMessage.user_id == user_id) == 2
    with app.app_context():
        tokens = db.session.scalars(select(PasswordToken).where(PasswordToken.user_id == user_id)
                                    .order_by(PasswordToken.id)).all()
        assert [t.used_at is None for t in tokens] == [False, True]
    assert any(a[0] == "admin.user_invited" and a[2] == user_id for a in audit_actions(app))

    person = factory.user()  # has a password already
    client.post(f"/admin/users/{person.id}/invitation")
    assert count(app, OutboxMessage, OutboxMessage.user_id == person.id) == 0
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "already chosen a password" in page


def test_two_factor_reset_clears_the_authenticator_and_ends_sessions(app, client, factory):
    sign_in_admin(factory, client)
    school = factory.institution()
    person = factory.user("teacher", school.id)
    with app.app_context():
        user = db.session.get(User, person.id)
        user.totp_last_counter = 123
        db.session.add_all([RecoveryCode(user_id=person.id, code_digest=f"d{i}") for i in range(3)])
        db.session.commit()
    factory.login(app.test_client(), person)

    response = client.post(f"/admin/users/{person.id}/two-factor-reset")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, person.id)
        assert (user.totp_secret_enc, user.totp_enrolled_at, user.totp_last_counter) == (None, None, None)
    assert count(app, RecoveryCode, RecoveryCode.user_id == person.id, RecoveryCode.used_at.is_(None)) == 0
    assert _open_sessions(app, person.id) == 0
    assert count(app, OutboxMessage, OutboxMessage.user_id == person.id) == 1
    reset = [a for a in audit_actions(app) if a[0] == "admin.user_mfa_reset"]
    assert reset[0][3]["recovery_codes_voided"] == 3 and reset[0][3]["sessions_ended"] == 1

    # At the next sign-in the password alone is accepted and the person must enrol again.
    person_client = app.test_client()
    response = person_client.post("/sign-in", data={"username": person.username,
                                                    "password": person.password, "code": ""})
    assert response.status_code == 302 and response.headers["Location"].endswith("/account/two-factor")


def test_user_list_searches_and_pages_by_key(app_factory):
    from tests.factories import Factory

    app = app_factory({"PAGE_SIZE": 2})
    client, factory = app.test_client(), Factory(app)
    admin, _board = sign_in_admin(factory, client)
    people = [factory.user() for _ in range(3)]
    with app.app_context():
        for person, name in zip(people, ("Ozola Ilze", "Ozols Pēteris", "Ozoliņa Dace"), strict=True):
            db.session.get(User, person.id).full_name = name
        db.session.get(User, admin.id).full_name = "Admins Andris"
        db.session.commit()
    first = client.get("/admin/users?q=Ozol").get_data(as_text=True)
    assert "Ozola Ilze" in first and "Ozoliņa Dace" in first and "Ozols Pēteris" not in first
    assert f'href="/admin/users/{admin.id}"' not in first
    next_link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(next_link).get_data(as_text=True)
    assert "Ozols Pēteris" in second and "Ozola Ilze" not in second and 'rel="next"' not in second
    by_username = client.get(f"/admin/users?q={people[0].username}").get_data(as_text=True)
    assert "Ozola Ilze" in by_username and "Ozols Pēteris" not in by_username
    assert "No accounts match." in client.get("/admin/users?q=%25_").get_data(as_text=True)


# --- memberships --------------------------------------------------------------------------------

def _membership(institution_id: int, **overrides) -> dict:
    form = {"role": "teacher", "institution_id": str(institution_id), "title": "Matemātikas skolotāja",
            "valid_from": "2025-09-01", "valid_to": ""}
    form.update(overrides)
    return form


def test_admin_adds_a_role_that_fits_the_institution(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    school = factory.institution(municipality.id, kind="secondary_school", name="Vidusskola")
    person = factory.user()
    page = client.get(f"/admin/users/{person.id}?municipality_id={municipality.id}").get_data(as_text=True)
    assert "Vidusskola" in page
    response = client.post(f"/admin/users/{person.id}/memberships?municipality_id={municipality.id}",
                           data=_membership(school.id))
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(Membership).where(Membership.user_id == person.id))
        assert (row.role, row.institution_id, row.title, row.valid_from) == (
            "teacher", school.id, "Matemātikas skolotāja", date(2025, 9, 1))
        membership_id = row.id
    added = [a for a in audit_actions(app) if a[0] == "admin.membership_added"]
    assert added[0][2] == membership_id and added[0][3]["role"] == "teacher"


def test_role_rules_are_errors_next_to_the_field_and_nothing_is_written(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    school = factory.institution(municipality.id, kind="basic_school")
    service = factory.institution(municipality.id, kind="social_service")
    police = factory.institution(municipality.id, kind="municipal_police")
    person = factory.user("teacher", school.id)
    url = f"/admin/users/{person.id}/memberships?municipality_id={municipality.id}"
    before = count(app, Membership)
    cases = [
        (_membership(school.id, role="coordinator"), "role", "does not fit"),
        (_membership(service.id, role="social_pedagogue"), "role", "does not fit"),
        (_membership(police.id, role="state_police"), "role", "does not fit"),
        (_membership(school.id, role="teacher"), "role", "already has this role"),
        (_membership(service.id, role="social_worker", valid_to="2025-01-01"), "valid_to",
         "The end date is before the start date."),
    ]
    for form, field, message in cases:
        response = client.post(url, data=form)
        assert response.status_code == 200
        assert message in (field_error(response.get_data(as_text=True), field) or ""), form
    assert count(app, Membership) == before
    # Roles that fit: a social worker at the social service, an analyst anywhere.
    for form in (_membership(service.id, role="social_worker"), _membership(police.id, role="analyst"),
                 _membership(police.id, role="municipal_police")):
        assert client.post(url, data=form).status_code == 302
    assert count(app, Membership) == before + 3


def test_ending_a_role_sets_its_last_day_and_keeps_the_row(app, client, factory):
    sign_in_admin(factory, client)
    school = factory.institution()
    person = factory.user("teacher", school.id)
    with app.app_context():
        db.session.get(Membership, person.membership_id).valid_from = date(2024, 9, 1)
        db.session.commit()
    url = f"/admin/users/{person.id}/memberships/{person.membership_id}/end"
    prefix = f"end-{person.membership_id}-"
    response = client.post(url, data={prefix + "valid_to": "2024-01-31"})
    assert field_error(response.get_data(as_text=True), prefix + "valid_to") == \
        "The end date is before the start date."
    with app.app_context():
        assert db.session.get(Membership, person.membership_id).valid_to is None

    yesterday = local_today() - timedelta(days=1)
    response = client.post(url, data={prefix + "valid_to": yesterday.isoformat()})
    assert response.status_code == 302
    with app.app_context():
        membership = db.session.get(Membership, person.membership_id)
        assert membership.valid_to == yesterday
        assert db.session.get(User, person.id).active_memberships() == []
    assert ("admin.membership_ended", "Membership", person.membership_id,
            {"user_id": person.id, "fields": ["valid_to"]}) in audit_actions(app)
