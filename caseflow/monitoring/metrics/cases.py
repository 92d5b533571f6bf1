"""Metrics of cases: opened, by the institution that found the risk, by risk factor."""
from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select

from caseflow.cases.models import Case, CaseEntry, CaseRiskFactor
from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup, RiskItem
from caseflow.extensions import db
from caseflow.monitoring.metrics.period import Period
from caseflow.monitoring.metrics.results import MetricResult
from caseflow.monitoring.metrics.schools import SchoolCounts, rows_by_school
from caseflow.people.models import Institution

#: noticed-via codes that name an outside institution or person start with this; the rest are a school's ways
REPORT_PREFIX = "report_"
#: the finding key of cases with no way of noticing recorded
NOT_RECORDED = "not_recorded"


def _opened_in(municipality_id: int, period: Period):
    return and_(Case.municipality_id == municipality_id, Case.opened_on >= period.starts_on,
                Case.opened_on <= period.ends_on)


def _active_in(municipality_id: int, period: Period):
    return and_(Case.municipality_id == municipality_id, Case.opened_on <= period.ends_on,
                or_(Case.closed_on.is_(None), Case.closed_on >= period.starts_on))


def cases_opened(municipality_id: int, period: Period) -> MetricResult:
    """Cases opened in the period, by the kind of school that opened them."""
    rows = db.session.execute(
        select(Institution.kind, func.count(Case.id))
        .join(Institution, Institution.id == Case.school_id)
        .where(_opened_in(municipality_id, period))
        .group_by(Institution.kind).order_by(Institution.kind)).all()
    return MetricResult("cases_opened", municipality_id, period, sum(n for _kind, n in rows),
                        breakdowns={"school_kind": tuple((kind, n) for kind, n in rows)})


# "report_police" → "police"; a school's own ways (absences, grades, behaviour, staff …) → "school"
def finding_key(code):
    """The kind of institution a noticed-via code names."""
    return case((code.is_(None), NOT_RECORDED),
                (code.startswith(REPORT_PREFIX, autoescape=True), func.substr(code, len(REPORT_PREFIX) + 1)),
                (code == "other", "other"), else_="school")


def cases_by_finding_institution(municipality_id: int, period: Period) -> MetricResult:
    """Cases opened in the period by the kind of institution that found the risk (total: each case once)."""
    noticed = (select(CaseEntry.case_id, ListEntry.code, ListEntry.position)
               .join(ListEntry, ListEntry.id == CaseEntry.entry_id)
               .where(ListEntry.kind == ListKind.NOTICED_VIA).subquery())
    key = finding_key(noticed.c.code)
    rows = db.session.execute(
        select(key, func.count(func.distinct(Case.id)), func.min(noticed.c.position))
        .select_from(Case).outerjoin(noticed, noticed.c.case_id == Case.id)
        .where(_opened_in(municipality_id, period)).group_by(key)).all()
    rows.sort(key=lambda row: (row[2] is None, row[2] or 0, row[0]))
    total = db.session.scalar(select(func.count(Case.id)).where(_opened_in(municipality_id, period)))
    return MetricResult("cases_by_finding_institution", municipality_id, period, total,
                        breakdowns={"finding_institution": tuple((k, n) for k, n, _position in rows)})


def risk_distribution(municipality_id: int, period: Period) -> MetricResult:
    """Cases open at some time in the period with risk factors, by risk group and by risk item."""
    recorded = and_(_active_in(municipality_id, period), CaseRiskFactor.added_on <= period.ends_on)
    base = (select().select_from(CaseRiskFactor).join(Case, Case.id == CaseRiskFactor.case_id)
            .join(RiskItem, RiskItem.id == CaseRiskFactor.item_id).join(RiskGroup, RiskGroup.id == RiskItem.group_id)
            .where(recorded))
    cases = func.count(func.distinct(CaseRiskFactor.case_id))
    groups = db.session.execute(
        base.add_columns(RiskGroup.code, cases).group_by(RiskGroup.code, RiskGroup.position)
        .order_by(RiskGroup.position, RiskGroup.code)).all()
    items = db.session.execute(
        base.add_columns(RiskItem.code, cases)
        .group_by(RiskItem.id, RiskItem.code, RiskGroup.position, RiskItem.position)
        .order_by(RiskGroup.position, RiskItem.position, RiskItem.code)).all()
    total = db.session.scalar(base.add_columns(cases))
    return MetricResult("risk_distribution", municipality_id, period, total,
                        breakdowns={"risk_group": tuple((code, n) for code, n in groups),
                                    "risk_item": tuple((code, n) for code, n in items)})


def cases_opened_by_school(municipality_id: int, period: Period) -> SchoolCounts:
    """Cases opened in the period per school (the schools add up to cases_opened and to the total of
    cases_by_finding_institution)."""
    rows = select().select_from(Case).where(_opened_in(municipality_id, period))
    return rows_by_school(Case.id, Case.school_id, rows)


def risk_cases_by_school(municipality_id: int, period: Period) -> SchoolCounts:
    """Cases with risk factors open at some time in the period, per school (adding up to risk_distribution)."""
    rows = (select().select_from(CaseRiskFactor).join(Case, Case.id == CaseRiskFactor.case_id)
            .where(_active_in(municipality_id, period), CaseRiskFactor.added_on <= period.ends_on))
    return rows_by_school(Case.id, Case.school_id, rows)
