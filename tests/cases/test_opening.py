"""Opening a case and changing what it is about: the HTTP flow, refusals, encryption, audit."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select, text

from caseflow.audit.models import AuditEntry
from caseflow.cases.models import Case, CaseEvent, CaseRiskFactor
from caseflow.extensions import db


@pytest.fixture
def school_world(app, factory):
    """A municipality with lists, a school, its social pedagogue (English) and a pupil."""
    m = factory.municipality()
    factory.taxonomy(m.id)
    school = factory.institution(m.id)
    sp = factory.user("social_pedagogue", school.id, locale="en")
    pupil = factory.pupil(school.id, class_name="7.b")
    return m, school, sp, pupil


def _form(factory, m, *, other_text="Pupil cares for a sick grandmother", summary="Misses Mondays"):
    other = factory.risk_item(m.id, other=True)
    plain = factory.risk_item(m.id)
    return {
        "categories": [str(factory.entry(m.id, "category"))],
        "noticed_via": [str(factory.entry(m.id, "noticed_via"))],
        "summary": summary, "risks": [str(plain), str(other)], f"risk_other_{other}": other_text,
    }, plain, other


def _csrf(client, url):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text) or re.search(
        r'name="csrf_token" value="([^"]+)"', page.text)
    return match.group(1) if match else ""


def test_social_pedagogue_opens_a_case_with_risk_factors(app, client, factory, school_world):
    m, school, sp, pupil = school_world
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    data, plain, other = _form(factory, m)
    data.update(csrf_token=_csrf(client, url), lead_user_id=str(sp.id))
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text
    case_url = response.headers["Location"]
    page = client.get(case_url)
    assert page.status_code == 200
    assert "Pupil cares for a sick grandmother" in page.text and "Misses Mondays" in page.text
    assert "Case opened" in page.text
    with app.app_context():
        case = db.session.scalar(select(Case))
        assert case.school_id == school.id and case.class_name == "7.b" and case.lead_user_id == sp.id
        assert {f.item_id for f in case.risk_factors} == {plain, other}
        assert db.session.scalar(select(CaseEvent.kind)) == "opened"
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"case.open", "case.read"} <= actions
        raw = db.session.execute(text("SELECT description_enc FROM case_risk_factors WHERE description_enc IS NOT NULL")).scalar()
        assert b"grandmother" not in bytes(raw)
        assert b"Misses" not in bytes(db.session.execute(text("SELECT summary_enc FROM cases")).scalar())


@pytest.mark.parametrize("change, field, message", [
    ({"categories": []}, "categories", "Choose at least one category."),
    ({"noticed_via": []}, "noticed_via", "Choose how the risk was noticed."),
    ({"other_text": ""}, "risk_other", "Describe the other risk factor."),
    ({"categories": ["999999"]}, "categories", "Choose from the list."),
])
def test_bad_input_is_named_next_to_the_field_and_nothing_is_written(
        app, client, factory, school_world, change, field, message):
    m, school, sp, pupil = school_world
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    change = dict(change)
    data, _plain, other = _form(factory, m, other_text=change.pop("other_text", "text"))
    data.update(change)
    data["csrf_token"] = _csrf(client, url)
    response = client.post(url, data=data)
    assert response.status_code == 200
    field_id = f"risk_other_{other}" if field == "risk_other" else field
    assert re.search(rf'id="{field_id}-error">[^<]*{re.escape(message)}', response.text), response.text[:3000]
    with app.app_context():
        assert db.session.scalar(select(Case)) is None
        assert db.session.scalar(select(CaseRiskFactor)) is None


def test_second_open_case_is_refused_and_points_to_the_first(app, client, factory, school_world):
    m, school, sp, pupil = school_world
    first = factory.case(pupil.id, school.id, sp.id)
    factory.login(client, sp)
    page = client.get(f"/cases/new/{pupil.id}")
    assert page.status_code == 200
    assert f"/cases/{first.id}" in page.text and "already has an open case" in page.text
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Case.id))) == 1


def test_closed_case_allows_a_new_one(app, client, factory, school_world):
    m, school, sp, pupil = school_world
    factory.case(pupil.id, school.id, sp.id, status="closed")
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    data, _plain, _other = _form(factory, m)
    data["csrf_token"] = _csrf(client, url)
    assert client.post(url, data=data).status_code == 302


def test_other_school_and_teacher_cannot_open_or_see(app, client, factory, school_world):
    m, school, sp, pupil = school_world
    case = factory.case(pupil.id, school.id, sp.id)
    other_sp = factory.user("social_pedagogue", factory.institution(m.id).id)
    factory.login(client, other_sp)
    assert client.get(f"/cases/new/{pupil.id}").status_code == 404
    assert client.get(f"/cases/{case.id}").status_code == 404
    teacher = factory.user("teacher", school.id)
    factory.login(client, teacher)
    assert client.get(f"/cases/{case.id}").status_code == 403 or client.get(f"/cases/{case.id}").status_code == 404
    assert client.get(f"/cases/new/{pupil.id}").status_code in (403, 404)


def test_edit_changes_risk_factors_and_records_the_timeline(app, client, factory, school_world):
    m, school, sp, pupil = school_world
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    data, plain, other = _form(factory, m)
    data["csrf_token"] = _csrf(client, url)
    case_url = client.post(url, data=data).headers["Location"]
    case_id = int(case_url.rstrip("/").split("/")[-1])
    edit_url = f"/cases/{case_id}/edit"
    page = client.get(edit_url)
    assert "Pupil cares for a sick grandmother" in page.text
    data.update(risks=[str(plain)], csrf_token=_csrf(client, edit_url), summary="Now also Fridays")
    assert client.post(edit_url, data=data).status_code == 302
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert [f.item_id for f in case.risk_factors] == [plain]
        kinds = set(db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case_id)))
        assert {"opened", "risk_factors_changed", "details_changed"} <= kinds


def test_a_case_opened_by_a_colleague_at_the_same_moment_gives_a_message_not_an_error(
        app, client, factory, school_world, monkeypatch):
    from caseflow.cases.selectors import cases as case_selectors
    from caseflow.cases.services import opening

    m, school, sp, pupil = school_world
    first = factory.case(pupil.id, school.id, sp.id)
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    data, _plain, _other = _form(factory, m)
    data["csrf_token"] = _csrf(client, url)
    # both checks ran before the colleague's case was written: only the unique index sees it
    monkeypatch.setattr(case_selectors, "open_case_of", lambda *args: None)
    monkeypatch.setattr(opening, "open_case_of", lambda *args: None)
    response = client.post(url, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    monkeypatch.undo()
    page = client.get(url).text
    assert "A colleague opened a case for this pupil at the same moment." in page
    assert f"/cases/{first.id}" in page
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Case.id))) == 1


def test_retired_risk_factors_stay_on_the_case_but_cannot_be_picked_anew(app, client, factory, school_world):
    """A municipality retires a group: cases that use it keep it, new picks are refused."""
    from caseflow.cases.taxonomy import RiskItem

    m, school, sp, pupil = school_world
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    data, plain, other = _form(factory, m)
    data["csrf_token"] = _csrf(client, url)
    case_id = int(client.post(url, data=data).headers["Location"].rstrip("/").split("/")[-1])
    with app.app_context():
        group = db.session.get(RiskItem, other).group
        group.is_active = False
        spare = db.session.scalar(select(RiskItem.id).where(
            RiskItem.group_id == group.id, RiskItem.id.not_in([plain, other])))
        assert spare is not None
        db.session.commit()
    edit_url = f"/cases/{case_id}/edit"
    page = client.get(edit_url)
    assert page.status_code == 200
    assert f'id="risk-{other}" checked' in page.text and f'id="risk-{plain}" checked' in page.text
    assert f'id="risk-{spare}"' not in page.text
    data.update(csrf_token=_csrf(client, edit_url), summary="Still Mondays")
    assert client.post(edit_url, data=data).status_code == 302
    data.update(risks=[str(plain), str(other), str(spare)], csrf_token=_csrf(client, edit_url))
    refused = client.post(edit_url, data=data)
    assert refused.status_code == 200 and "Choose risk factors from the list." in refused.text
    with app.app_context():
        assert {f.item_id for f in db.session.get(Case, case_id).risk_factors} == {plain, other}


def test_a_refusal_about_the_pupil_stands_above_the_form_not_under_a_field(
        app, client, factory, school_world, monkeypatch):
    from caseflow.cases.services import opening

    def refuse(**_kwargs):
        raise opening.CaseError("pupil", "The pupil is not enrolled at your school today.")

    m, school, sp, pupil = school_world
    factory.login(client, sp)
    url = f"/cases/new/{pupil.id}"
    data, _plain, _other = _form(factory, m)
    data["csrf_token"] = _csrf(client, url)
    monkeypatch.setattr(opening, "open_case", refuse)
    page = client.post(url, data=data)
    assert page.status_code == 200
    summary = page.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "<li>The pupil is not enrolled at your school today.</li>" in summary
    assert 'id="categories-error"' not in page.text
