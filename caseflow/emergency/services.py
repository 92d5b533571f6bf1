"""Break the glass, review a grant, close an alert. Every rule is checked before anything is written."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseflow.access import Actor, Permission, can
from caseflow.actions.models import Notice
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case
from caseflow.crypto import seal
from caseflow.db import utcnow
from caseflow.emergency import selectors
from caseflow.emergency.models import AccessAlert, EmergencyGrant, GrantReason, ReviewOutcome
from caseflow.extensions import db
from caseflow.notify.services import queue_email
from caseflow.people.auth import throttle
from caseflow.people.auth.services import check_second_factor
from caseflow.people.models import User

#: how long a grant lasts
GRANT_MINUTES = 60
#: the shortest justification accepted
MIN_JUSTIFICATION = 30
#: the longest note or justification accepted
MAX_TEXT = 4000


class EmergencyError(ValueError):
    """A step was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


class AlreadyInSight(Exception):
    """The actor already sees the case: no grant is needed."""

    def __init__(self, case: Case):
        super().__init__(case.number)
        self.case = case


#: the refusal of a justification shorter than MIN_JUSTIFICATION
TOO_SHORT = _l("The justification is too short: write at least %(count)d characters on why the case "
               "must be opened now.", count=MIN_JUSTIFICATION)


def _justification(text: str | None) -> str:
    text = (text or "").strip()
    if len(text) < MIN_JUSTIFICATION:
        raise EmergencyError("justification", TOO_SHORT)
    if len(text) > MAX_TEXT:
        raise EmergencyError("justification", _l("The text is too long."))
    return text


def break_the_glass(*, actor: Actor, reference: str, reason: str, justification: str, code: str,
                    address: str) -> EmergencyGrant:
    """Give the actor sight of one case for 60 minutes after a fresh second factor, and tell those concerned."""
    if reason not in {r.value for r in GrantReason}:
        raise EmergencyError("reason", _l("Choose the reason for emergency access."))
    text = _justification(justification)
    case = selectors.case_by_reference(actor, reference)
    if case is None:
        # looking up codes without a grant is visible to the data-protection officer
        audit.record("emergency.case_not_found", persist_on_failure=True)
        raise EmergencyError("reference", _l("No case with this number or pupil's personal code is "
                                             "in your municipality. Check it and try again."))
    if can(actor, Permission.CASE_VIEW, case):
        raise AlreadyInSight(case)
    user = db.session.get(User, actor.user_id)
    if throttle.is_throttled(user.username, address, None):
        audit.record("emergency.code_throttled", persist_on_failure=True)
        raise EmergencyError("code", _l("Too many wrong codes. Wait a while and try again."))
    if not check_second_factor(user, code):
        throttle.record_failure(user.username, address, None)
        audit.record("emergency.code_failed", object_type="User", object_id=user.id, persist_on_failure=True)
        raise EmergencyError("code", _l("The code is not right. Enter the current code from your "
                                        "authenticator app."))
    now = utcnow()
    grant = EmergencyGrant(user_id=actor.user_id, institution_id=actor.institution_id, case_id=case.id,
                           reason=reason, granted_at=now, expires_at=now + timedelta(minutes=GRANT_MINUTES))
    db.session.add(grant)
    seal(grant, "justification", text, scope=f"pupil:{case.pupil_id}")
    db.session.flush()
    audit.record("emergency.grant", object_type="EmergencyGrant", object_id=grant.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "reason": reason,
                         "expires_at": grant.expires_at.isoformat(timespec="seconds")})
    record_event(case, "emergency_access", actor=actor, detail={"grant_id": grant.id, "reason": reason})
    _tell(grant, case)
    return grant


def _path(endpoint: str, **values) -> str:
    return current_app.url_map.bind("").build(endpoint, values)


#: notice kind → (e-mail subject, message); translated in the reader's language when shown or sent
NOTICES = {
    "emergency_owner": (_l("caseflow: emergency access to a case"),
                        _l("Someone used emergency access to a case of your school. The data-protection "
                           "officer reviews every such access.")),
    "emergency_review": (_l("caseflow: an emergency access waits for review"),
                         _l("An emergency access to a case waits for your review.")),
}


def notice_text(kind: str) -> str:
    """The text of an emergency notice in the current language."""
    return str(NOTICES[kind][1])


def _notify(user: User, *, kind: str, path: str) -> None:
    """An in-app notice and an e-mail: what happened and a link, no child data."""
    db.session.add(Notice(user_id=user.id, kind=kind, params=None, link=path))
    link = current_app.config["BASE_URL"].rstrip("/") + path
    subject, message = NOTICES[kind]
    with force_locale(user.locale):
        body = _("%(message)s\n\nOpen caseflow:\n%(link)s", message=str(message), link=link)
        queue_email(to=user.email, subject=str(subject), body=body, user_id=user.id)


def _tell(grant: EmergencyGrant, case: Case) -> None:
    owners = selectors.case_owners(case)
    officers = selectors.officers_for(case.municipality_id)
    for user in owners:
        _notify(user, kind="emergency_owner", path=_path("cases.view", case_id=case.id))
    for user in officers:
        _notify(user, kind="emergency_review", path=_path("emergency.review", grant_id=grant.id))
    audit.record("emergency.notify", object_type="EmergencyGrant", object_id=grant.id,
                 detail={"owner_ids": [u.id for u in owners], "officer_ids": [u.id for u in officers]})


def _note(text: str | None, *, required: bool) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise EmergencyError("note", _l("Write a note on your finding."))
        return None
    if len(text) > MAX_TEXT:
        raise EmergencyError("note", _l("The text is too long."))
    return text


def review_grant(*, actor: Actor, grant: EmergencyGrant, outcome: str, note: str | None) -> None:
    """The data-protection officer records whether the emergency access was justified."""
    if grant.reviewed_at is not None:
        raise EmergencyError("outcome", _l("This emergency access has already been reviewed."))
    if outcome not in {o.value for o in ReviewOutcome}:
        raise EmergencyError("outcome", _l("Choose justified or not justified."))
    text = _note(note, required=True)
    grant.reviewed_at, grant.reviewed_by_id = utcnow(), actor.user_id
    grant.outcome, grant.review_note = outcome, text
    audit.record("emergency.review", object_type="EmergencyGrant", object_id=grant.id,
                 pupil_id=grant.case.pupil_id, detail={"outcome": outcome, "user_id": grant.user_id})


def review_alert(*, actor: Actor, alert: AccessAlert, note: str | None) -> None:
    """The data-protection officer closes an alert with a note."""
    if alert.reviewed_at is not None:
        raise EmergencyError("note", _l("This alert has already been reviewed."))
    alert.note = _note(note, required=True)
    alert.reviewed_at, alert.reviewed_by_id = utcnow(), actor.user_id
    audit.record("access_alert.review", object_type="AccessAlert", object_id=alert.id,
                 detail={"user_id": alert.user_id})
