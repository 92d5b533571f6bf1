"""Change the people on a case: parties (contact details stored only encrypted), whether the case
concerns the whole family, and the case team. Every rule is checked before anything is written."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from caseflow.access import Actor, Permission, Role, can
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case, CaseParty, CaseTeamMember, PartyKind
from caseflow.crypto import DecryptionError, seal, unseal
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.people.models import Membership, User

MAX_NAME = 200
MAX_PHONE = 40
MAX_ADDRESS = 500
MAX_TASK = 200
#: roles of the school's support team that may join a case team (not teachers)
TEAM_ROLES = (Role.SOCIAL_PEDAGOGUE, Role.SUPPORT_SPECIALIST, Role.SCHOOL_HEAD)
#: one @, no spaces, a dot in the domain: enough to catch typing mistakes
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
#: digits with an optional leading +, spaces, dashes and brackets
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,}$")
CONTACT_FIELDS = ("phone", "email", "address")


class PeopleError(ValueError):
    """A change was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


@dataclass(frozen=True)
class PartyDetails:
    """A party as the form gives it (empty strings for contact details not given)."""

    kind: str
    full_name: str
    is_legal_representative: bool
    phone: str
    email: str
    address: str

    def contact(self) -> dict[str, str]:
        """The contact details that were given."""
        return {name: getattr(self, name).strip() for name in CONTACT_FIELDS if getattr(self, name).strip()}


def contact_of(party: CaseParty) -> dict[str, str] | None:
    """A party's decrypted contact details ({} when none; None when they cannot be decrypted)."""
    try:
        raw = unseal(party, "contact")
    except DecryptionError:
        return None
    return json.loads(raw) if raw else {}


def team_candidates(case: Case) -> list[tuple[int, str]]:
    """Colleagues who may join the case team: the school's support team today, not on it already."""
    today = local_today()
    on_team = select(CaseTeamMember.user_id).where(CaseTeamMember.case_id == case.id,
                                                   CaseTeamMember.removed_at.is_(None))
    rows = db.session.execute(
        select(User.id, User.full_name).join(Membership, Membership.user_id == User.id).where(
            Membership.institution_id == case.school_id, Membership.role.in_([str(r) for r in TEAM_ROLES]),
            or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
            or_(Membership.valid_to.is_(None), Membership.valid_to >= today),
            User.is_active_account.is_(True), User.id.not_in(on_team))
        .distinct().order_by(User.full_name, User.id))
    return [(user_id, name) for user_id, name in rows]


def _check_case(actor: Actor, case: Case, field: str) -> None:
    if case.is_closed:
        raise PeopleError(field, _l("A closed case cannot be changed. Reopen it first."))
    if not can(actor, Permission.CASE_EDIT, case):
        raise PeopleError(field, _l("You cannot change this case."))


def _check_party(details: PartyDetails) -> None:
    if details.kind not in set(PartyKind):
        raise PeopleError("kind", _l("Choose from the list."))
    name = details.full_name.strip()
    if not name:
        raise PeopleError("full_name", _l("Write the person's full name."))
    if len(name) > MAX_NAME:
        raise PeopleError("full_name", _l("Write at most %(max)d characters.", max=MAX_NAME))
    phone, email, address = details.phone.strip(), details.email.strip(), details.address.strip()
    if phone and (len(phone) > MAX_PHONE or not PHONE.match(phone)):
        raise PeopleError("phone", _l("Write the phone number with digits, e.g. +371 20000000."))
    if email and (len(email) > MAX_NAME or not EMAIL.match(email)):
        raise PeopleError("email", _l("Write the e-mail address as name@example.lv."))
    if len(address) > MAX_ADDRESS:
        raise PeopleError("address", _l("Write at most %(max)d characters.", max=MAX_ADDRESS))


def _seal_contact(party: CaseParty, contact: dict[str, str], case: Case) -> None:
    seal(party, "contact", json.dumps(contact, ensure_ascii=False, sort_keys=True) if contact else None,
         scope=f"pupil:{case.pupil_id}")


def _party_of(case: Case, party: CaseParty) -> None:
    if party.case_id != case.id or party.removed_at is not None:
        raise PeopleError("full_name", _l("This person is not a party of the case."))


def add_party(*, actor: Actor, case: Case, details: PartyDetails) -> CaseParty:
    """Add a parent, legal representative or other person the case concerns."""
    _check_case(actor, case, "full_name")
    _check_party(details)
    party = CaseParty(case_id=case.id, kind=details.kind, full_name=details.full_name.strip(),
                      is_legal_representative=details.is_legal_representative, added_at=utcnow())
    db.session.add(party)
    db.session.flush()
    _seal_contact(party, details.contact(), case)
    record_event(case, "party_added", actor=actor, detail={"party_id": party.id})
    db.session.flush()
    audit.record("case.party_add", object_type="CaseParty", object_id=party.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "fields": ["kind", "full_name", "is_legal_representative",
                                                        *sorted(details.contact())]})
    return party


def update_party(*, actor: Actor, case: Case, party: CaseParty, details: PartyDetails) -> list[str]:
    """Change a party; return the names of the fields that changed."""
    _check_case(actor, case, "full_name")
    _party_of(case, party)
    _check_party(details)
    new = {"kind": details.kind, "full_name": details.full_name.strip(),
           "is_legal_representative": details.is_legal_representative}
    changed = [name for name, value in new.items() if getattr(party, name) != value]
    old_contact = contact_of(party)
    contact = details.contact()
    changed_contact = [name for name in CONTACT_FIELDS
                       if old_contact is None or old_contact.get(name) != contact.get(name)]
    if not changed and not changed_contact:
        return []
    for name in changed:
        setattr(party, name, new[name])
    if changed_contact:
        _seal_contact(party, contact, case)
    record_event(case, "party_changed", actor=actor, detail={"party_id": party.id})
    db.session.flush()
    audit.record("case.party_update", object_type="CaseParty", object_id=party.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "fields": changed + changed_contact})
    return changed + changed_contact


def remove_party(*, actor: Actor, case: Case, party: CaseParty) -> None:
    """Take a party off the case (the row stays for the timeline)."""
    _check_case(actor, case, "full_name")
    _party_of(case, party)
    party.removed_at = utcnow()
    record_event(case, "party_removed", actor=actor, detail={"party_id": party.id})
    db.session.flush()
    audit.record("case.party_remove", object_type="CaseParty", object_id=party.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id})


def set_concerns_family(*, actor: Actor, case: Case, concerns_family: bool) -> bool:
    """Say whether the case concerns the whole family; return whether that changed."""
    _check_case(actor, case, "concerns_family")
    if case.concerns_family == concerns_family:
        return False
    case.concerns_family = concerns_family
    record_event(case, "family_changed", actor=actor, detail={"concerns_family": concerns_family})
    db.session.flush()
    audit.record("case.family_change", object_type="Case", object_id=case.id, pupil_id=case.pupil_id,
                 detail={"fields": ["concerns_family"]})
    return True


def add_team_member(*, actor: Actor, case: Case, user_id: int | None, task: str | None) -> CaseTeamMember:
    """Put a colleague of the school's support team on the case (a removed member comes back)."""
    _check_case(actor, case, "user_id")
    existing = db.session.scalar(select(CaseTeamMember).where(
        CaseTeamMember.case_id == case.id, CaseTeamMember.user_id == user_id))
    if existing is not None and existing.removed_at is None:
        raise PeopleError("user_id", _l("This colleague is already on the case team."))
    if user_id not in {uid for uid, _name in team_candidates(case)}:
        raise PeopleError("user_id", _l("Choose a colleague of the school's support team from the list."))
    task = (task or "").strip() or None
    if task and len(task) > MAX_TASK:
        raise PeopleError("task", _l("Write at most %(max)d characters.", max=MAX_TASK))
    now = utcnow()
    if existing is None:
        member = CaseTeamMember(case_id=case.id, user_id=user_id, task=task, added_at=now,
                                added_by_id=actor.user_id)
        try:
            with db.session.begin_nested():  # the same colleague sent twice at once: one row wins
                db.session.add(member)
        except IntegrityError:
            raise PeopleError("user_id", _l("This colleague is already on the case team.")) from None
    else:
        member = existing
        member.task, member.added_at, member.added_by_id, member.removed_at = task, now, actor.user_id, None
        db.session.flush()
    record_event(case, "team_added", actor=actor, detail={"member_id": member.id, "user_id": user_id})
    db.session.flush()
    audit.record("case.team_add", object_type="CaseTeamMember", object_id=member.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "user_id": user_id, "rejoined": existing is not None})
    return member


def remove_team_member(*, actor: Actor, case: Case, member: CaseTeamMember) -> None:
    """Take a colleague off the case team; from their next request they no longer see the case."""
    _check_case(actor, case, "user_id")
    if member.case_id != case.id or member.removed_at is not None:
        raise PeopleError("user_id", _l("This colleague is not on the case team."))
    member.removed_at = utcnow()
    record_event(case, "team_removed", actor=actor, detail={"member_id": member.id, "user_id": member.user_id})
    db.session.flush()
    audit.record("case.team_remove", object_type="CaseTeamMember", object_id=member.id,
                 pupil_id=case.pupil_id, detail={"case_id": case.id, "user_id": member.user_id})
