"""Escalation (Riga): a case the specialists' group could not resolve goes to the group it escalates
to, as an open session request the management group's chair finds among the proposed items."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseflow.access import Actor
from caseflow.audit import services as audit
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.meetings.models import (
    AgendaItem,
    GroupSession,
    ItemKind,
    RequesterKind,
    RequestStatus,
    SessionRequest,
)
from caseflow.meetings.services.common import MeetingError


def check(item: AgendaItem) -> None:
    """Refuse escalation of a policy item, or from a group that escalates to no other group."""
    if item.kind != ItemKind.CASE or item.case_id is None:
        raise MeetingError("outcome", _l("Only a case can be escalated; a policy item cannot."))
    if item.session.group.escalates_to_id is None:
        raise MeetingError("outcome", _l("This group has no group to escalate to. Choose another outcome, or ask "
                                        "the administrator to name the group cases escalate to."))


def escalate(*, actor: Actor, session: GroupSession, item: AgendaItem) -> SessionRequest:
    """Ask the group the session's group escalates to to hear the item's case (an open request)."""
    check(item)
    group = session.group
    request = SessionRequest(group_id=group.escalates_to_id, case_id=item.case_id,
                             requester_kind=RequesterKind.MEMBER, urgent=False, status=RequestStatus.OPEN,
                             submitted_at=utcnow(), submitted_by_id=actor.user_id,
                             submitted_by_institution_id=actor.institution_id)
    db.session.add(request)
    db.session.flush()
    with force_locale("lv"):  # the reasons are stored text, read by the other group in the house language
        reasons = _("Escalated from %(group)s, session %(label)s.", group=group.name, label=session.label)
    seal(request, "reasons", reasons, scope=f"pupil:{item.case.pupil_id}")
    audit.record("session_request.escalate", object_type="SessionRequest", object_id=request.id,
                 pupil_id=item.case.pupil_id,
                 detail={"case_id": item.case_id, "from_group_id": group.id, "to_group_id": group.escalates_to_id,
                         "session_id": session.id, "item_id": item.id})
    return request
