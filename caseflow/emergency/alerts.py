"""Unusual access: one user opening the cases of many different children in a short time. The
worker runs `detect_unusual_access()`; each (user, window) raises at most one alert."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy import select

from caseflow.audit import services as audit
from caseflow.audit.models import AuditEntry
from caseflow.db import utcnow
from caseflow.emergency.models import AccessAlert
from caseflow.extensions import db
from caseflow.people.models import Institution
from caseflow.people.settings import get_setting

#: what opening a case writes to the trail (`record_read` of a Case), and a direct view event
CASE_OPENINGS = ("case.read", "case.view")
#: the settings and their defaults (used while a municipality has no registered setting)
DEFAULTS = {"unusual_access_cases": 20, "unusual_access_minutes": 60}
#: how far back each run looks
LOOKBACK = timedelta(hours=24)


def _setting(municipality_id: int | None, key: str) -> int:
    """A municipality's threshold, or the default while the setting is not registered."""
    if municipality_id is None:
        return DEFAULTS[key]
    try:
        return int(get_setting(municipality_id, key))
    except KeyError:
        return DEFAULTS[key]


def _windows(reads: list[tuple[datetime, int]], *, cases: int, minutes: int, start_after: datetime | None):
    """Windows [a read, read + minutes) with reads of at least `cases` different pupils, non-overlapping."""
    width = timedelta(minutes=minutes)
    reads = [r for r in reads if start_after is None or r[0] >= start_after]
    inside: Counter[int] = Counter()
    i = j = 0
    while i < len(reads):
        start = reads[i][0]
        while j < len(reads) and reads[j][0] < start + width:
            inside[reads[j][1]] += 1
            j += 1
        if len(inside) >= cases:
            yield start, start + width, len(inside)
            i, inside = j, Counter()
            continue
        inside[reads[i][1]] -= 1
        if not inside[reads[i][1]]:
            del inside[reads[i][1]]
        i += 1


def detect_unusual_access() -> int:
    """Raise one alert per user and window past the municipality's threshold; return how many."""
    now = utcnow()
    rows = db.session.execute(
        select(AuditEntry.user_id, AuditEntry.at, AuditEntry.pupil_id, Institution.municipality_id)
        .outerjoin(Institution, Institution.id == AuditEntry.institution_id)
        .where(AuditEntry.action.in_(CASE_OPENINGS), AuditEntry.at >= now - LOOKBACK,
               AuditEntry.user_id.is_not(None), AuditEntry.pupil_id.is_not(None))
        .order_by(AuditEntry.user_id, AuditEntry.at, AuditEntry.seq)).all()
    by_user: dict[tuple[int, int | None], list[tuple[datetime, int]]] = {}
    for user_id, at, pupil_id, municipality_id in rows:
        by_user.setdefault((user_id, municipality_id), []).append((at, pupil_id))
    last_end = dict(db.session.execute(
        select(AccessAlert.user_id, AccessAlert.window_end).where(AccessAlert.window_end >= now - LOOKBACK)
        .order_by(AccessAlert.window_end)).all())
    thresholds: dict[int | None, tuple[int, int]] = {}
    raised = 0
    for (user_id, municipality_id), reads in by_user.items():
        if municipality_id not in thresholds:
            thresholds[municipality_id] = (_setting(municipality_id, "unusual_access_cases"),
                                           _setting(municipality_id, "unusual_access_minutes"))
        cases, minutes = thresholds[municipality_id]
        for start, end, count in _windows(reads, cases=cases, minutes=minutes,
                                          start_after=last_end.get(user_id)):
            alert = AccessAlert(user_id=user_id, municipality_id=municipality_id, window_start=start,
                                window_end=end, pupil_count=count)
            db.session.add(alert)
            db.session.flush()
            last_end[user_id] = end
            audit.record("access_alert.raise", object_type="AccessAlert", object_id=alert.id,
                         detail={"user_id": user_id, "pupils": count, "minutes": minutes})
            raised += 1
    return raised
