"""Confirming an enrolment list: class changes and known pupils' enrolments in one statement each;
new pupils one by one (each personal code is re-sealed under the pupil's own key)."""
from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from caseflow.audit import services as audit
from caseflow.crypto import preload_keys, seal, unseal
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.imports.models import ClassRecord, ImportBatch, StagedEnrolment
from caseflow.imports.validation.enrolments import school_year_label
from caseflow.pupils.models import Enrolment, Pupil


def write_enrolments(batch: ImportBatch, now) -> None:
    """Write a confirmed enrolment list."""
    mine = (StagedEnrolment.batch_id == batch.id,)
    changed = (*mine, StagedEnrolment.outcome == "changed")
    db.session.execute(
        update(Enrolment).where(Enrolment.id.in_(select(StagedEnrolment.target_id).where(*changed)))
        .values(**{c: select(getattr(StagedEnrolment, c)).where(StagedEnrolment.target_id == Enrolment.id,
                                                                 *changed).scalar_subquery()
                   for c in ("class_name", "grade")})
        .execution_options(synchronize_session=False))
    known = select(StagedEnrolment.pupil_id, StagedEnrolment.school_id, StagedEnrolment.class_name,
                   StagedEnrolment.grade, StagedEnrolment.start_date).where(
        *mine, StagedEnrolment.outcome == "new", StagedEnrolment.pupil_id.is_not(None))
    db.session.execute(Enrolment.__table__.insert().from_select(
        ["pupil_id", "school_id", "class_name", "grade", "start_date"], known))
    created = _new_pupils(batch)
    _record_classes(batch, created, now)


def _record_classes(batch: ImportBatch, created: dict[str, int], now) -> None:
    """Record each listed pupil's class for this school year (replacing what an earlier list said)."""
    year = school_year_label(local_today())
    rows = {}
    for pupil_id, code_index, school_id, class_name, grade in db.session.execute(
            select(StagedEnrolment.pupil_id, StagedEnrolment.personal_code_index, StagedEnrolment.school_id,
                   StagedEnrolment.class_name, StagedEnrolment.grade)
            .where(StagedEnrolment.batch_id == batch.id).order_by(StagedEnrolment.row_number)):
        pupil_id = pupil_id or created[code_index]
        # one class a year: a pupil listed twice (two schools) keeps the last row's
        rows[pupil_id] = {"municipality_id": batch.municipality_id, "school_id": school_id, "school_year": year,
                          "class_name": class_name, "grade": grade, "batch_id": batch.id, "updated_at": now,
                          "pupil_id": pupil_id}
    if not rows:
        return
    pupils = list(rows)
    for start in range(0, len(pupils), 5000):
        db.session.execute(delete(ClassRecord).where(ClassRecord.pupil_id.in_(pupils[start:start + 5000]),
                                                     ClassRecord.school_year == year))
    db.session.execute(insert(ClassRecord), list(rows.values()))


def _new_pupils(batch: ImportBatch) -> dict[str, int]:
    """Create the pupils caseflow did not know, with their enrolments (audited like the registry)."""
    staged = list(db.session.scalars(select(StagedEnrolment).where(
        StagedEnrolment.batch_id == batch.id, StagedEnrolment.outcome == "new",
        StagedEnrolment.pupil_id.is_(None)).order_by(StagedEnrolment.row_number)))
    keys = preload_keys({f"import:{batch.id}"})  # noqa: F841 — held so unseal finds the key in the session
    created: dict[str, Pupil] = {}
    for row in staged:
        pupil = created.get(row.personal_code_index)
        if pupil is None:
            pupil = Pupil(first_name=row.first_name, last_name=row.last_name, birth_date=row.birth_date,
                          declared_municipality_id=row.declared_municipality_id,
                          created_by_institution_id=batch.institution_id)
            db.session.add(pupil)
            db.session.flush()
            seal(pupil, "personal_code", unseal(row, "personal_code"), scope=f"pupil:{pupil.id}")
            pupil.personal_code_index = row.personal_code_index
            created[row.personal_code_index] = pupil
            audit.record("pupil.create", object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id,
                         detail={"import_batch_id": batch.id})
        db.session.add(Enrolment(pupil_id=pupil.id, school_id=row.school_id, class_name=row.class_name,
                                 grade=row.grade, start_date=row.start_date))
    db.session.flush()
    return {code_index: pupil.id for code_index, pupil in created.items()}
