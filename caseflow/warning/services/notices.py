"""Telling the municipality when a school's pupil crosses its notification threshold (once a semester)."""
from __future__ import annotations

import json

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import insert, select

from caseflow.actions.models import Notice
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.notify.services import queue_email
from caseflow.people.calendar import Semester
from caseflow.people.directory import people_with_role
from caseflow.warning.models import WarningNotice

NOTICE_KIND = "warning_notification"


def notice_text(kind: str, params: str | None) -> str:
    """The notice in the reader's language: how many pupils crossed the threshold (never who)."""
    count = json.loads(params or "{}").get("count", 0)
    if kind != NOTICE_KIND:
        return kind
    return ngettext("%(num)d pupil crossed the municipality's threshold of unexcused lessons this semester.",
                    "%(num)d pupils crossed the municipality's threshold of unexcused lessons this semester.",
                    count)


def notify_crossings(municipality_id: int, semester: Semester, counts: dict[tuple[int, int], int],
                     threshold: int) -> int:
    """Record each pupil newly over the threshold and tell the coordinators once per run; the number told."""
    over = {key: n for key, n in counts.items() if n >= threshold}
    if not over:
        return 0
    known = set(db.session.scalars(select(WarningNotice.pupil_id).where(
        WarningNotice.semester_id == semester.id, WarningNotice.municipality_id == municipality_id)))
    now = utcnow()
    rows, seen = [], set(known)
    for (pupil_id, school_id), unexcused in sorted(over.items()):
        if pupil_id not in seen:
            seen.add(pupil_id)
            rows.append({"municipality_id": municipality_id, "pupil_id": pupil_id, "school_id": school_id,
                         "semester_id": semester.id, "unexcused": unexcused, "notified_at": now})
    if not rows:
        return 0
    db.session.execute(insert(WarningNotice), rows)
    path = current_app.url_map.bind("").build("warning.overview", {"tab": "notified"})
    params = json.dumps({"count": len(rows)})
    for user in people_with_role("coordinator", municipality_id=municipality_id):
        db.session.add(Notice(user_id=user.id, kind=NOTICE_KIND, params=params, link=path))
        with force_locale(user.locale):
            body = _("%(message)s\n\nOpen the list in caseflow:\n%(link)s",
                     message=notice_text(NOTICE_KIND, params),
                     link=current_app.config["BASE_URL"].rstrip("/") + path)
            queue_email(to=user.email, subject=_("caseflow: pupils over the threshold of unexcused lessons"),
                        body=body, user_id=user.id)
    return len(rows)
