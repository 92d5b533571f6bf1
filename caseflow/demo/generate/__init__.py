"""The Riga-scale data generator (`flask demo generate`): deterministic for a seed, bulk inserts in
batches, one transaction, only into an empty database."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, text

from caseflow.audit.models import AuditEntry
from caseflow.crypto.passwords import hash_password
from caseflow.demo.generate.absences import make_absences
from caseflow.demo.generate.audit import close_chain, make_audit
from caseflow.demo.generate.cases import make_cases, make_concerns
from caseflow.demo.generate.meetings import make_meetings
from caseflow.demo.generate.people import make_groups, make_places, make_staff
from caseflow.demo.generate.pupils import make_pupils
from caseflow.demo.generate.shape import Shape, shape_for
from caseflow.demo.generate.world import World
from caseflow.demo.generate.writer import BATCH, Progress, Writer, no_progress
from caseflow.demo.institutions import DEMO_PASSWORD
from caseflow.extensions import db
from caseflow.people.models import Municipality, User
from caseflow.pupils.models import Pupil


class DatabaseNotEmpty(RuntimeError):
    """The generator writes only into an empty database, never next to other data."""


@dataclass
class Generated:
    """What the generator wrote."""

    seed: int
    scale: float
    today: date
    shape: Shape
    #: table name → rows written
    counts: dict[str, int] = field(default_factory=dict)
    password: str = DEMO_PASSWORD
    #: a user name of a social pedagogue and of a coordinator, to sign in with
    sample_accounts: list[tuple[str, str]] = field(default_factory=list)


def is_empty() -> bool:
    """True if the database holds no municipality, account, pupil or audit entry."""
    return all(db.session.scalar(select(model.id).limit(1)) is None
               for model in (Municipality, User, Pupil, AuditEntry))


def analyse() -> None:
    """Give the planner statistics of the new rows (a bulk load is not waited for by autovacuum)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def generate(*, seed: int, scale: float, today: date, progress: Progress = no_progress,
             batch: int = BATCH, copy: bool | None = None, shape: Shape | None = None) -> Generated:
    """Fill an empty database with Riga-shaped data and commit once; roll everything back on error."""
    # `shape` replaces the one the scale gives (tests use it for several small municipalities)
    if not is_empty():
        raise DatabaseNotEmpty("the database is not empty: generate into a fresh, migrated database")
    shape = shape or shape_for(scale)
    world = World(seed=seed, today=today, rng=random.Random(seed))
    try:
        world.password_hash = hash_password(DEMO_PASSWORD)  # once: every generated account shares it
        writer = Writer(batch=batch, copy=copy)
        make_places(world, writer, shape.municipalities)
        make_staff(world, writer)
        make_groups(world, writer)
        make_pupils(world, writer, progress)
        facts = make_cases(world, writer, progress, shape.cases)
        make_concerns(world, writer)
        make_meetings(world, writer, progress, facts, shape.sessions)
        make_absences(world, writer, progress)
        chain = make_audit(world, writer, progress, facts, shape.audit_entries - 1)
        writer.flush()
        counts = dict(sorted(writer.counts.items()))
        close_chain(chain, today=today, seed=seed, scale=scale, counts=counts)
        writer.finish()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    analyse()
    capital = world.municipalities[0]
    summary = Generated(seed, scale, today, shape, counts=dict(sorted(writer.counts.items())))
    summary.sample_accounts = [(capital.schools[0].pedagogues[0].username, "social_pedagogue"),
                               (capital.schools[0].heads[0].username, "school_head"),
                               (capital.staff["coordinator"][0].username, "coordinator"),
                               (capital.staff["social_worker"][0].username, "social_worker"),
                               (capital.staff["dpo"][0].username, "dpo")]
    return summary
