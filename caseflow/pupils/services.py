"""Changes to the pupil registry. Every rule is checked before anything is written, so a refusal
leaves nothing behind; each change is audited with field names only, never values."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from caseflow.access import Actor, Permission, can, rls
from caseflow.access.permissions import MUNICIPAL_ROLES
from caseflow.audit import services as audit
from caseflow.crypto import blind_index, seal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.models import Institution, Municipality
from caseflow.pupils import selectors
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import PersonalCode, PersonalCodeError, parse

CODE_PURPOSE = "personal_code"


class RegistryError(ValueError):
    """A change was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


class DuplicateCode(RegistryError):
    """The personal code belongs to a pupil already in the registry."""

    def __init__(self, existing_id: int, visible: bool, *, coordinator: bool = False):
        if visible:
            message = _l("This pupil is already in the registry.")
        elif coordinator:
            message = _l("A pupil with this personal code is already in the registry, but they are "
                         "neither declared nor enrolled in your municipality.")
        else:
            message = _l("A pupil with this personal code is already in the registry. The municipality's "
                         "coordinator can add an enrolment at your school for them.")
        super().__init__("personal_code", message)
        #: the pupil's id, to link to, only when the actor may see them
        self.existing_id = existing_id if visible else None


# --- checks (read only) --------------------------------------------------------------------------

def _code(raw: str) -> PersonalCode:
    try:
        return parse(raw)
    except PersonalCodeError as exc:
        raise RegistryError("personal_code", exc.message) from None


def _check_unique(actor: Actor, code: PersonalCode, *, except_id: int | None = None) -> str:
    """Return the code's blind index, or refuse when another pupil has the code."""
    index = blind_index(code.value, purpose=CODE_PURPOSE)
    # the whole registry (row security would hide another municipality's pupil): only the id comes back
    existing_id = rls.pupil_id_by_code(db.session, index)
    if existing_id is not None and existing_id != except_id:
        existing = db.session.get(Pupil, existing_id)
        visible = existing is not None and can(actor, Permission.PUPIL_VIEW, existing)
        raise DuplicateCode(existing_id, visible, coordinator=actor.role in MUNICIPAL_ROLES)
    return index


def _check_details(*, birth_date: date, code: PersonalCode, declared_municipality_id: int | None) -> None:
    if birth_date > local_today():
        raise RegistryError("birth_date", _l("The birth date cannot be in the future."))
    if code.birth_date is not None and code.birth_date != birth_date:
        raise RegistryError("birth_date", _l("The birth date must match the date in the personal code."))
    if declared_municipality_id is not None and db.session.get(Municipality, declared_municipality_id) is None:
        raise RegistryError("declared_municipality_id", _l("Choose a municipality from the list."))


def _check_school(actor: Actor, school_id: int | None) -> Institution:
    """The school, if it exists and the actor may enrol pupils there."""
    school = db.session.get(Institution, school_id) if school_id is not None else None
    if school is None or not school.is_school:
        raise RegistryError("school_id", _l("Choose a school from the list; this one is not a known school."))
    if school.id not in {s.id for s in selectors.enrolment_schools(actor)}:
        raise RegistryError("school_id", _l("You cannot enrol pupils at this school: it is outside "
                                            "your institution or municipality."))
    return school


def _check_enrolment(actor: Actor, *, pupil: Pupil | None, birth_date: date | None, school_id: int | None,
                     class_name: str, start_date: date) -> Institution:
    school = _check_school(actor, school_id)
    if not class_name or not class_name.strip():
        raise RegistryError("class_name", _l("This field is required."))
    if birth_date is not None and start_date < birth_date:
        raise RegistryError("start_date", _l("The enrolment cannot begin before the birth date."))
    for other in pupil.enrolments if pupil is not None else ():
        if other.school_id == school.id and (other.end_date is None or other.end_date >= start_date):
            raise RegistryError("start_date", _l("The pupil is already enrolled at this school on that "
                                                 "date; end that enrolment first."))
    return school


def _grade(class_name: str) -> int | None:
    """The grade a class name starts with ("7.b" → 7), when it is 0–12."""
    digits = ""
    for ch in class_name:
        if not ch.isascii() or not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits and int(digits) <= 12 else None


def _set_code(pupil: Pupil, code: PersonalCode, index: str) -> None:
    seal(pupil, "personal_code", code.value, scope=f"pupil:{pupil.id}")
    pupil.personal_code_index = index


# --- changes ------------------------------------------------------------------------------------

def create_pupil(*, actor: Actor, first_name: str, last_name: str, birth_date: date, personal_code: str,
                 declared_municipality_id: int | None, school_id: int | None, class_name: str,
                 start_date: date) -> Pupil:
    """Add a pupil with their current enrolment; the code is stored encrypted and as blind index."""
    code = _code(personal_code)
    _check_details(birth_date=birth_date, code=code, declared_municipality_id=declared_municipality_id)
    if start_date > local_today():
        raise RegistryError("start_date", _l("The enrolment start cannot be in the future."))
    school = _check_enrolment(actor, pupil=None, birth_date=birth_date, school_id=school_id,
                              class_name=class_name, start_date=start_date)
    index = _check_unique(actor, code)

    pupil = Pupil(first_name=first_name.strip(), last_name=last_name.strip(), birth_date=birth_date,
                  declared_municipality_id=declared_municipality_id,
                  created_by_institution_id=actor.institution_id)
    db.session.add(pupil)
    db.session.flush()
    _set_code(pupil, code, index)
    enrolment = Enrolment(pupil=pupil, school_id=school.id, class_name=class_name.strip(),
                          grade=_grade(class_name), start_date=start_date)
    db.session.add(enrolment)
    db.session.flush()
    audit.record("pupil.create", object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id,
                 detail={"enrolment_id": enrolment.id})
    return pupil


def update_pupil(*, actor: Actor, pupil: Pupil, first_name: str, last_name: str, birth_date: date,
                 personal_code: str, declared_municipality_id: int | None) -> list[str]:
    """Change a pupil's details; returns the names of the fields that changed (audited)."""
    code = _code(personal_code)
    _check_details(birth_date=birth_date, code=code, declared_municipality_id=declared_municipality_id)
    code_changed = code.value != selectors.personal_code_of(pupil)
    index = _check_unique(actor, code, except_id=pupil.id) if code_changed else None

    new = {"first_name": first_name.strip(), "last_name": last_name.strip(), "birth_date": birth_date,
           "declared_municipality_id": declared_municipality_id}
    changed = [name for name, value in new.items() if getattr(pupil, name) != value]
    for name in changed:
        setattr(pupil, name, new[name])
    if code_changed:
        _set_code(pupil, code, index)
        changed.append("personal_code")
    if changed:
        db.session.flush()
        audit.record("pupil.update", object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id,
                     detail={"fields": changed})
    return changed


def add_enrolment(*, actor: Actor, pupil: Pupil, school_id: int | None, class_name: str,
                  start_date: date) -> Enrolment:
    """Enrol a pupil at a school in the actor's reach, in a class, from a date."""
    school = _check_enrolment(actor, pupil=pupil, birth_date=pupil.birth_date, school_id=school_id,
                              class_name=class_name, start_date=start_date)
    enrolment = Enrolment(pupil=pupil, school_id=school.id, class_name=class_name.strip(),
                          grade=_grade(class_name), start_date=start_date)
    db.session.add(enrolment)
    db.session.flush()
    audit.record("pupil.enrolment_add", object_type="Enrolment", object_id=enrolment.id,
                 pupil_id=pupil.id, detail={"fields": ["school_id", "class_name", "start_date"]})
    return enrolment


def end_enrolment(*, actor: Actor, pupil: Pupil, enrolment: Enrolment, end_date: date) -> None:
    """End an enrolment at a school in the actor's reach on a date not before it began."""
    if enrolment.pupil_id != pupil.id:
        raise RegistryError("end_date", _l("This enrolment belongs to another pupil."))
    if enrolment.end_date is not None:
        raise RegistryError("end_date", _l("This enrolment has already ended."))
    if enrolment.school_id not in {s.id for s in selectors.enrolment_schools(actor, closed_too=True)}:
        raise RegistryError("end_date", _l("Only the school itself or the municipality's coordinator "
                                           "can end this enrolment."))
    if end_date < enrolment.start_date:
        raise RegistryError("end_date", _l("The end date cannot be before the enrolment began."))
    enrolment.end_date = end_date
    db.session.flush()
    audit.record("pupil.enrolment_end", object_type="Enrolment", object_id=enrolment.id,
                 pupil_id=pupil.id, detail={"fields": ["end_date"]})
