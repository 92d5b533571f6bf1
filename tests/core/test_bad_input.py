"""Input the database cannot hold is the request's fault: a 400 page, never a 500."""
from __future__ import annotations

import pytest

HUGE = "9" * 25


@pytest.fixture
def pedagogue_client(client, factory):
    school = factory.institution(kind="basic_school")
    factory.login(client, factory.user("social_pedagogue", school.id))
    return client


@pytest.mark.parametrize("url", [f"/pupils/{HUGE}", f"/pupils/?after={HUGE}"])
def test_numbers_beyond_64_bits_are_a_bad_request(pedagogue_client, url):
    response = pedagogue_client.get(url)
    assert response.status_code in (400, 404)
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_nul_character_in_the_sign_in_form_is_a_bad_request_or_a_plain_failure(client):
    response = client.post("/sign-in", data={"username": "a\x00b", "password": "x" * 12, "code": ""})
    assert response.status_code in (200, 400)


def test_a_nul_character_in_a_reset_request_never_reaches_a_500(client):
    response = client.post("/password/forgot", data={"email": "a\x00b@example.lv"})
    assert response.status_code in (200, 400)


def test_role_switch_with_a_huge_id_is_refused(pedagogue_client):
    response = pedagogue_client.post("/account/role", data={"membership_id": HUGE})
    assert response.status_code in (400, 404)
