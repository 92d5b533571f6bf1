"""Close a case with an outcome (and, where the pupil left school, a dropout reason) and reopen it
with a reason. Every rule is checked before anything is written."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case, CaseStatus
from caseflow.cases.selectors import referrals as selectors
from caseflow.cases.selectors.cases import open_case_of
from caseflow.cases.services.opening import MAX_TEXT
from caseflow.cases.taxonomy import ListEntry, ListKind
from caseflow.core.i18n import format_date_lv
from caseflow.db import local_today
from caseflow.extensions import db

#: the outcome code (in every taxonomy profile) that means the pupil left school
DROPOUT_OUTCOME = "left_school"


class ClosingError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message, *, existing_id: int | None = None):
        super().__init__(str(message))
        self.field = field
        self.message = message
        #: the pupil's other open case at the school, when reopening is refused because of it
        self.existing_id = existing_id


@dataclass(frozen=True)
class Closing:
    """How a case is closed, as the form gives it."""

    outcome_id: int | None
    left_school: bool | None
    dropout_reason_id: int | None
    closed_on: date | None
    remark: str | None


def _text(field: str, value: str | None, *, required_message=None) -> str | None:
    value = (value or "").strip()
    if not value:
        if required_message is not None:
            raise ClosingError(field, required_message)
        return None
    if len(value) > MAX_TEXT:
        raise ClosingError(field, _l("The text is too long."))
    return value


def _entry(municipality_id: int, kind: ListKind, entry_id: int | None) -> ListEntry | None:
    """An active entry of the municipality's list, or None."""
    if entry_id is None:
        return None
    return db.session.scalar(select(ListEntry).where(
        ListEntry.id == entry_id, ListEntry.municipality_id == municipality_id,
        ListEntry.kind == str(kind), ListEntry.is_active.is_(True)))


def close_case(*, actor: Actor, case: Case, closing: Closing) -> None:
    """Close the case with an outcome from the municipality's list, on a date."""
    blocker = selectors.close_blocker(case)
    if blocker is not None:
        raise ClosingError("outcome_id", blocker)
    outcome = _entry(case.municipality_id, ListKind.OUTCOME, closing.outcome_id)
    if outcome is None:
        raise ClosingError("outcome_id", _l("Choose an outcome from the list."))
    if closing.left_school is None:
        raise ClosingError("left_school", _l("Say whether the pupil left school."))
    if outcome.code == DROPOUT_OUTCOME and not closing.left_school:
        raise ClosingError("left_school", _l("The outcome says the pupil left school: answer “yes” here, "
                                             "or choose another outcome."))
    dropout = _entry(case.municipality_id, ListKind.DROPOUT_REASON, closing.dropout_reason_id)
    if closing.left_school and dropout is None:
        raise ClosingError("dropout_reason_id", _l("Choose why the pupil left school."))
    if not closing.left_school and closing.dropout_reason_id is not None:
        raise ClosingError("dropout_reason_id", _l("A dropout reason is given only when the pupil left "
                                                   "school; leave it empty."))
    if closing.closed_on is None:
        raise ClosingError("closed_on", _l("Enter the closing date."))
    if closing.closed_on > local_today():
        raise ClosingError("closed_on", _l("The closing date cannot be in the future."))
    if closing.closed_on < case.opened_on:
        raise ClosingError("closed_on", _l("The closing date cannot be before the case was opened "
                                           "(%(date)s).", date=format_date_lv(case.opened_on)))
    remark = _text("remark", closing.remark)

    case.status = CaseStatus.CLOSED
    case.closed_on, case.closed_by_id = closing.closed_on, actor.user_id
    case.outcome_id = outcome.id
    case.dropout_reason_id = dropout.id if dropout is not None else None
    record_event(case, "closed", actor=actor,
                 detail={"outcome_id": outcome.id, "dropout_reason_id": case.dropout_reason_id},
                 text=remark)
    db.session.flush()
    audit.record("case.close", object_type="Case", object_id=case.id, pupil_id=case.pupil_id,
                 detail={"outcome_id": outcome.id, "dropout_reason_id": case.dropout_reason_id,
                         "fields": ["remark"] if remark else []})


def reopen_case(*, actor: Actor, case: Case, reason: str) -> None:
    """Reopen a closed case with a reason, unless the pupil has another open case at the school."""
    if case.status != CaseStatus.CLOSED:
        raise ClosingError("reason", _l("The case is not closed."))
    text = _text("reason", reason, required_message=_l("Write why the case is reopened."))
    other = open_case_of(case.pupil_id, case.school_id)
    if other is not None:
        raise ClosingError("reason", _l("The pupil already has another open case at the school (%(number)s); "
                                        "work on that case instead.", number=other.number),
                           existing_id=other.id)

    case.status = CaseStatus.OPEN
    case.closed_on = case.closed_by_id = None
    case.outcome_id = case.dropout_reason_id = None
    record_event(case, "reopened", actor=actor, text=text)
    db.session.flush()
    audit.record("case.reopen", object_type="Case", object_id=case.id, pupil_id=case.pupil_id,
                 detail={"fields": ["reason"]})
