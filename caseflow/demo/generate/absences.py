"""A semester of daily absence records, as if each municipality had imported its schools' diaries:
most pupils miss a few lessons, some miss many (a long tail), whole days mostly for illness."""
from __future__ import annotations

import hashlib
import math
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import update

from caseflow.demo.generate.world import Municipality, World
from caseflow.demo.generate.writer import Progress, Writer
from caseflow.imports.models import AbsenceKind, AbsenceRecord, BatchStatus, ImportBatch

#: missed lessons per pupil in a whole semester, on average (Riga: 2 million for 70,000 pupils)
LESSONS_PER_PUPIL = 28
#: spread of the per-pupil rate: a lognormal tail, so a few pupils miss very many lessons
SPREAD = 1.1
#: a missed whole day counts this many lessons
LESSONS_A_DAY = 6
#: kinds of a missed whole day and of a single lesson
DAY_KINDS = ((AbsenceKind.ILLNESS, 70), (AbsenceKind.EXCUSED_OTHER, 15), (AbsenceKind.UNEXCUSED, 15))
LESSON_KINDS = ((AbsenceKind.UNEXCUSED, 55), (AbsenceKind.LATE, 35), (AbsenceKind.EXCUSED_OTHER, 10))


def _school_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)
            if (first + timedelta(days=n)).weekday() < 5]


def make_absences(world: World, writer: Writer, progress: Progress) -> None:
    """The current semester's absences so far, one import batch per municipality."""
    total = sum(len(s.pupils) for s in world.schools)
    with progress("absences", total) as advance:
        for municipality in world.municipalities:
            semester = max((s for s in municipality.semesters if s.starts_on < world.today),
                           key=lambda s: s.starts_on)
            last = min(semester.ends_on, world.today - timedelta(days=1))
            days = _school_days(semester.starts_on, last)
            share = len(days) / max(1, len(_school_days(semester.starts_on, semester.ends_on)))
            _municipality(world, writer, municipality, semester.id, days, LESSONS_PER_PUPIL * share)
            advance(sum(len(s.pupils) for s in municipality.schools))


def _municipality(world: World, writer: Writer, municipality: Municipality, semester_id: int,
                  days: list[date], mean: float) -> None:
    rng = world.rng
    batch_id = writer.next_id(ImportBatch)
    imported = datetime.combine(days[-1] if days else world.today, time(18), tzinfo=UTC)
    digest = hashlib.sha256(f"generated:{world.seed}:{municipality.code}:{semester_id}".encode()).hexdigest()
    writer.add(ImportBatch, {
        "id": batch_id, "kind": "absences", "municipality_id": municipality.id, "institution_id": None,
        "uploaded_by_id": None, "role": None, "channel": "cli", "file_name": "generated-absences.csv",
        "file_sha256": digest, "file_size": 0, "encoding": "utf-8", "status": str(BatchStatus.IMPORTED),
        "rows_total": 0, "rows_bad": 0, "rows_new": 0, "rows_unchanged": 0, "rows_changed": 0,
        "problems_total": 0, "created_at": imported, "validated_at": imported, "imported_at": imported,
        "rows_written": 0})
    mu = math.log(max(mean, 0.01)) - SPREAD ** 2 / 2
    written = 0
    for school in municipality.schools:
        source = "viis" if school.number % 2 else "eklase"
        for pupil in school.pupils:
            wanted = int(rng.lognormvariate(mu, SPREAD)) if days else 0
            taken: set[tuple[date, int]] = set()
            while len(taken) < wanted and len(taken) < len(days) * LESSONS_A_DAY:
                day = rng.choice(days)
                if rng.random() < 0.6:
                    kind = rng.choices([k for k, _w in DAY_KINDS], [w for _k, w in DAY_KINDS])[0]
                    lessons = range(1, LESSONS_A_DAY + 1)
                else:
                    kind = rng.choices([k for k, _w in LESSON_KINDS], [w for _k, w in LESSON_KINDS])[0]
                    lessons = (rng.randint(1, 8),)
                for lesson in lessons:
                    if (day, lesson) in taken:
                        continue
                    taken.add((day, lesson))
                    record_id = writer.next_id(AbsenceRecord)
                    writer.add(AbsenceRecord, {
                        "id": record_id, "municipality_id": municipality.id, "pupil_id": pupil.id,
                        "school_id": school.id, "semester_id": semester_id, "class_name": pupil.class_name,
                        "day": day, "lesson": lesson, "kind": str(kind), "source": source,
                        "source_record_id": f"gen-{record_id}", "batch_id": batch_id, "created_at": imported})
            written += len(taken)
    # the batch's counts are known only now: one UPDATE once its rows are written
    writer.flush()
    writer.connection.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(
        rows_total=written, rows_new=written, rows_written=written))
