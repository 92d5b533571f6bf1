"""Anonymise records whose retention period has passed, unless a legal hold stops it.

Each data category (retention_categories.CATEGORIES) has its own municipal setting in years
(0 = not set: nothing of the category is anonymised — no default pretends to be the law). A record
keeps its row, municipality, school, dates and codes, so the aggregates stay true; its texts and the
identifiers of the people around it are blanked. A legal hold on a case keeps the case with all its
parts, and the pupil's concerns and plans of the same municipality. Once nothing about a pupil is
kept, the pupil studies nowhere any more and early warning does not flag them, the pupil's data key
is destroyed and the registry entry's name, birth date and personal code are blanked. A second run
on the same day changes nothing.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from caseflow.audit import services as audit
from caseflow.crypto import shred
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.records.models import LegalHold, RetentionRecord, RetentionRun
from caseflow.records.services.retention_categories import (
    BLANK_NAME,
    BY_CODE,
    CASE,
    CATEGORIES,
    CONCERN,
    PLAN,
    PUPIL,
    anonymised,
)

#: kept for callers of the first version: the closed cases' setting
CASE_YEARS = BY_CODE[CASE].setting


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (or earlier, for negative years; 29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def periods(municipality_ids=None) -> dict[tuple[int, str], int]:
    """(municipality, category) → years for every period that is set (above 0), in one query."""
    from caseflow.people.models import MunicipalSetting
    from caseflow.people.settings import REGISTRY

    by_setting = {c.setting: c.code for c in CATEGORIES}
    query = select(MunicipalSetting.municipality_id, MunicipalSetting.key, MunicipalSetting.value).where(
        MunicipalSetting.key.in_(list(by_setting)))
    if municipality_ids is not None:
        query = query.where(MunicipalSetting.municipality_id.in_(list(municipality_ids)))
    years = {}
    for municipality_id, key, raw in db.session.execute(query):
        try:
            value = REGISTRY[key].clean(json.loads(raw)) if key in REGISTRY else int(json.loads(raw))
        except (ValueError, TypeError):  # unreadable: as if not set
            continue
        if value > 0:
            years[(municipality_id, by_setting[key])] = value
    return years


@dataclass(frozen=True)
class Item:
    """One record a run anonymises or a legal hold keeps."""

    category: str
    object_id: int
    municipality_id: int
    pupil_id: int | None
    case_id: int | None


@dataclass
class RetentionPlan:
    """What a run will do on a day: the records to anonymise and those a legal hold keeps."""

    today: date
    to_anonymise: list[Item] = field(default_factory=list)
    held: list[Item] = field(default_factory=list)
    #: (municipality, category) → years, for the periods that are set
    years: dict[tuple[int, str], int] = field(default_factory=dict)

    def counts(self, municipality_id: int) -> dict[str, tuple[int, int]]:
        """Category → (to anonymise, held) in one municipality."""
        result = {c.code: (0, 0) for c in CATEGORIES}
        for items, index in ((self.to_anonymise, 0), (self.held, 1)):
            for item in items:
                if item.municipality_id == municipality_id:
                    pair = list(result[item.category])
                    pair[index] += 1
                    result[item.category] = (pair[0], pair[1])
        return result


def _holds() -> tuple[set[int], set[tuple[int, int]]]:
    """The cases under a hold in force, and (pupil, municipality) of each: their concerns and plans are kept too."""
    from caseflow.cases.models import Case

    rows = db.session.execute(select(Case.id, Case.pupil_id, Case.municipality_id).join(
        LegalHold, LegalHold.case_id == Case.id).where(LegalHold.released_at.is_(None))).all()
    return {case_id for case_id, _p, _m in rows}, {(pupil_id, m) for _c, pupil_id, m in rows}


def plan_retention(*, today: date | None = None, municipality_ids=None) -> RetentionPlan:
    """The records past their period that are not yet anonymised, split by legal hold."""
    plan = RetentionPlan(today=today or local_today(), years=periods(municipality_ids))
    held_cases, held_pupils = _holds()
    in_run: set[int] = set()
    for category in CATEGORIES:
        for (municipality_id, code), years in sorted(plan.years.items()):
            if code != category.code:
                continue
            for row in category.candidates(municipality_id, add_years(plan.today, -years) + timedelta(days=1)):
                if not add_years(row.start, years) < plan.today:
                    continue
                if category.code != CASE and row.case_id in in_run:
                    continue  # anonymised with its case in this run
                item = Item(category.code, row.object_id, municipality_id, row.pupil_id, row.case_id)
                held = row.case_id in held_cases or (
                    category.code in (CONCERN, PLAN) and (row.pupil_id, municipality_id) in held_pupils)
                (plan.held if held else plan.to_anonymise).append(item)
                if category.code == CASE and not held:
                    in_run.add(row.object_id)
    return plan


def _finished_pupils(today: date) -> list[tuple[int, int]]:
    """(pupil, municipality of their latest record) for pupils with an anonymised record, nothing about
    them still kept, no enrolment today or later, no early-warning signal, and not yet forgotten."""
    from caseflow.cases.models import Case
    from caseflow.concerns.models import Concern
    from caseflow.plans.models import SupportPlan
    from caseflow.pupils.models import Enrolment
    from caseflow.warning.models import WarningSignal

    record = aliased(RetentionRecord)
    pupil = record.pupil_id
    kept_case = exists().where(Case.pupil_id == pupil, ~anonymised(CASE, Case.id))
    kept_concern = exists().where(Concern.pupil_id == pupil, or_(
        and_(Concern.case_id.is_(None), ~anonymised(CONCERN, Concern.id)),
        and_(Concern.case_id.is_not(None), ~anonymised(CASE, Concern.case_id))))
    kept_plan = exists().where(SupportPlan.pupil_id == pupil, or_(
        and_(SupportPlan.case_id.is_(None), ~anonymised(PLAN, SupportPlan.id)),
        and_(SupportPlan.case_id.is_not(None), ~anonymised(CASE, SupportPlan.case_id))))
    studying = exists().where(Enrolment.pupil_id == pupil, or_(Enrolment.end_date.is_(None),
                                                               Enrolment.end_date >= today))
    # early warning still flags the child (e.g. declared here and enrolled nowhere): the entry is in use
    flagged = exists().where(WarningSignal.pupil_id == pupil)
    rows = db.session.execute(
        select(pupil, record.municipality_id).where(
            pupil.is_not(None), ~anonymised(PUPIL, pupil), ~kept_case, ~kept_concern, ~kept_plan, ~studying,
            ~flagged)
        .order_by(pupil, record.id)).all()
    return list({pupil_id: municipality_id for pupil_id, municipality_id in rows}.items())


def _forget_pupil(pupil_id: int) -> bool:
    """Destroy the pupil's data key and blank the registry entry's identifiers; True if a key was destroyed."""
    from caseflow.pupils.models import Pupil, name_key

    db.session.execute(update(Pupil).where(Pupil.id == pupil_id).values(
        first_name=BLANK_NAME, last_name=BLANK_NAME, first_name_key=name_key(BLANK_NAME),
        last_name_key=name_key(BLANK_NAME), birth_date=None, personal_code_enc=None, personal_code_index=None)
        .execution_options(synchronize_session=False))
    return shred(f"pupil:{pupil_id}")


def _tally(summary: dict, municipality_id: int, category: str, *, done: int = 0, held: int = 0) -> None:
    part = summary.setdefault(str(municipality_id), {})
    before = part.get(category, [0, 0])
    part[category] = [before[0] + done, before[1] + held]


def execute_retention(plan: RetentionPlan, *, on_item: Callable[[], None] | None = None) -> RetentionRun:
    """Anonymise the plan's records (flushes, never commits), then forget the pupils nothing is kept of;
    record and audit the run."""
    run = RetentionRun(started_at=utcnow(), held=len(plan.held), anonymised=0, keys_destroyed=0, summary={})
    summary: dict = {}
    for municipality_id, category in plan.years:
        _tally(summary, municipality_id, category)
    for item in plan.held:
        _tally(summary, item.municipality_id, item.category, held=1)
    db.session.add(run)
    db.session.flush()
    for item in plan.to_anonymise:
        category = BY_CODE[item.category]
        category.blank([item.object_id])
        db.session.add(RetentionRecord(category=item.category, object_id=item.object_id, run_id=run.id,
                                       municipality_id=item.municipality_id, pupil_id=item.pupil_id,
                                       anonymised_at=utcnow()))
        audit.record("retention.anonymise", object_type=category.object_type, object_id=item.object_id,
                     pupil_id=item.pupil_id, detail={"run_id": run.id, "category": item.category})
        _tally(summary, item.municipality_id, item.category, done=1)
        run.anonymised += 1
        if on_item is not None:
            on_item()
    db.session.flush()
    for pupil_id, municipality_id in _finished_pupils(plan.today):
        destroyed = _forget_pupil(pupil_id)
        db.session.add(RetentionRecord(category=PUPIL, object_id=pupil_id, run_id=run.id, pupil_id=pupil_id,
                                       municipality_id=municipality_id, anonymised_at=utcnow()))
        audit.record("retention.forget_pupil", object_type="Pupil", object_id=pupil_id, pupil_id=pupil_id,
                     detail={"run_id": run.id, "key_destroyed": destroyed})
        _tally(summary, municipality_id, PUPIL, done=1)
        run.keys_destroyed += int(destroyed)
    run.finished_at, run.summary = utcnow(), summary
    db.session.flush()
    audit.record("retention.run", object_type="RetentionRun", object_id=run.id,
                 detail={"anonymised": run.anonymised, "held": run.held, "keys_destroyed": run.keys_destroyed,
                         "day": plan.today.isoformat()})
    return run


def run_retention(*, today: date | None = None) -> RetentionRun:
    """Plan and execute a run (the worker's entry point; the caller commits)."""
    return execute_retention(plan_retention(today=today))
