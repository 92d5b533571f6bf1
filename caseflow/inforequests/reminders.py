"""Deadline reminders of information requests: on the deadline day and once overdue, to the addressed
institution's people who answer them, by e-mail and as in-app notices. Each goes once; no child data."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from caseflow.actions.models import Notice
from caseflow.audit import services as audit
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.inforequests.models import InfoRequest, InfoRequestStatus
from caseflow.inforequests.selectors import answering_users
from caseflow.notify.services import queue_email
from caseflow.people.models import User

#: the reminders in the order they go out; a later one replaces an earlier one not yet sent
STAGES = ("due", "overdue")
#: the notice kinds of these reminders (the notice list routes `info_request_*` here)
NOTICE_KINDS = tuple(f"info_request_{stage}" for stage in STAGES)


def notice_text(kind: str) -> str:
    """A reminder notice's message in the current language."""
    if kind == "info_request_overdue":
        return _("A request for information to your institution is overdue.")
    return _("A request for information to your institution is due today.")


def request_path(request_id: int) -> str:
    """The path of a request's page (the worker has no request to build URLs from)."""
    return current_app.url_map.bind("").build("inforequests.view", {"info_request_id": request_id})


def _remind(user: User, info: InfoRequest, stage: str) -> None:
    kind = f"info_request_{stage}"
    path = request_path(info.id)
    db.session.add(Notice(user_id=user.id, kind=kind, link=path))
    link = current_app.config["BASE_URL"].rstrip("/") + path
    with force_locale(user.locale):
        subject = (_("caseflow: a request for information is overdue") if stage == "overdue"
                   else _("caseflow: a request for information is due today"))
        body = _("%(message)s\n\nOpen the request in caseflow:\n%(link)s", message=notice_text(kind), link=link)
    queue_email(to=user.email, subject=subject, body=body, user_id=user.id)


def send_info_request_reminders() -> int:
    """Send every reminder that is due and not yet sent; returns how many requests were reminded."""
    today = local_today()
    candidates = db.session.scalars(select(InfoRequest).where(
        InfoRequest.status == InfoRequestStatus.OPEN, InfoRequest.due_on <= today,
        or_(InfoRequest.last_reminder.is_(None), InfoRequest.last_reminder != "overdue"))
        .order_by(InfoRequest.id)).all()
    reminded = 0
    for info in candidates:
        stage = "overdue" if info.due_on < today else "due"
        if info.last_reminder == stage:
            continue
        people = answering_users(info.institution_id)
        for user in people:
            _remind(user, info, stage)
        info.last_reminder, info.last_reminder_at = stage, utcnow()
        audit.record("info_request.reminder", object_type="InfoRequest", object_id=info.id,
                     detail={"stage": stage, "user_ids": [u.id for u in people]})
        reminded += 1
    db.session.flush()
    return reminded
