"""Municipal settings (typed, with defaults) and the school calendar (semesters) as data."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from caseflow.extensions import db
from caseflow.people.calendar import Semester, school_year_bounds, school_year_span, semester_on
from caseflow.people.models import MunicipalSetting
from caseflow.people.settings import REGISTRY, SETTINGS, SettingError, all_settings, get_setting
from tests.people.test_admin_helpers import audit_actions, count, field_error, sign_in_admin


def _settings_form(**overrides) -> dict:
    form = {}
    for setting in SETTINGS:
        if setting.type == "bool":
            if setting.default:
                form[setting.key] = "y"
        else:
            form[setting.key] = str(setting.default)
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


# --- settings -----------------------------------------------------------------------------------

def test_the_registry_has_the_required_settings_with_their_defaults():
    assert {k: REGISTRY[k].default for k in ("unexcused_lessons_per_semester", "municipal_notification_lessons",
                                              "consecutive_absence_days", "annual_report_month")} == {
        "unexcused_lessons_per_semester": 20, "municipal_notification_lessons": 20,
        "consecutive_absence_days": 5, "annual_report_month": 12}
    assert {s.type for s in SETTINGS} == {"int", "bool", "choice", "text"}
    month = REGISTRY["annual_report_month"]
    assert month.clean("8") == 8
    for bad in ("0", "13", "x", True):
        with pytest.raises(SettingError):
            month.clean(bad)


def test_settings_default_until_set_and_come_back_typed(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    with app.app_context():
        assert get_setting(municipality.id, "unexcused_lessons_per_semester") == 20
        assert get_setting(municipality.id, "annual_report_month") == 12
        with pytest.raises(KeyError):
            get_setting(municipality.id, "no_such_setting")
    page = client.get(f"/admin/municipalities/{municipality.id}/settings").get_data(as_text=True)
    assert "Month of the annual report" in page and 'value="12"' in page

    response = client.post(f"/admin/municipalities/{municipality.id}/settings", data=_settings_form(
        annual_report_month="8", unexcused_lessons_per_semester=" 15", plan_every_semester=None,
        follow_up_supervisor="competent_institution", absence_notice_recipient="izglitiba@tukums.lv"))
    assert response.status_code == 302
    with app.app_context():
        values = all_settings(municipality.id)
        assert (values["annual_report_month"], values["unexcused_lessons_per_semester"],
                values["plan_every_semester"], values["follow_up_supervisor"],
                values["absence_notice_recipient"], values["consecutive_absence_days"]) == (
            8, 15, False, "competent_institution", "izglitiba@tukums.lv", 5)
        assert get_setting(municipality.id, "annual_report_month") == 8
        stored = set(db.session.scalars(select(MunicipalSetting.key).where(
            MunicipalSetting.municipality_id == municipality.id)))
    # Only values that differ from the default are stored.
    assert stored == {"annual_report_month", "unexcused_lessons_per_semester", "plan_every_semester",
                      "follow_up_supervisor", "absence_notice_recipient"}
    (action, object_type, object_id, detail), = [a for a in audit_actions(app)
                                                 if a[0] == "admin.settings_updated"]
    assert (object_type, object_id) == ("Municipality", municipality.id)
    assert detail["fields"] == sorted(stored)

    # Back to the default: the stored value goes away.
    client.post(f"/admin/municipalities/{municipality.id}/settings",
                data=_settings_form(unexcused_lessons_per_semester="20", annual_report_month="8"))
    with app.app_context():
        assert get_setting(municipality.id, "unexcused_lessons_per_semester") == 20
        assert count(app, MunicipalSetting, MunicipalSetting.key == "unexcused_lessons_per_semester") == 0


def test_out_of_range_setting_is_an_error_next_to_it_and_nothing_is_stored(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    url = f"/admin/municipalities/{municipality.id}/settings"
    response = client.post(url, data=_settings_form(annual_report_month="13", consecutive_absence_days="7"))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert field_error(page, "annual_report_month") == "Enter a number of at most 12."
    response = client.post(url, data=_settings_form(consecutive_absence_days="many"))
    assert field_error(response.get_data(as_text=True), "consecutive_absence_days") is not None
    assert count(app, MunicipalSetting) == 0


def test_an_unreadable_stored_value_means_the_default(app, factory):
    municipality = factory.municipality()
    with app.app_context():
        db.session.add_all([
            MunicipalSetting(municipality_id=municipality.id, key="annual_report_month", value="{oops"),
            MunicipalSetting(municipality_id=municipality.id, key="consecutive_absence_days", value="400"),
        ])
        db.session.commit()
        assert get_setting(municipality.id, "annual_report_month") == 12
        assert get_setting(municipality.id, "consecutive_absence_days") == 5


# --- semesters ----------------------------------------------------------------------------------

def _semester(**overrides) -> dict:
    form = {"school_year": "2025/2026", "number": "1", "starts_on": "2025-09-01", "ends_on": "2025-12-23"}
    form.update(overrides)
    return form


def test_school_year_format_and_span():
    assert school_year_bounds("2025/2026") == (2025, 2026)
    assert school_year_span("2025/2026") == (date(2025, 9, 1), date(2026, 8, 31))
    for bad in ("2025/2027", "2025-2026", "25/26", "", "2026/2025"):
        assert school_year_bounds(bad) is None


def test_admin_keeps_a_municipalitys_semesters(app, client, factory):
    municipality, other = factory.municipality(), factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    url = f"/admin/municipalities/{municipality.id}/semesters/new"
    assert client.post(url, data=_semester()).status_code == 302
    assert client.post(url, data=_semester(number="2", starts_on="2026-01-05",
                                           ends_on="2026-05-29")).status_code == 302
    # Another municipality's calendar is separate: the same dates do not collide.
    assert client.post(f"/admin/municipalities/{other.id}/semesters/new", data=_semester()).status_code == 302
    page = client.get(f"/admin/municipalities/{municipality.id}/semesters").get_data(as_text=True)
    assert "01.09.2025." in page and "29.05.2026." in page
    with app.app_context():
        assert str(semester_on(municipality.id, date(2026, 2, 10))) == "2025/2026 / 2"
        assert semester_on(municipality.id, date(2025, 12, 30)) is None
        first = db.session.scalar(select(Semester).where(Semester.municipality_id == municipality.id,
                                                         Semester.number == 1))
        first_id = first.id
    response = client.post(f"/admin/semesters/{first_id}", data=_semester(ends_on="2025-12-19"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Semester, first_id).ends_on == date(2025, 12, 19)
    assert ("admin.semester_updated", "Semester", first_id, {"fields": ["ends_on"]}) in audit_actions(app)


def test_semester_rules_are_errors_next_to_their_fields(app, client, factory):
    municipality = factory.municipality()
    sign_in_admin(factory, client, municipality_id=municipality.id)
    url = f"/admin/municipalities/{municipality.id}/semesters/new"
    assert client.post(url, data=_semester()).status_code == 302
    assert client.post(url, data=_semester(school_year="2026/2027", number="2", starts_on="2027-01-04",
                                           ends_on="2027-05-28")).status_code == 302
    cases = [
        (_semester(school_year="2025/2027", number="2"), "school_year",
         "Write the school year as two consecutive years, e.g. 2025/2026."),
        (_semester(number="2", starts_on="2026-05-01", ends_on="2026-01-10"), "ends_on",
         "The last day must be after the first day."),
        (_semester(number="2", starts_on="2025-12-01", ends_on="2026-05-29"), "starts_on",
         "These dates overlap semester 1 of 2025/2026 (01.09.2025.–23.12.2025.)."),
        (_semester(starts_on="2026-01-05", ends_on="2026-05-29"), "number",
         "Semester 1 of 2025/2026 already exists."),
        (_semester(school_year="2026/2027", starts_on="2027-06-01", ends_on="2027-08-20"), "number",
         "Semester 1 must come before semester 2 of the same school year."),
        (_semester(school_year="2026/2027", starts_on="2027-09-01", ends_on="2027-12-22"), "starts_on",
         "The first day must fall within the school year 2026/2027 (01.09.2026.–31.08.2027.)."),
    ]
    for form, field, message in cases:
        response = client.post(url, data=form)
        assert response.status_code == 200
        assert field_error(response.get_data(as_text=True), field) == message, form
    assert count(app, Semester) == 2
