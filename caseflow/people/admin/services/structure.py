"""Municipalities and institutions."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, select

from caseflow.audit import services as audit
from caseflow.core.templating import role_label
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.admin.services import Errors, apply, flush
from caseflow.people.admin.services.accounts import role_fits_kind
from caseflow.people.models import Institution, InstitutionKind, Membership, Municipality, Ownership

INSTITUTION_FIELDS = ("municipality_id", "name", "kind", "ownership", "registration_number", "email",
                      "opened_on", "closed_on", "merged_on", "merged_into_id")


# --- municipalities -----------------------------------------------------------------------------

def _municipality_values(name: str, code: str) -> dict:
    return {"name": (name or "").strip(), "code": (code or "").strip().lower()}


def _check_municipality(values: dict, current: Municipality | None) -> None:
    errors = Errors()
    other = Municipality.id != (current.id if current else -1)
    if db.session.scalar(select(Municipality.id).where(
            func.lower(Municipality.name) == values["name"].lower(), other)):
        errors.add("name", _("Another municipality already has this name."))
    if db.session.scalar(select(Municipality.id).where(Municipality.code == values["code"], other)):
        errors.add("code", _("Another municipality already has this code."))
    errors.raise_if_any()


def create_municipality(*, name: str, code: str) -> Municipality:
    """Add a municipality."""
    values = _municipality_values(name, code)
    _check_municipality(values, None)
    municipality = Municipality(**values)
    db.session.add(municipality)
    flush(on_conflict=("code", _("Another municipality already has this code.")))
    audit.record("admin.municipality_created", object_type="Municipality", object_id=municipality.id,
                 detail={"fields": sorted(values)})
    return municipality


def update_municipality(municipality: Municipality, *, name: str, code: str) -> list[str]:
    """Rename a municipality or change its code; returns the changed field names."""
    values = _municipality_values(name, code)
    _check_municipality(values, municipality)
    changed = apply(municipality, values)
    if changed:
        flush(on_conflict=("code", _("Another municipality already has this code.")))
        audit.record("admin.municipality_updated", object_type="Municipality",
                     object_id=municipality.id, detail={"fields": changed})
    return changed


# --- institutions -------------------------------------------------------------------------------

def _institution_values(values: dict) -> dict:
    clean = {name: values.get(name) for name in INSTITUTION_FIELDS}
    for name in ("name", "registration_number", "email"):
        text = (clean[name] or "").strip()
        clean[name] = text or None
    return clean


def _merge_errors(errors: Errors, current: Institution | None, target_id: int | None,
                  merged_on: date | None) -> None:
    if merged_on and not target_id:
        errors.add("merged_into_id", _("Choose the institution it was merged into."))
    if target_id and not merged_on:
        errors.add("merged_on", _("Enter the date of the merger."))
    if not target_id:
        return
    if current is not None and target_id == current.id:
        errors.add("merged_into_id", _("An institution cannot be merged into itself."))
        return
    target = db.session.get(Institution, target_id)
    if target is None:
        errors.add("merged_into_id", _("Choose an existing institution."))
        return
    seen = set()
    while current is not None and target is not None and target.id not in seen:
        if target.merged_into_id == current.id:
            errors.add("merged_into_id", _("That institution was itself merged into this one."))
            return
        seen.add(target.id)
        target = target.merged_into


def _check_institution(values: dict, current: Institution | None) -> None:
    errors = Errors()
    if not values["name"]:
        errors.add("name", pgettext("entity", "Enter the name."))
    if db.session.get(Municipality, values["municipality_id"] or 0) is None:
        errors.add("municipality_id", _("Choose a municipality."))
    if values["kind"] not in set(InstitutionKind):
        errors.add("kind", _("Choose the kind of institution."))
    if values["ownership"] not in set(Ownership):
        errors.add("ownership", _("Choose who founded the institution."))
    number = values["registration_number"]
    if number and db.session.scalar(select(Institution.id).where(
            Institution.registration_number == number,
            Institution.id != (current.id if current else -1))):
        errors.add("registration_number", _("Another institution already has this registration number."))
    opened, closed, merged = values["opened_on"], values["closed_on"], values["merged_on"]
    if opened and closed and closed < opened:
        errors.add("closed_on", _("The closing date is before the opening date."))
    if opened and merged and merged < opened:
        errors.add("merged_on", _("The merger date is before the opening date."))
    _merge_errors(errors, current, values["merged_into_id"], merged)
    if current is not None and values["kind"] != current.kind and "kind" not in errors:
        _kind_errors(errors, current, values["kind"])
    errors.raise_if_any()


def _kind_errors(errors: Errors, institution: Institution, kind: str) -> None:
    """A kind change must not leave current roles at the institution that do not fit it."""
    today = local_today()
    rows = db.session.scalars(select(Membership).where(Membership.institution_id == institution.id))
    misfits = sorted({m.role for m in rows
                      if (m.valid_to is None or m.valid_to >= today) and not role_fits_kind(m.role, kind)})
    if misfits:
        errors.add("kind", _("People hold roles here that do not fit this kind: %(roles)s. "
                             "End those roles first.",
                             roles=", ".join(role_label(r) for r in misfits)))


def create_institution(**values) -> Institution:
    """Add an institution (every field of Institution, validated together)."""
    values = _institution_values(values)
    _check_institution(values, None)
    institution = Institution(**values)
    db.session.add(institution)
    flush(on_conflict=("registration_number",
                       _("Another institution already has this registration number.")))
    audit.record("admin.institution_created", object_type="Institution", object_id=institution.id,
                 detail={"fields": sorted(k for k, v in values.items() if v is not None)})
    return institution


def update_institution(institution: Institution, **values) -> list[str]:
    """Change an institution; returns the changed field names."""
    values = _institution_values(values)
    _check_institution(values, institution)
    changed = apply(institution, values)
    if changed:
        flush(on_conflict=("registration_number",
                           _("Another institution already has this registration number.")))
        audit.record("admin.institution_updated", object_type="Institution",
                     object_id=institution.id, detail={"fields": changed})
    return changed
