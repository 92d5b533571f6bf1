"""Municipal settings and the school calendar (school years and semesters)."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from caseflow.audit import services as audit
from caseflow.core.i18n import format_date_lv
from caseflow.extensions import db
from caseflow.people.admin.services import Errors, apply, flush
from caseflow.people.calendar import Semester, school_year_bounds, school_year_span
from caseflow.people.models import Municipality, MunicipalSetting
from caseflow.people.settings import SETTINGS, SettingError, all_settings, encode


def update_settings(municipality: Municipality, values: dict[str, Any]) -> list[str]:
    """Store the municipality's settings; a value equal to the default is stored as no value."""
    errors = Errors()
    clean: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.key not in values:
            continue
        try:
            clean[setting.key] = setting.clean(values[setting.key])
        except SettingError as exc:
            errors.add(setting.key, str(exc))
    errors.raise_if_any()
    current = all_settings(municipality.id)
    rows = {row.key: row for row in db.session.scalars(select(MunicipalSetting).where(
        MunicipalSetting.municipality_id == municipality.id))}
    changed = []
    for setting in SETTINGS:
        if setting.key not in clean:
            continue
        value, row = clean[setting.key], rows.get(setting.key)
        if value == setting.default:
            if row is not None:
                db.session.delete(row)
        elif row is None:
            db.session.add(MunicipalSetting(municipality_id=municipality.id, key=setting.key,
                                            value=encode(value)))
        elif row.value != encode(value):
            row.value = encode(value)
        if value != current[setting.key]:
            changed.append(setting.key)
    if changed:
        db.session.flush()
        audit.record("admin.settings_updated", object_type="Municipality", object_id=municipality.id,
                     detail={"fields": sorted(changed)})
    return sorted(changed)


# --- semesters ----------------------------------------------------------------------------------

def _semester_values(values: dict) -> dict:
    return {"school_year": (values.get("school_year") or "").strip().replace(" ", ""),
            "number": values.get("number"), "starts_on": values.get("starts_on"),
            "ends_on": values.get("ends_on")}


def _check_semester(municipality_id: int, values: dict, current: Semester | None) -> None:
    errors = Errors()
    bounds = school_year_bounds(values["school_year"])
    if bounds is None:
        errors.add("school_year", _("Write the school year as two consecutive years, e.g. 2025/2026."))
    if values["number"] not in (1, 2):
        errors.add("number", _("Choose semester 1 or 2."))
    starts, ends = values["starts_on"], values["ends_on"]
    if not starts:
        errors.add("starts_on", _("Enter the first day."))
    if not ends:
        errors.add("ends_on", _("Enter the last day."))
    if starts and ends and ends <= starts:
        errors.add("ends_on", _("The last day must be after the first day."))
    if bounds:
        first, last = school_year_span(values["school_year"])
        span = {"year": values["school_year"], "start": format_date_lv(first), "end": format_date_lv(last)}
        if starts and not first <= starts <= last:
            errors.add("starts_on", _("The first day must fall within the school year %(year)s "
                                      "(%(start)s–%(end)s).", **span))
        if ends and not first <= ends <= last:
            errors.add("ends_on", _("The last day must fall within the school year %(year)s "
                                    "(%(start)s–%(end)s).", **span))
    if errors:
        errors.raise_if_any()
    others = db.session.scalars(select(Semester).where(
        Semester.municipality_id == municipality_id,
        Semester.id != (current.id if current else -1))).all()
    for other in others:
        if other.school_year == values["school_year"] and other.number == values["number"]:
            errors.add("number", _("Semester %(number)s of %(year)s already exists.",
                                   number=other.number, year=other.school_year))
        elif starts <= other.ends_on and other.starts_on <= ends:
            errors.add("starts_on", _("These dates overlap semester %(number)s of %(year)s "
                                      "(%(start)s–%(end)s).", number=other.number,
                                      year=other.school_year, start=format_date_lv(other.starts_on),
                                      end=format_date_lv(other.ends_on)))
        elif other.school_year == values["school_year"] and (
                (other.number < values["number"] and other.starts_on > starts)
                or (other.number > values["number"] and other.starts_on < starts)):
            errors.add("number", _("Semester 1 must come before semester 2 of the same school year."))
    errors.raise_if_any()


def create_semester(municipality: Municipality, **values) -> Semester:
    """Add a semester to a municipality's calendar."""
    values = _semester_values(values)
    _check_semester(municipality.id, values, None)
    semester = Semester(municipality_id=municipality.id, **values)
    db.session.add(semester)
    flush(on_conflict=("number", _("This semester already exists.")))
    audit.record("admin.semester_created", object_type="Semester", object_id=semester.id,
                 detail={"municipality_id": municipality.id, "fields": sorted(values)})
    return semester


def update_semester(semester: Semester, **values) -> list[str]:
    """Change a semester's year, number or dates; returns the changed field names."""
    values = _semester_values(values)
    _check_semester(semester.municipality_id, values, semester)
    changed = apply(semester, values)
    if changed:
        flush(on_conflict=("number", _("This semester already exists.")))
        audit.record("admin.semester_updated", object_type="Semester", object_id=semester.id,
                     detail={"fields": changed})
    return changed
