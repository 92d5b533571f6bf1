"""Benchmark (not a test): validate and import N daily absence rows for P pupils, then recompute the
municipality's early-warning signals; report the times and the peak memory (`make bench`).

    .venv/bin/python -m bench.imports --rows 2000000 --pupils 70000 --backend postgresql
"""
from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, insert, select

from caseflow import create_app
from caseflow.crypto import blind_index
from caseflow.extensions import db
from caseflow.pupils.personal_code import make_new_format

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
HEADERS = ("Personas kods", "Skolas reģistrācijas numurs", "Klase", "Datums", "Stunda", "Veids", "Avots",
           "Ieraksta ID")


def _school_days(start: date, count: int) -> list[date]:
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _world(pupils: int, schools: int):
    from caseflow.people.calendar import Semester
    from caseflow.people.models import Institution, Municipality
    from caseflow.pupils.models import Enrolment, Pupil

    town = Municipality(name="Rīga", code="riga")
    db.session.add(town)
    db.session.flush()
    db.session.add(Semester(municipality_id=town.id, school_year="2025/2026", number=1,
                            starts_on=date(2025, 9, 1), ends_on=date(2025, 12, 19)))
    places = [Institution(municipality_id=town.id, kind="basic_school", name=f"Skola {n}",
                          registration_number=f"43{n:08d}") for n in range(schools)]
    db.session.add_all(places)
    db.session.flush()
    codes = [make_new_format(n) for n in range(pupils)]
    db.session.execute(insert(Pupil), [
        {"first_name": "Bērns", "last_name": f"Nr{n}", "first_name_key": "berns", "last_name_key": f"nr{n}",
         "personal_code_index": blind_index(code, purpose="personal_code"), "created_at": None}
        for n, code in enumerate(codes)])
    ids = list(db.session.scalars(select(Pupil.id).order_by(Pupil.id)))
    db.session.execute(insert(Enrolment), [
        {"pupil_id": pid, "school_id": places[n % schools].id, "class_name": "7.a", "grade": 7,
         "start_date": date(2020, 9, 1)} for n, pid in enumerate(ids)])
    db.session.commit()
    return town.id, [(codes[n], places[n % schools].registration_number) for n in range(pupils)]


def _write_file(path: Path, pupils, rows: int) -> None:
    days = _school_days(date(2025, 9, 1), 70)
    with path.open("w", encoding="cp1257", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADERS)
        for n in range(rows):
            code, school = pupils[n % len(pupils)]
            day = days[(n // len(pupils)) % len(days)]
            writer.writerow((code, school, "7.a", day.strftime("%d.%m.%Y."), 1 + (n // (len(pupils) * len(days))) % 9,
                             "nsak"[n % 4], "eklase", f"E{n:09d}"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--pupils", type=int, default=20_000)
    parser.add_argument("--schools", type=int, default=100)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="caseflow-bench-"))
    name = None
    if args.backend == "postgresql":
        name = f"caseflow_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite:///{work / 'bench.db'}"
    try:
        app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(work / "instance")}, testing=True)
        with app.test_request_context():
            import caseflow.models  # noqa: F401
            from caseflow.imports import services

            db.create_all()
            started = time.perf_counter()
            town_id, pupils = _world(args.pupils, args.schools)
            print(f"world: {args.pupils} pupils in {time.perf_counter() - started:.1f} s")
            path = work / "kavejumi.csv"
            _write_file(path, pupils, args.rows)
            print(f"file: {args.rows} rows, {path.stat().st_size / 1e6:.0f} MB")
            importer = services.Importer(municipality_id=town_id, school_id=None, channel="cli")
            started = time.perf_counter()
            with path.open("rb") as stream:
                batch = services.validate_file(importer, stream, file_name=path.name)
            db.session.commit()
            validated = time.perf_counter() - started
            services.confirm(batch)
            db.session.commit()
            total = time.perf_counter() - started
            from caseflow.imports.models import AbsenceRecord

            written = db.session.scalar(select(func.count()).select_from(AbsenceRecord))
            print(f"{args.backend}: validated {batch.rows_total} rows (bad {batch.rows_bad}) in {validated:.1f} s, "
                  f"imported {written} in {total:.1f} s total; peak memory "
                  f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
            from caseflow.warning.services.compute import compute_signals

            started = time.perf_counter()
            run = compute_signals(town_id, today=date(2025, 12, 19))
            db.session.commit()
            print(f"{args.backend}: signals recomputed for {args.pupils} pupils in "
                  f"{time.perf_counter() - started:.1f} s ({run.signals} signals)")
            db.session.remove()
            db.engine.dispose()
    finally:
        if name:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
