"""The data-protection officer's pages: search the trail, and "who saw this pupil"."""
from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask_babel import force_locale
from sqlalchemy import event

from caseflow.core.templating import role_label
from caseflow.extensions import db


@pytest.fixture
def dpo(factory):
    """A data-protection officer at the education board, reading English."""
    board = factory.institution(kind="education_board", name="Izglītības pārvalde")
    return factory.user("dpo", board.id, locale="en")


@pytest.fixture
def officer_client(client, factory, dpo):
    factory.login(client, dpo)
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)


def _own_entries(trail, action):
    return [e for e in trail.entries() if e.action == action]


# --- access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["teacher", "coordinator", "admin", "social_pedagogue"])
def test_only_the_data_protection_officer_opens_the_audit_pages(role, app, client, factory, trail):
    user = factory.user(role)
    factory.login(client, user)
    for url, method in [("/audit/", "get"), ("/audit/pupil", "get"), ("/audit/pupil", "post"),
                        ("/audit/pupil/report?t=x", "get")]:
        response = getattr(client, method)(url, data={"personal_code": "010203-12345"} if method == "post" else None)
        assert response.status_code == 403, (role, url, method)
    assert {e.action for e in trail.entries()} == {"access.denied"}


# --- search --------------------------------------------------------------------------------------

def test_search_lists_entries_newest_first_with_every_column(app, officer_client, factory, trail):
    school = factory.institution(name="Krāslavas pamatskola")
    teacher = factory.user("social_pedagogue", school.id, username="ilze@skola.lv")
    pupil = factory.pupil(school.id)
    trail.record_as(teacher, "pupil.read", pupil_id=pupil.id, ip="192.0.2.10")
    trail.record_as(teacher, "pupil.edit", pupil_id=pupil.id, ip="192.0.2.11")

    html = _text(officer_client.get("/audit/"))

    rows = _rows(html)
    assert len(rows) == 2
    newest, oldest = rows
    assert "pupil.edit" in newest and "pupil.read" in oldest
    for cell in ["ilze@skola.lv", "Krāslavas pamatskola", f"Pupil {pupil.id}", "192.0.2.11"]:
        assert cell in newest
    with app.test_request_context(), force_locale("en"):
        assert role_label("social_pedagogue") in newest
    assert re.search(r"<time datetime=\"[^\"]+\">\d\d\.\d\d\.\d{4}\. \d\d:\d\d</time>", newest)
    assert html.count("<h1>") == 1
    assert '<th scope="col">' in html and "<caption>" in html


def test_the_officers_own_search_is_audited_without_personal_data(app, officer_client, factory, dpo, trail):
    school = factory.institution()
    officer_client.get(f"/audit/?username=ilze&action=pupil.&date_from=01.03.2026.&date_to=2026-03-31"
                       f"&institution={school.id}")
    (entry,) = _own_entries(trail, "audit.search")
    assert entry.user_id == dpo.id and entry.role == "dpo"
    assert json.loads(entry.detail) == {"username": "ilze", "action": "pupil.", "date_from": "2026-03-01",
                                        "date_to": "2026-03-31", "institution_id": school.id}


def test_search_filters_by_user_name_action_prefix_and_institution(app, officer_client, factory, trail):
    school_a, school_b = factory.institution(name="Skola A"), factory.institution(name="Skola B")
    anna = factory.user("social_pedagogue", school_a.id, username="anna@a.lv")
    juris = factory.user("social_pedagogue", school_b.id, username="juris@b.lv")
    trail.record_as(anna, "pupil.read", pupil_id=1)
    trail.record_as(anna, "auth.sign_in", object_type=None)
    trail.record_as(juris, "pupil.read", pupil_id=2)
    trail.record_as(juris, "pupilx.other", pupil_id=2)

    def users_actions(query):
        rows = _rows(_text(officer_client.get(f"/audit/?{query}")))
        return [(re.search(r"(\w+)@", r).group(1), re.search(r"<code>([^<]+)</code>", r).group(1))
                for r in rows]

    assert users_actions("username=ANNA") == [("anna", "auth.sign_in"), ("anna", "pupil.read")]
    assert users_actions("action=pupil.") == [("juris", "pupil.read"), ("anna", "pupil.read")]
    assert users_actions("action=pupil") == [("juris", "pupilx.other"), ("juris", "pupil.read"),
                                             ("anna", "pupil.read")]
    assert users_actions("action=%25") == [], "the prefix is literal, not a LIKE pattern"
    assert users_actions(f"institution={school_b.id}&action=pupil.") == [("juris", "pupil.read")]


def test_search_filters_by_dates_in_riga_time(app, officer_client, factory, trail):
    # 1 March 2026 22:30 UTC is already 2 March 00:30 in Riga (UTC+2 in winter)
    with time_machine.travel(datetime(2026, 3, 1, 21, 30, tzinfo=UTC), tick=False):
        trail.record(1, action="test.first")
    with time_machine.travel(datetime(2026, 3, 1, 22, 30, tzinfo=UTC), tick=False):
        trail.record(1, action="test.second")
    with time_machine.travel(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False):
        trail.record(1, action="test.third")

    def actions(query):
        return re.findall(r"<code>(test\.\w+)</code>", _text(officer_client.get(f"/audit/?action=test.&{query}")))

    assert actions("date_to=01.03.2026.") == ["test.first"]
    assert actions("date_from=02.03.2026&date_to=2026-03-02") == ["test.second"]
    assert actions("date_from=2026-03-02") == ["test.third", "test.second"]
    assert actions("date_from=1.3.2026.&date_to=03.03.2026.") == ["test.third", "test.second", "test.first"]


@pytest.mark.parametrize(("query", "message"), [
    ("date_from=31.02.2026.", "Write the date as dd.mm.yyyy."),
    ("date_from=2026/03/01", "Write the date as dd.mm.yyyy."),
    ("date_from=05.03.2026.&date_to=01.03.2026.", "The end date is before the start date."),
    ("institution=999999", "Not a valid choice"),
])
def test_a_wrong_filter_is_explained_and_nothing_is_searched(query, message, officer_client, trail):
    trail.record(2)
    response = officer_client.get(f"/audit/?{query}")
    html = _text(response)
    assert response.status_code == 200
    assert message in html
    assert 'class="error-summary"' in html
    assert _rows(html) == []
    assert _own_entries(trail, "audit.search") == []


def test_search_pages_by_key_without_offset(app, officer_client, trail):
    app.config["PAGE_SIZE"] = 3
    trail.record(7, action="test.page")
    statements: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, *args):
        statements.append((statement, parameters))

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", remember)
    try:
        seen, url = [], "/audit/?action=test."
        while url:
            html = _text(officer_client.get(url))
            seen.append(re.findall(r"<code>(test\.page)</code>", html))
            nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
            url = nxt.group(1).replace("&amp;", "&") if nxt else None
            if url:
                assert "action=test." in url and "before=" in url
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", remember)
    assert [len(page) for page in seen] == [3, 3, 1]
    searches = [(sql, params) for sql, params in statements if "FROM audit_log" in sql and "LIMIT" in sql]
    assert len(searches) == 3
    for sql, params in searches:  # SQLite's dialect writes "OFFSET ?" always, with 0
        assert "OFFSET" not in sql or list(params)[-1] == 0
    assert ["audit_log.seq <" in sql for sql, _params in searches] == [False, True, True]
    befores = [json.loads(e.detail).get("before") for e in _own_entries(trail, "audit.search")]
    assert befores[0] is None and befores[1] > befores[2]


def test_pages_do_not_overlap_and_cover_every_entry(app, officer_client, trail):
    app.config["PAGE_SIZE"] = 2
    trail.record(5, action="test.page")
    html = _text(officer_client.get("/audit/?action=test.page"))
    seqs = []
    while True:
        seqs += [int(s) for s in re.findall(r'data-seq="(\d+)"', html)]
        nxt = re.search(r'<a href="([^"]+)" rel="next">', html)
        if not nxt:
            break
        html = _text(officer_client.get(nxt.group(1).replace("&amp;", "&")))
    assert seqs == [5, 4, 3, 2, 1]
    assert "First page" in html


# --- who saw this pupil ------------------------------------------------------------------------

@pytest.fixture
def reads(factory, trail):
    """A pupil read and changed by two people at two institutions; another pupil read once."""
    school = factory.institution(name="Tukuma 2. pamatskola")
    board = factory.institution(kind="education_board", name="Tukuma izglītības pārvalde")
    pedagogue = factory.user("social_pedagogue", school.id, username="pedagogs@tukums.lv")
    coordinator = factory.user("coordinator", board.id, username="koordinators@tukums.lv")
    pupil = factory.pupil(school.id, first_name="Marta", last_name="Kalniņa",
                          born=date(2013, 5, 17), code="170513-21234")
    other = factory.pupil(school.id, first_name="Pēteris", last_name="Ozols")
    trail.record_as(pedagogue, "pupil.read", pupil_id=pupil.id, ip="198.51.100.4")
    trail.record_as(coordinator, "pupil.edit", pupil_id=pupil.id, ip="198.51.100.9")
    trail.record_as(coordinator, "pupil.read", pupil_id=other.id, ip="198.51.100.9")
    return pupil, other


@pytest.mark.parametrize("typed", ["170513-21234", "17051321234", " 170513 21234 "])
def test_who_saw_this_pupil_lists_every_read_and_change(typed, app, officer_client, reads, dpo, trail):
    pupil, other = reads
    response = officer_client.post("/audit/pupil", data={"personal_code": typed})
    assert response.status_code == 303
    report_url = response.headers["Location"]
    assert "170513" not in report_url and "21234" not in report_url

    html = _text(officer_client.get(report_url))

    assert "Marta Kalniņa" in html
    rows = _rows(html)
    assert len(rows) == 2
    assert "pupil.edit" in rows[0] and "koordinators@tukums.lv" in rows[0]
    assert "Tukuma izglītības pārvalde" in rows[0] and "198.51.100.9" in rows[0]
    assert "pupil.read" in rows[1] and "pedagogs@tukums.lv" in rows[1]
    assert "Tukuma 2. pamatskola" in rows[1] and "198.51.100.4" in rows[1]
    with app.test_request_context(), force_locale("en"):
        assert role_label("coordinator") in rows[0] and role_label("social_pedagogue") in rows[1]
    assert "Ozols" not in html and "Pēteris" not in html
    # identification only: no personal code, birth date or other child data
    for secret in ["170513-21234", "17051321234", "17.05.2013", "2013-05-17"]:
        assert secret not in html
    (entry,) = _own_entries(trail, "audit.pupil_report")
    assert (entry.user_id, entry.pupil_id, entry.object_type, entry.object_id) == (
        dpo.id, pupil.id, "Pupil", pupil.id)
    assert "170513" not in entry.detail and "21234" not in entry.detail


def test_an_unknown_personal_code_gets_a_clear_message(officer_client, reads, trail):
    response = officer_client.post("/audit/pupil", data={"personal_code": "010101-10000"})
    html = _text(response)
    assert response.status_code == 200
    assert "No pupil with this personal code is in the registry" in html
    assert 'role="alert"' in html
    (entry,) = _own_entries(trail, "audit.pupil_report")
    assert entry.pupil_id is None
    assert json.loads(entry.detail) == {"found": False}


@pytest.mark.parametrize("typed", ["", "17051-21234", "170513-2123x", "١٧٠٥١٣-٢١٢٣٤"])
def test_a_malformed_personal_code_is_explained(typed, officer_client, reads, trail):
    html = _text(officer_client.post("/audit/pupil", data={"personal_code": typed}))
    assert 'class="error-summary"' in html
    assert "No pupil with this personal code" not in html
    assert _own_entries(trail, "audit.pupil_report") == []


def test_a_report_link_works_only_for_its_officer_and_only_for_an_hour(app, officer_client, factory, dpo,
                                                                       reads):
    report_url = officer_client.post("/audit/pupil", data={"personal_code": "170513-21234"}).headers["Location"]
    assert officer_client.get(report_url).status_code == 200

    other_officer = factory.user("dpo", locale="en")
    other_client = app.test_client()
    factory.login(other_client, other_officer)
    response = other_client.get(report_url)
    assert response.status_code == 302 and response.headers["Location"].endswith("/audit/pupil")

    with time_machine.travel(datetime.now(UTC) + timedelta(hours=2)):
        factory.login(officer_client, dpo)  # a fresh session: only the link is old
        response = officer_client.get(report_url)
        assert response.status_code == 302 and response.headers["Location"].endswith("/audit/pupil")

    assert other_client.get(report_url.replace("t=", "t=x")).status_code == 302


def test_report_pages_by_key(app, officer_client, factory, reads, trail):
    pupil, _other = reads
    pedagogue = factory.user("social_pedagogue", username="lasitajs@skola.lv")
    for _ in range(4):
        trail.record_as(pedagogue, "pupil.read", pupil_id=pupil.id)
    app.config["PAGE_SIZE"] = 4
    url = officer_client.post("/audit/pupil", data={"personal_code": "17051321234"}).headers["Location"]
    first = _text(officer_client.get(url))
    assert len(_rows(first)) == 4
    nxt = re.search(r'<a href="([^"]+)" rel="next">', first).group(1).replace("&amp;", "&")
    second = _text(officer_client.get(nxt))
    assert len(_rows(second)) == 2
    assert "koordinators@tukums.lv" in second and "pedagogs@tukums.lv" in second
    assert 'rel="next"' not in second
