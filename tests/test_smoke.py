"""The application starts, answers /health and sends anonymous users to the sign-in page."""


def test_health_answers_without_signing_in(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


def test_sign_in_page_is_latvian_by_default(client):
    response = client.get("/sign-in")
    assert response.status_code == 200
    assert 'lang="lv"' in response.get_data(as_text=True)


def test_signed_in_user_sees_home(client, factory):
    institution = factory.institution(kind="basic_school")
    user = factory.user("social_pedagogue", institution.id)
    factory.login(client, user)
    response = client.get("/")
    assert response.status_code == 200
    assert "Lietotājs" in response.get_data(as_text=True)
