"""`flask demo generate`: Riga-shaped data in the expected proportions, the same rows for the same seed,
an intact audit chain, pages that work on it, and statements that do not grow with the data."""
from __future__ import annotations

import hashlib
import re
import uuid
from datetime import date
from statistics import median
from types import SimpleNamespace

import psycopg
import pytest
from sqlalchemy import func, select

from caseflow.access.permissions import Role
from caseflow.actions.models import Action
from caseflow.audit.models import AuditEntry, AuditHead
from caseflow.audit.verify import verify_chain
from caseflow.cases.models import Case, Referral
from caseflow.crypto import blind_index, seal, unseal
from caseflow.db import local_today, utcnow
from caseflow.demo.generate import DatabaseNotEmpty, generate
from caseflow.demo.generate.people import school_mix
from caseflow.demo.generate.shape import MunicipalityShape, Shape, shape_for
from caseflow.extensions import db
from caseflow.imports.models import AbsenceRecord
from caseflow.meetings.models import AgendaItem, CooperationGroup, GroupSession
from caseflow.people.models import SCHOOL_KINDS, Institution, Membership, Municipality, User
from caseflow.plans.models import DeliveredHours, SupportPlan
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import parse
from tests.conftest import PG_ADMIN_URL, _create_schema, _make_app, _pg_available
from tests.querycount import StatementCounter

DAY = date(2026, 11, 20)
SCALE = 0.001


@pytest.fixture
def fresh_app(backend, tmp_path):
    """Make apps on new, empty databases that share one instance folder (and so one set of keys)."""
    made, databases = [], []

    def make():
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'generated{len(made)}.db'}"
        else:
            problem = _pg_available()
            if problem:
                pytest.skip(problem)
            name = f"caseflow_gen_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            databases.append(name)
            base = PG_ADMIN_URL.rsplit("/", 1)[0]
            url = f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1)
        application = _make_app(url, str(tmp_path / "instance"))
        _create_schema(application)
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    for name in databases:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _generate(app, *, seed: int = 5, scale: float = SCALE, today: date = DAY):
    with app.app_context():
        return generate(seed=seed, scale=scale, today=today)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_counts_follow_the_riga_proportions(fresh_app):
    app = fresh_app()
    summary = _generate(app)
    shape = shape_for(SCALE)
    with app.app_context():
        assert _count(Pupil) == shape.pupils == 70
        assert _count(Institution, Institution.kind.in_([str(k) for k in SCHOOL_KINDS])) == shape.schools
        assert _count(Enrolment, Enrolment.end_date.is_(None)) == shape.pupils
        cases = _count(Case)
        # a few openings find no free pupil in a small school; nearly all are made
        assert 0.9 * shape.cases <= cases <= shape.cases
        closed = _count(Case, Case.status == "closed")
        assert closed / cases > 0.6, "most cases are closed"
        assert 0 < _count(Case, Case.status != "closed")
        referred = _count(Referral)
        assert 0.1 * cases <= referred <= 0.3 * cases
        assert _count(SupportPlan) > 0.3 * cases and _count(DeliveredHours) > _count(SupportPlan)
        assert _count(GroupSession) >= 2 and _count(AgendaItem) > 0 and _count(Action) >= _count(AgendaItem)
        assert _count(AuditEntry) == shape.audit_entries == 1000
        # every role a municipality has, and in every school a head and a social pedagogue
        assert set(db.session.scalars(select(Membership.role).distinct())) == {str(r) for r in Role}
        for school_id in db.session.scalars(select(Institution.id).where(
                Institution.kind.in_([str(k) for k in SCHOOL_KINDS]))):
            roles = set(db.session.scalars(select(Membership.role).where(Membership.institution_id == school_id)))
            assert {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.TEACHER} <= roles
        # one password hash, computed once, for every account
        assert db.session.scalar(select(func.count(User.password_hash.distinct()))) == 1
        # absences: most pupils miss a few lessons, some miss many
        per_pupil = list(db.session.scalars(select(func.count()).select_from(AbsenceRecord)
                                            .group_by(AbsenceRecord.pupil_id)))
        assert sum(per_pupil) == summary.counts["absence_records"]
        assert max(per_pupil) > 3 * median(per_pupil)
    assert summary.counts["cases"] == cases


def test_codes_and_texts_are_encrypted_the_way_the_app_reads_them(fresh_app):
    app = fresh_app()
    _generate(app)
    with app.app_context():
        pupils = db.session.scalars(select(Pupil).order_by(Pupil.id)).all()
        codes = [parse(unseal(p, "personal_code")).value for p in pupils]
        assert len(set(codes)) == len(codes)
        for pupil, code in zip(pupils, codes, strict=True):
            assert pupil.personal_code_index == blind_index(code, purpose="personal_code")
            born = parse(code).birth_date
            assert born is None or born == pupil.birth_date
        case = db.session.scalar(select(Case).order_by(Case.id.desc()).limit(1))
        assert unseal(case, "summary")
        assert pupils[0].first_name_key == pupils[0].first_name.lower().translate(
            str.maketrans("āčēģīķļņšūž", "acegiklnsuz"))


def _checksum(app) -> str:
    """A digest of the rows that do not depend on the keys' randomness (ciphertexts and password hashes do)."""
    digest = hashlib.sha256()
    with app.app_context():
        for columns in (
                (Pupil.id, Pupil.first_name, Pupil.last_name, Pupil.birth_date, Pupil.personal_code_index),
                (Case.id, Case.pupil_id, Case.school_id, Case.status, Case.opened_on, Case.closed_on),
                (Action.id, Action.case_id, Action.institution_id, Action.status, Action.due_on),
                (AuditEntry.seq, AuditEntry.at, AuditEntry.action, AuditEntry.object_id, AuditEntry.hash)):
            for row in db.session.execute(select(*columns).order_by(columns[0])):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_the_same_seed_gives_the_same_rows(fresh_app):
    first, second, other = fresh_app(), fresh_app(), fresh_app()
    _generate(first, seed=11)
    _generate(second, seed=11)
    _generate(other, seed=12)
    assert _checksum(first) == _checksum(second)
    assert _checksum(first) != _checksum(other)


def test_the_audit_chain_verifies(fresh_app):
    app = fresh_app()
    _generate(app)
    with app.app_context():
        verdict = verify_chain()
        assert verdict.ok, verdict.problem
        assert verdict.checked == _count(AuditEntry) == db.session.get(AuditHead, 1).seq
        last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        assert last.action == "demo.generated"
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "audit chain intact" in result.output


def test_the_command_refuses_a_database_that_holds_anything(fresh_app):
    app = fresh_app()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        before = _count(Pupil)
    result = runner.invoke(args=["demo", "generate", "--scale", "0.001", "--today", "2026-11-20"])
    assert result.exit_code != 0 and "not empty" in result.output
    with app.app_context():
        assert _count(Pupil) == before
        with pytest.raises(DatabaseNotEmpty):
            generate(seed=1, scale=SCALE, today=DAY)


def test_the_command_reports_what_it_made(fresh_app):
    app = fresh_app()
    result = app.test_cli_runner().invoke(
        args=["demo", "generate", "--scale", "0.001", "--seed", "3", "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "pupils: 70" in result.output and "Ezerkrasti-demo-2026" in result.output
    with app.app_context():
        assert _count(Pupil) == 70


def test_a_generated_social_pedagogue_works_with_the_cases(fresh_app):
    app = fresh_app()
    summary = _generate(app, today=local_today())
    username = dict((role, name) for name, role in summary.sample_accounts)["social_pedagogue"]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        membership = user.memberships[0]
        seal(user, "totp_secret", "JBSWY3DPEHPK3PXP", scope="system")
        user.totp_enrolled_at = utcnow()
        db.session.commit()
        own = set(db.session.scalars(select(Case.id).where(
            Case.school_id == membership.institution_id, Case.status != "closed")))
        signed_in = SimpleNamespace(id=user.id, membership_id=membership.id)
    from tests.factories import Factory

    client = app.test_client()
    Factory(app).login(client, signed_in)
    listing = client.get("/cases/?view=school")
    assert listing.status_code == 200
    shown = {int(n) for n in re.findall(r"L-(\d{6})", listing.get_data(as_text=True))}
    assert shown and shown <= own, "the school's open cases, and only those"
    case_id = min(shown)
    page = client.get(f"/cases/{case_id}")
    assert page.status_code == 200
    with app.app_context():
        assert _count(AuditEntry, AuditEntry.action == "case.read", AuditEntry.object_id == case_id,
                      AuditEntry.user_id == user.id) >= 1
        assert verify_chain().ok


def test_statements_do_not_grow_with_the_data(fresh_app):
    small, bigger = fresh_app(), fresh_app()
    counted = []
    for app, scale in ((small, SCALE), (bigger, 2 * SCALE)):
        with StatementCounter(app) as counter:
            summary = _generate(app, scale=scale)
        counted.append((len(counter), sum(summary.counts.values())))
    (few, rows_small), (more, rows_bigger) = counted
    assert rows_bigger > 1.8 * rows_small
    assert few == more, "the same number of batches, whatever the rows"
    assert more < rows_bigger / 50


def test_scale_one_is_riga_and_three_and_a_half_the_country():
    riga = shape_for(1)
    assert (riga.pupils, riga.schools, riga.cases, riga.sessions, riga.audit_entries) == \
        (70_000, 100, 100_000, 2_000, 1_000_000)
    country = shape_for(3.5)
    assert len(country.municipalities) == 43
    assert country.pupils == 245_000 and country.municipalities[0].pupils == 70_000
    assert len(shape_for(0.5).municipalities) == 1 and shape_for(0.5).pupils == 35_000
    # the school mix adds up at every size
    for count in (2, 7, 100, 143):
        assert len(school_mix(count)) == count
    assert sum(kind == "secondary_school" for kind, _grades in school_mix(100)) == 45


def test_several_municipalities_each_get_their_own_groups(fresh_app):
    app = fresh_app()
    shape = Shape(0.002, (MunicipalityShape(1, 60, 2, 0.001), MunicipalityShape(2, 40, 2, 0.001)))
    with app.app_context():
        generate(seed=8, scale=0.002, today=DAY, shape=shape)
        municipalities = db.session.scalars(select(Municipality).order_by(Municipality.id)).all()
        assert len(municipalities) == 2
        levels = {m.id: sorted(db.session.scalars(select(CooperationGroup.level).where(
            CooperationGroup.municipality_id == m.id))) for m in municipalities}
        assert levels[municipalities[0].id] == ["management", "specialists"]
        assert levels[municipalities[1].id] == ["single"]
        for municipality in municipalities:
            assert _count(Case, Case.municipality_id == municipality.id) > 0
        # a referral goes to a group of the case's own municipality
        mismatched = select(func.count()).select_from(Referral).join(Case, Case.id == Referral.case_id).join(
            CooperationGroup, CooperationGroup.id == Referral.group_id).where(
            CooperationGroup.municipality_id != Case.municipality_id)
        assert db.session.scalar(mismatched) == 0
        assert _count(Pupil) == 100
        assert verify_chain().ok


def test_a_few_schools_carry_many_cases(fresh_app):
    app = fresh_app()
    with app.app_context():
        generate(seed=5, scale=0.01, today=DAY, shape=Shape(0.01, (MunicipalityShape(1, 700, 10, 0.01),)))
        pupils = dict(db.session.execute(select(Enrolment.school_id, func.count()).where(
            Enrolment.end_date.is_(None)).group_by(Enrolment.school_id)).all())
        cases = dict(db.session.execute(select(Case.school_id, func.count()).group_by(Case.school_id)).all())
    assert len(pupils) == 10
    rate = sorted(((cases.get(s, 0) / n, s) for s, n in pupils.items()), reverse=True)
    heavy = [s for _rate, s in rate[:3]]
    case_share = sum(cases.get(s, 0) for s in heavy) / sum(cases.values())
    pupil_share = sum(pupils[s] for s in heavy) / sum(pupils.values())
    assert rate[0][0] > 2 * rate[-1][0]
    assert case_share > 1.3 * pupil_share
