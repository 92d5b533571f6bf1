"""Reads of early warning; every list goes through the access policy's scope()."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, distinct, exists, func, select, tuple_

from caseflow.access import Actor, Permission, scope
from caseflow.cases.models import Case, CaseStatus
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.people.calendar import Semester
from caseflow.people.models import Institution
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.selectors import current_on
from caseflow.warning import rules
from caseflow.warning.models import WarningDismissal, WarningNotice, WarningRun, WarningSignal

_ORDER = (Pupil.last_name_key, Pupil.first_name_key, Pupil.id)


@dataclass(frozen=True)
class SignalView:
    """A signal as a list shows it: the rule, the measure with its numbers, and the data behind it."""

    id: int
    rule: str
    label: str
    text: str
    evidence: dict


@dataclass
class WarningRow:
    """One pupil of a warning list with their signals."""

    pupil_id: int
    first_name: str
    last_name: str
    class_name: str | None = None
    school_name: str | None = None
    signals: list[SignalView] = field(default_factory=list)


@dataclass(frozen=True)
class WarningPage:
    """A page of a warning list and the pupil id the next page starts after (None on the last page)."""

    rows: list[WarningRow]
    next_after: int | None


def not_dismissed():
    return ~exists().where(
        WarningDismissal.pupil_id == WarningSignal.pupil_id, WarningDismissal.school_id == WarningSignal.school_id,
        WarningDismissal.rule == WarningSignal.rule,
        WarningDismissal.semester_key == func.coalesce(WarningSignal.semester_id, 0))


def _no_open_case():
    return ~exists().where(Case.pupil_id == WarningSignal.pupil_id, Case.school_id == WarningSignal.school_id,
                           Case.status != CaseStatus.CLOSED)


def load_signal(signal_id: int, **_ignored) -> WarningSignal | None:
    """A signal by id (the policy decides whether the actor may act on it)."""
    return db.session.get(WarningSignal, signal_id)


def _page(query, actor: Actor, permission: Permission, after: int | None, limit: int):
    if after is not None:
        key = db.session.execute(select(*_ORDER).where(Pupil.id == after)).first()
        if key is not None:
            query = query.where(tuple_(*_ORDER) > tuple_(*key))
    pupils = db.session.execute(query.order_by(*_ORDER).limit(limit + 1)).all()
    more = len(pupils) > limit
    return pupils[:limit], (pupils[limit - 1].id if more else None)


def _signals_of(actor: Actor, permission: Permission, pupil_ids: list[int], *, school_id: int | None = None):
    query = scope(select(WarningSignal), actor, permission, WarningSignal).where(
        WarningSignal.pupil_id.in_(pupil_ids), not_dismissed())
    if school_id is not None:
        query = query.where(WarningSignal.school_id == school_id)
    found: dict[int, list[WarningSignal]] = {}
    for s in db.session.scalars(query.order_by(WarningSignal.pupil_id, WarningSignal.rule)):
        found.setdefault(s.pupil_id, []).append(s)
    return {pupil_id: views_of(signals) for pupil_id, signals in found.items()}


def open_signals_of(actor: Actor, pupil_id: int) -> list[WarningSignal]:
    """The pupil's signals at the actor's school that are not dismissed."""
    return list(db.session.scalars(scope(select(WarningSignal), actor, Permission.WARNING_LIST, WarningSignal)
                                   .where(WarningSignal.pupil_id == pupil_id,
                                          WarningSignal.school_id == actor.institution_id, not_dismissed())
                                   .order_by(WarningSignal.rule)))


def views_of(signals: list[WarningSignal]) -> list[SignalView]:
    """Signals as lists show them."""
    return [SignalView(s.id, s.rule, rules.label(s.rule), rules.describe(s.rule, s.value, s.threshold),
                       s.evidence or {}) for s in signals]


def _classes(pupil_ids: list[int], school_id: int, today: date) -> dict[int, str]:
    return dict(db.session.execute(
        select(Enrolment.pupil_id, Enrolment.class_name).where(
            Enrolment.pupil_id.in_(pupil_ids), Enrolment.school_id == school_id, current_on(today))).all())


def school_warnings(actor: Actor, *, after: int | None = None, limit: int = 50) -> WarningPage:
    """The actor's school's pupils with signals that are not dismissed and no open case at the school."""
    school_id = actor.institution_id
    flagged = scope(select(WarningSignal.pupil_id), actor, Permission.WARNING_LIST, WarningSignal).where(
        WarningSignal.school_id == school_id, not_dismissed(), _no_open_case())
    query = select(Pupil.id, Pupil.first_name, Pupil.last_name).where(Pupil.id.in_(flagged))
    pupils, next_after = _page(query, actor, Permission.WARNING_LIST, after, limit)
    ids = [p.id for p in pupils]
    signals = _signals_of(actor, Permission.WARNING_LIST, ids, school_id=school_id) if ids else {}
    classes = _classes(ids, school_id, local_today()) if ids else {}
    return WarningPage([WarningRow(p.id, p.first_name, p.last_name, classes.get(p.id), None, signals.get(p.id, []))
                        for p in pupils], next_after)


def last_run(municipality_id: int) -> WarningRun | None:
    """The latest computation of the municipality's signals."""
    return db.session.scalar(select(WarningRun).where(WarningRun.municipality_id == municipality_id)
                             .order_by(WarningRun.id.desc()).limit(1))


@dataclass(frozen=True)
class SchoolLine:
    """One school in the coordinator's overview."""

    school_id: int
    name: str
    flagged: int
    with_case: int
    dismissed: int
    opened: int

    @property
    def silent(self) -> bool:
        """Pupils with signals, yet no case opened this semester and none of them on a case."""
        return self.flagged > 0 and self.opened == 0 and self.with_case == 0


def overview(actor: Actor, semester: Semester | None) -> list[SchoolLine]:
    """Per school of the municipality: pupils with signals, of them on an open case, dismissed, cases opened."""
    signals = scope(select(WarningSignal), actor, Permission.WARNING_OVERVIEW, WarningSignal).where(
        WarningSignal.school_id.is_not(None)).subquery()
    open_case = exists().where(Case.pupil_id == signals.c.pupil_id, Case.school_id == signals.c.school_id,
                               Case.status != CaseStatus.CLOSED)
    dismissed = exists().where(
        WarningDismissal.pupil_id == signals.c.pupil_id, WarningDismissal.school_id == signals.c.school_id,
        WarningDismissal.rule == signals.c.rule,
        WarningDismissal.semester_key == func.coalesce(signals.c.semester_id, 0))
    counts = {row.school_id: row for row in db.session.execute(
        select(signals.c.school_id, func.count(distinct(signals.c.pupil_id)).label("flagged"),
               func.count(distinct(signals.c.pupil_id)).filter(open_case).label("with_case"),
               func.count(distinct(signals.c.pupil_id)).filter(dismissed).label("dismissed"))
        .group_by(signals.c.school_id))}
    opened = {}
    if semester is not None:
        opened = dict(db.session.execute(
            select(Case.school_id, func.count()).where(
                Case.municipality_id == actor.municipality_id, Case.opened_on >= semester.starts_on,
                Case.opened_on <= semester.ends_on).group_by(Case.school_id)).all())
    schools = db.session.execute(select(Institution.id, Institution.name).where(
        Institution.id.in_(list(counts) + list(opened)), Institution.municipality_id == actor.municipality_id)
        .order_by(Institution.name)).all()
    lines = [SchoolLine(s.id, s.name, getattr(counts.get(s.id), "flagged", 0),
                        getattr(counts.get(s.id), "with_case", 0), getattr(counts.get(s.id), "dismissed", 0),
                        opened.get(s.id, 0)) for s in schools]
    return sorted(lines, key=lambda line: (not line.silent, -(line.flagged - line.with_case), line.name))


def unenrolled(actor: Actor, *, after: int | None = None, limit: int = 50) -> WarningPage:
    """Children declared in the municipality, of school age, enrolled nowhere (with their last school)."""
    flagged = scope(select(WarningSignal.pupil_id), actor, Permission.WARNING_OVERVIEW, WarningSignal).where(
        WarningSignal.rule == rules.UNENROLLED)
    query = select(Pupil.id, Pupil.first_name, Pupil.last_name).where(Pupil.id.in_(flagged))
    pupils, next_after = _page(query, actor, Permission.WARNING_OVERVIEW, after, limit)
    ids = [p.id for p in pupils]
    last_school = {}
    if ids:
        latest = select(Enrolment.pupil_id, func.max(Enrolment.start_date).label("start")).where(
            Enrolment.pupil_id.in_(ids)).group_by(Enrolment.pupil_id).subquery()
        for pupil_id, name, class_name in db.session.execute(
                select(Enrolment.pupil_id, Institution.name, Enrolment.class_name)
                .join(latest, and_(latest.c.pupil_id == Enrolment.pupil_id, latest.c.start == Enrolment.start_date))
                .join(Institution, Institution.id == Enrolment.school_id)):
            last_school[pupil_id] = (name, class_name)
    return WarningPage([WarningRow(p.id, p.first_name, p.last_name, (last_school.get(p.id) or (None, None))[1],
                                   (last_school.get(p.id) or (None, None))[0]) for p in pupils], next_after)


@dataclass(frozen=True)
class NotifiedLine:
    """A pupil over the municipal notification threshold this semester."""

    pupil_id: int
    first_name: str
    last_name: str
    school_name: str
    unexcused: int
    notified_at: object


def notified(actor: Actor, semester: Semester | None, *, limit: int = 200) -> list[NotifiedLine]:
    """The pupils the municipality was told of this semester (most unexcused lessons first)."""
    if semester is None or Permission.WARNING_OVERVIEW not in actor.permissions:
        return []
    rows = db.session.execute(
        select(WarningNotice.pupil_id, Pupil.first_name, Pupil.last_name, Institution.name,
               WarningNotice.unexcused, WarningNotice.notified_at)
        .join(Pupil, Pupil.id == WarningNotice.pupil_id).join(Institution, Institution.id == WarningNotice.school_id)
        .where(WarningNotice.municipality_id == actor.municipality_id, WarningNotice.semester_id == semester.id)
        .order_by(WarningNotice.unexcused.desc(), WarningNotice.pupil_id).limit(limit))
    return [NotifiedLine(*row) for row in rows]
