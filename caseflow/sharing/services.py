"""Add an institution to a case, share a case with the pupil's declared municipality, and end either.
Every rule is checked before anything is written; each step is audited and notified."""
from __future__ import annotations

import json

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from caseflow.access import Actor, Permission, can
from caseflow.access.permissions import Role
from caseflow.actions.models import Notice
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.crypto import seal
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.notify.services import queue_email
from caseflow.people.models import SCHOOL_KINDS, Institution, InstitutionKind, Membership, User
from caseflow.sharing.models import CaseParticipant, ParticipantWhy

#: the institutions a case is shared with across municipalities
SHARE_KINDS = frozenset({InstitutionKind.SOCIAL_SERVICE, InstitutionKind.ORPHANS_COURT})
#: notice kinds of this module (the message carries no child data)
NOTICE_KINDS = ("case_participant_added", "case_shared", "case_participation_ended")


class SharingError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def notice_text(kind: str, params: str | None = None) -> str:
    """A notice's message in the current language (no child data, only what happened)."""
    if kind == "case_participant_added":
        return _("Your institution was added as a participant of a case.")
    if kind == "case_shared":
        return _("A case was shared with your institution.")
    return _("Your institution no longer takes part in a case.")


def _reason(value: str | None) -> str | None:
    value = (value or "").strip()
    if len(value) > MAX_TEXT:
        raise SharingError("reason", _l("The text is too long."))
    return value or None


def _common_checks(actor: Actor, case: Case, field: str) -> None:
    if case.is_closed:
        raise SharingError(field, _l("A closed case cannot be changed. Reopen it first."))
    if not can(actor, Permission.CASE_SHARE, case) or case.municipality_id != actor.municipality_id:
        raise SharingError(field, _l("Only the coordinator of the case's municipality adds institutions "
                                     "to the case or shares it."))


def _institution(institution_id: int | None, field: str) -> Institution:
    institution = db.session.get(Institution, institution_id) if institution_id else None
    if institution is None or not institution.is_active_on(local_today()):
        raise SharingError(field, _l("Choose an institution from the list."))
    return institution


def _not_yet(case: Case, institution: Institution, field: str) -> None:
    active = db.session.scalar(select(CaseParticipant.id).where(
        CaseParticipant.case_id == case.id, CaseParticipant.institution_id == institution.id,
        CaseParticipant.ended_at.is_(None)))
    if active is not None:
        raise SharingError(field, _l("%(name)s already takes part in the case.", name=institution.name))


def add_participant(*, actor: Actor, case: Case, institution_id: int | None,
                    reason: str | None) -> CaseParticipant:
    """The case's coordinator adds an institution of the case's municipality (not a school)."""
    field = "institution_id"
    _common_checks(actor, case, field)
    institution = _institution(institution_id, field)
    if institution.kind in SCHOOL_KINDS:
        raise SharingError(field, _l("A school cannot be added to a case. Choose the social service, the "
                                     "orphans' court, the police, the education board or another "
                                     "institution."))
    if institution.municipality_id != case.municipality_id:
        raise SharingError(field, _l("Choose an institution of the case's municipality. A case is shared "
                                     "with another municipality only with its social service or orphans' "
                                     "court."))
    _not_yet(case, institution, field)
    return _create(actor, case, institution, ParticipantWhy.ADDED_BY_COORDINATOR, _reason(reason))


def share_case(*, actor: Actor, case: Case, institution_id: int | None,
               reason: str | None) -> CaseParticipant:
    """Share the case with the social service or orphans' court of the pupil's declared municipality."""
    field = "institution_id"
    _common_checks(actor, case, field)
    declared = case.pupil.declared_municipality
    if declared is None or declared.id == case.municipality_id:
        raise SharingError(field, _l("The pupil is not declared in another municipality: there is no "
                                     "municipality to share the case with."))
    institution = _institution(institution_id, field)
    if institution.kind not in SHARE_KINDS:
        raise SharingError(field, _l("A case is shared only with a social service or an orphans' court."))
    if institution.municipality_id == case.municipality_id:
        raise SharingError(field, _l("This institution belongs to the case's own municipality: add it as "
                                     "a participant instead."))
    if institution.municipality_id != declared.id:
        raise SharingError(field, _l("Choose the social service or orphans' court of %(municipality)s, "
                                     "where the pupil is declared.", municipality=declared.name))
    _not_yet(case, institution, field)
    return _create(actor, case, institution, ParticipantWhy.SHARED, _reason(reason))


def _create(actor: Actor, case: Case, institution: Institution, why: ParticipantWhy,
            reason: str | None) -> CaseParticipant:
    participant = CaseParticipant(case_id=case.id, institution_id=institution.id, why=why, since=utcnow(),
                                  added_by_id=actor.user_id)
    db.session.add(participant)
    db.session.flush()
    seal(participant, "reason", reason, scope=f"pupil:{case.pupil_id}")
    shared = why is ParticipantWhy.SHARED
    record_event(case, "case_shared" if shared else "participant_added", actor=actor,
                 detail={"participant_id": participant.id, "institution_id": institution.id})
    db.session.flush()
    audit.record("case.share" if shared else "case.participant_add", object_type="CaseParticipant",
                 object_id=participant.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "institution_id": institution.id, "why": str(why),
                         "fields": ["reason"] if reason else []})
    kind = "case_shared" if shared else "case_participant_added"
    coordinators = [institution.municipality_id] if shared else []
    _notify(_recipients(institution, coordinators_of=coordinators, skip=actor.user_id), kind, case_id=case.id)
    return participant


def end_participation(*, actor: Actor, case: Case, participant: CaseParticipant) -> None:
    """End a participation: the case's coordinator ends any; a share also the receiving coordinator."""
    field = "participant"
    if participant.case_id != case.id or participant.ended_at is not None:
        raise SharingError(field, _l("This institution no longer takes part in the case."))
    institution = participant.institution
    shared = participant.why == ParticipantWhy.SHARED
    own_side = case.municipality_id == actor.municipality_id
    other_side = shared and institution.municipality_id == actor.municipality_id
    if not can(actor, Permission.CASE_SHARE, case) or not (own_side or other_side):
        raise SharingError(field, _l("Only the coordinator of the case's municipality (or, for a shared "
                                     "case, of the receiving municipality) ends a participation."))
    participant.ended_at, participant.ended_by_id = utcnow(), actor.user_id
    record_event(case, "participation_ended", actor=actor,
                 detail={"participant_id": participant.id, "institution_id": institution.id})
    db.session.flush()
    audit.record("case.share_end" if shared else "case.participant_end", object_type="CaseParticipant",
                 object_id=participant.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "institution_id": institution.id, "why": participant.why})
    # a share's end is told to both sides' coordinators
    coordinators = [institution.municipality_id, case.municipality_id] if shared else []
    _notify(_recipients(institution, coordinators_of=coordinators, skip=actor.user_id), "case_participation_ended")


def _recipients(institution: Institution, *, coordinators_of: list[int], skip: int) -> list[User]:
    """Active people of the institution today, and the coordinators of the municipalities given."""
    today = local_today()
    who = Membership.institution_id == institution.id
    if coordinators_of:
        in_municipality = select(Institution.id).where(Institution.municipality_id.in_(coordinators_of))
        who = or_(who, Membership.institution_id.in_(in_municipality) & (Membership.role == str(Role.COORDINATOR)))
    members = select(Membership.user_id).where(
        who, or_(Membership.valid_from.is_(None), Membership.valid_from <= today),
        or_(Membership.valid_to.is_(None), Membership.valid_to >= today))
    return list(db.session.scalars(select(User).where(
        User.id.in_(members), User.is_active_account.is_(True), User.id != skip).order_by(User.id)))


def _notify(people: list[User], kind: str, *, case_id: int | None = None) -> None:
    """A notice and an e-mail to each person: what happened and a link, never the child's data."""
    path = current_app.url_map.bind("").build("cases.view", {"case_id": case_id}) if case_id else None
    base = current_app.config["BASE_URL"].rstrip("/")
    for user in people:
        db.session.add(Notice(user_id=user.id, kind=kind, params=json.dumps({}), link=path))
        with force_locale(user.locale):
            message = notice_text(kind)
            subject = _("caseflow: a case was shared with your institution") if path else \
                _("caseflow: a case is no longer shared with your institution")
            body = _("%(message)s\n\nOpen it in caseflow:\n%(link)s", message=message, link=base + path) \
                if path else message + "\n"
        queue_email(to=user.email, subject=subject, body=body, user_id=user.id)
