"""Open a case and change what it is about: categories, how the risk was noticed, summary, lead,
risk factors. Every rule is checked before anything is written."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from caseflow.access import Actor, Permission, can
from caseflow.access.policy import CASE_OWNER_ROLES
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case, CaseEntry, CaseRiskFactor, CaseStatus
from caseflow.cases.selectors.cases import open_case_of, risk_description, summary_of
from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup, RiskItem
from caseflow.concerns.models import Concern, ConcernStatus
from caseflow.crypto import seal
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.people.models import Membership
from caseflow.pupils.models import Pupil

#: longest free text of a summary or a risk description
MAX_TEXT = 10_000


class CaseError(ValueError):
    """A change was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message, *, existing_id: int | None = None):
        super().__init__(str(message))
        self.field = field
        self.message = message
        #: the open case that is already there, when the actor may see it
        self.existing_id = existing_id


@dataclass(frozen=True)
class CaseDetails:
    """What a case is about, as the open and edit forms give it."""

    category_ids: tuple[int, ...]
    noticed_ids: tuple[int, ...]
    summary: str
    concerns_family: bool
    lead_user_id: int | None
    #: risk item id → description ("other" items require one)
    risks: dict[int, str | None]


def _check_entries(municipality_id: int, ids, kind: str, field: str, message, *, allowed_old=()):
    if not ids:
        raise CaseError(field, message)
    found = set(db.session.scalars(select(ListEntry.id).where(
        ListEntry.id.in_(list(ids)), ListEntry.municipality_id == municipality_id,
        ListEntry.kind == str(kind))).all())
    active = set(db.session.scalars(select(ListEntry.id).where(
        ListEntry.id.in_(list(ids)), ListEntry.is_active.is_(True))).all())
    if found != set(ids) or not set(ids) <= active | set(allowed_old):
        raise CaseError(field, _l("Choose from the list."))


def _check_risks(municipality_id: int, risks: dict[int, str | None], *, allowed_old=()) -> None:
    items = {i.id: i for i in db.session.scalars(select(RiskItem).join(RiskGroup).where(
        RiskItem.id.in_(list(risks)), RiskGroup.municipality_id == municipality_id)
        .options(contains_eager(RiskItem.group)))}
    retired = {i for i, item in items.items() if not (item.is_active and item.group.is_active)}
    if set(items) != set(risks) or not retired <= set(allowed_old):
        raise CaseError("risks", _l("Choose risk factors from the list."))
    for item_id, text in risks.items():
        if items[item_id].is_other and not (text or "").strip():
            raise CaseError(f"risk_other_{item_id}", _l("Describe the other risk factor."))
        if text and len(text) > MAX_TEXT:
            raise CaseError(f"risk_other_{item_id}",
                            _l("Write at most %(max)d characters.", max=MAX_TEXT))


def _check_details(municipality_id: int, school_id: int, details: CaseDetails, case: Case | None = None):
    old = {e.entry_id for e in case.entries} if case else set()
    _check_entries(municipality_id, details.category_ids, ListKind.CATEGORY, "categories",
                   _l("Choose at least one category."), allowed_old=old)
    _check_entries(municipality_id, details.noticed_ids, ListKind.NOTICED_VIA, "noticed_via",
                   _l("Choose how the risk was noticed."), allowed_old=old)
    if len(details.summary or "") > MAX_TEXT:
        raise CaseError("summary", _l("Write at most %(max)d characters.", max=MAX_TEXT))
    if details.lead_user_id is not None and details.lead_user_id not in {
            u for u, _name in lead_choices(school_id)}:
        raise CaseError("lead_user_id", _l("Choose a colleague from the list."))
    _check_risks(municipality_id, details.risks,
                 allowed_old={f.item_id for f in case.risk_factors} if case else ())


def lead_choices(school_id: int) -> list[tuple[int, str]]:
    """Colleagues who may lead a case at the school: its social pedagogues and heads today."""
    from caseflow.people.models import User

    today = local_today()
    rows = db.session.execute(
        select(User.id, User.full_name).join(Membership, Membership.user_id == User.id).where(
            Membership.institution_id == school_id,
            Membership.role.in_([str(r) for r in CASE_OWNER_ROLES]),
            (Membership.valid_from.is_(None)) | (Membership.valid_from <= today),
            (Membership.valid_to.is_(None)) | (Membership.valid_to >= today),
            User.is_active_account.is_(True))
        .order_by(User.full_name).distinct())
    return [(i, name) for i, name in rows]


def _write_details(case: Case, details: CaseDetails, actor: Actor) -> dict:
    """Apply the details to the case; return what changed (field names and item ids)."""
    changed: dict = {}
    wanted = set(details.category_ids) | set(details.noticed_ids)
    current = {e.entry_id for e in case.entries}
    if wanted != current:
        changed["lists"] = True
        case.entries[:] = [e for e in case.entries if e.entry_id in wanted]
        for entry_id in sorted(wanted - current):
            case.entries.append(CaseEntry(case_id=case.id, entry_id=entry_id))
    scope = f"pupil:{case.pupil_id}"
    summary = (details.summary or "").strip() or None
    if summary != (summary_of(case) if case.summary_enc else None):
        seal(case, "summary", summary, scope=scope)
        changed["summary"] = True
    if case.concerns_family != details.concerns_family:
        case.concerns_family = details.concerns_family
        changed["concerns_family"] = True
    if case.lead_user_id != details.lead_user_id:
        case.lead_user_id = details.lead_user_id
        changed["lead"] = True
    have = {f.item_id: f for f in case.risk_factors}
    added = sorted(set(details.risks) - set(have))
    removed = sorted(set(have) - set(details.risks))
    for item_id in removed:
        case.risk_factors.remove(have[item_id])
    for item_id in added:
        factor = CaseRiskFactor(case_id=case.id, item_id=item_id, added_on=local_today(),
                                added_by_id=actor.user_id)
        case.risk_factors.append(factor)
        db.session.flush()
        if details.risks[item_id]:
            seal(factor, "description", details.risks[item_id].strip(), scope=scope)
    described = [i for i in sorted(set(details.risks) & set(have))
                 if (details.risks[i] or "").strip() != (risk_description(have[i]) or "")]
    for item_id in described:
        seal(have[item_id], "description", (details.risks[item_id] or "").strip() or None, scope=scope)
    if added or removed or described:
        changed["risks"] = {"added": added, "removed": removed, "described": described}
    return changed


def open_case(*, actor: Actor, pupil: Pupil, details: CaseDetails, concern: Concern | None = None) -> Case:
    """Open a case about a pupil at the actor's school (refused when one is already open there)."""
    if actor.role not in CASE_OWNER_ROLES or not can(actor, Permission.CASE_OPEN):
        raise CaseError("pupil", _l("Only the school's social pedagogue or head opens cases."))
    if not can(actor, Permission.PUPIL_VIEW, pupil):
        raise CaseError("pupil", _l("This pupil is not among the pupils you can see."))
    enrolment = next((e for e in pupil.enrolments
                      if e.is_current(local_today()) and e.school_id == actor.institution_id), None)
    if enrolment is None:
        raise CaseError("pupil", _l("The pupil is not enrolled at your school today."))
    existing = open_case_of(pupil.id, actor.institution_id)
    if existing is not None:
        raise CaseError("pupil", _l("This pupil already has an open case at your school."),
                        existing_id=existing.id)
    if concern is not None and (concern.school_id != actor.institution_id
                                or concern.status != ConcernStatus.NEW
                                or concern.pupil_id not in (None, pupil.id)):
        raise CaseError("pupil", _l("The concern is not waiting in your school's inbox."))
    _check_details(actor.municipality_id, actor.institution_id, details)
    case = Case(municipality_id=actor.municipality_id, school_id=actor.institution_id, pupil_id=pupil.id,
                status=CaseStatus.OPEN, class_name=enrolment.class_name, opened_on=local_today(),
                opened_by_id=actor.user_id)
    db.session.add(case)
    db.session.flush()
    _write_details(case, details, actor)
    record_event(case, "opened", actor=actor, detail={"concern_id": concern.id} if concern else {})
    if concern is not None:
        concern.pupil_id = pupil.id
        concern.status, concern.case_id = ConcernStatus.CASE_OPENED, case.id
        concern.handled_by_id, concern.handled_at = actor.user_id, utcnow()
    db.session.flush()
    audit.record("case.open", object_type="Case", object_id=case.id, pupil_id=pupil.id,
                 detail={"concern_id": concern.id} if concern else {})
    return case


def update_case(*, actor: Actor, case: Case, details: CaseDetails) -> bool:
    """Change what the case is about; return whether anything changed."""
    if case.is_closed:
        raise CaseError("categories", _l("A closed case cannot be changed. Reopen it first."))
    _check_details(case.municipality_id, case.school_id, details, case)
    changed = _write_details(case, details, actor)
    if not changed:
        return False
    if "risks" in changed:
        record_event(case, "risk_factors_changed", actor=actor, detail=changed["risks"])
    fields = sorted(k for k in changed if k != "risks")
    if fields:
        record_event(case, "details_changed", actor=actor, detail={"fields": fields})
    db.session.flush()
    audit.record("case.edit", object_type="Case", object_id=case.id, pupil_id=case.pupil_id,
                 detail={"fields": sorted(changed)})
    return True
