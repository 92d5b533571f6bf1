"""Test data factories: each call commits and returns a plain record (no ORM object escapes)."""
from __future__ import annotations

import itertools
import time
from datetime import date
from types import SimpleNamespace

import pyotp

from caseflow.crypto import seal
from caseflow.crypto.passwords import hash_password
from caseflow.crypto.tokens import digest, new_token
from caseflow.db import utcnow
from caseflow.extensions import db
from caseflow.people.auth.models import UserSession
from caseflow.people.models import Institution, Membership, Municipality, User
from caseflow.pupils.models import Enrolment, Pupil
from caseflow.pupils.personal_code import make_old_format

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)
_hashes: dict[str, str] = {}


def _hash(password: str) -> str:
    """An argon2 hash of the password, computed once per password (hashing is slow on purpose)."""
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def totp_code(secret: str, *, offset_steps: int = 0) -> str:
    """The TOTP code of a secret for now (or a neighbouring time-step)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


class Factory:
    """Create municipalities, institutions, users with memberships, pupils; sign users in."""

    def __init__(self, app):
        self.app = app

    def municipality(self, name: str | None = None, code: str | None = None):
        n = next(_seq)
        with self.app.app_context():
            m = Municipality(name=name or f"Pašvaldība {n}", code=code or f"m{n}")
            db.session.add(m)
            db.session.commit()
            return SimpleNamespace(id=m.id, name=m.name, code=m.code)

    def institution(self, municipality_id: int | None = None, *, kind: str = "basic_school",
                    name: str | None = None, ownership: str = "municipal"):
        n = next(_seq)
        if municipality_id is None:
            municipality_id = self.municipality().id
        with self.app.app_context():
            i = Institution(municipality_id=municipality_id, kind=kind, name=name or f"Iestāde {n}",
                            ownership=ownership, registration_number=f"R{n:08d}")
            db.session.add(i)
            db.session.commit()
            return SimpleNamespace(id=i.id, name=i.name, municipality_id=municipality_id, kind=kind)

    def user(self, role: str | None = None, institution_id: int | None = None, *, enrolled: bool = True,
             password: str = PASSWORD, username: str | None = None, locale: str = "lv"):
        n = next(_seq)
        if role is not None and institution_id is None:
            institution_id = self.institution().id
        secret = pyotp.random_base32(32)
        with self.app.app_context():
            u = User(username=username or f"user{n}@example.lv", full_name=f"Lietotājs {n}",
                     email=f"user{n}@example.lv", password_hash=_hash(password), locale=locale)
            db.session.add(u)
            db.session.flush()
            if enrolled:
                seal(u, "totp_secret", secret, scope="system")
                u.totp_enrolled_at = utcnow()
            membership_id = None
            if role is not None:
                m = Membership(user_id=u.id, institution_id=institution_id, role=role)
                db.session.add(m)
                db.session.flush()
                membership_id = m.id
            db.session.commit()
            return SimpleNamespace(id=u.id, username=u.username, password=password, email=u.email,
                                   totp_secret=secret if enrolled else None, role=role,
                                   institution_id=institution_id, membership_id=membership_id)

    def membership(self, user_id: int, institution_id: int, role: str) -> int:
        with self.app.app_context():
            m = Membership(user_id=user_id, institution_id=institution_id, role=role)
            db.session.add(m)
            db.session.commit()
            return m.id

    def pupil(self, school_id: int | None = None, *, declared_municipality_id: int | None = None,
              first_name: str = "Anna", last_name: str | None = None, class_name: str = "7.b",
              born: date = date(2012, 3, 14), code: str | None = None):
        n = next(_seq)
        with self.app.app_context():
            from caseflow.crypto import blind_index

            p = Pupil(first_name=first_name, last_name=last_name or f"Bērziņa{n}", birth_date=born,
                      declared_municipality_id=declared_municipality_id)
            db.session.add(p)
            db.session.flush()
            code = code or make_old_format(born, n)
            seal(p, "personal_code", code, scope=f"pupil:{p.id}")
            p.personal_code_index = blind_index(code, purpose="personal_code")
            if school_id is not None:
                db.session.add(Enrolment(pupil_id=p.id, school_id=school_id, class_name=class_name,
                                         grade=int(class_name.split(".")[0]) if class_name[0].isdigit() else None,
                                         start_date=date(2020, 9, 1)))
            db.session.commit()
            return SimpleNamespace(id=p.id, first_name=p.first_name, last_name=p.last_name,
                                   personal_code=code, school_id=school_id)

    def login(self, client, user, membership_id: int | None = None) -> None:
        """Give the client a signed-in session for the user, as a completed sign-in would."""
        token = new_token()
        with self.app.app_context():
            row = UserSession(token_digest=digest(token), user_id=user.id,
                              membership_id=membership_id or user.membership_id, ip="127.0.0.1")
            db.session.add(row)
            db.session.commit()
        with client.session_transaction() as sess:
            sess.clear()
            sess["sid"] = token

    # --- cases ------------------------------------------------------------------------------------

    def taxonomy(self, municipality_id: int, profile: str = "default") -> None:
        """Give a municipality the lists of a taxonomy profile."""
        from caseflow.cases.taxonomy_load import install_profile

        with self.app.app_context():
            install_profile(municipality_id, profile)
            db.session.commit()

    def entry(self, municipality_id: int, kind: str, code: str | None = None) -> int:
        """The id of a list entry (the first of its kind when no code is given)."""
        from sqlalchemy import select

        from caseflow.cases.taxonomy import ListEntry

        with self.app.app_context():
            query = select(ListEntry.id).where(ListEntry.municipality_id == municipality_id,
                                               ListEntry.kind == kind)
            if code:
                query = query.where(ListEntry.code == code)
            return db.session.scalar(query.order_by(ListEntry.position).limit(1))

    def risk_item(self, municipality_id: int, *, other: bool = False) -> int:
        """The id of the first risk item (or the first "other" item) of a municipality."""
        from sqlalchemy import select

        from caseflow.cases.taxonomy import RiskGroup, RiskItem

        with self.app.app_context():
            return db.session.scalar(
                select(RiskItem.id).join(RiskGroup).where(RiskGroup.municipality_id == municipality_id,
                                                          RiskItem.is_other.is_(other))
                .order_by(RiskGroup.position, RiskItem.position).limit(1))

    def case(self, pupil_id: int, school_id: int, opened_by_id: int, *, status: str = "open",
             team: tuple[int, ...] = (), summary: str | None = None, class_name: str = "7.b",
             opened_on: date = date(2026, 9, 15)):
        """A case straight in the tables (services are tested on their own)."""
        from caseflow.cases.models import Case, CaseTeamMember

        with self.app.app_context():
            municipality_id = db.session.get(Institution, school_id).municipality_id
            c = Case(municipality_id=municipality_id, school_id=school_id, pupil_id=pupil_id,
                     status=status, class_name=class_name, opened_on=opened_on,
                     opened_by_id=opened_by_id, lead_user_id=opened_by_id)
            db.session.add(c)
            db.session.flush()
            if summary:
                seal(c, "summary", summary, scope=f"pupil:{pupil_id}")
            for user_id in team:
                db.session.add(CaseTeamMember(case_id=c.id, user_id=user_id, added_by_id=opened_by_id))
            db.session.commit()
            return SimpleNamespace(id=c.id, pupil_id=pupil_id, school_id=school_id,
                                   municipality_id=municipality_id)

    def group(self, municipality_id: int, name: str = "Sadarbības grupa") -> int:
        """A cooperation group of a municipality."""
        from caseflow.meetings.models import CooperationGroup

        with self.app.app_context():
            g = CooperationGroup(name=name, municipality_id=municipality_id)
            db.session.add(g)
            db.session.commit()
            return g.id

    def referral(self, case_id: int, group_id: int, submitted_by_id: int, *, urgent: bool = False) -> int:
        """A submitted referral of a case (and the case marked referred)."""
        from caseflow.cases.models import Case, Referral

        with self.app.app_context():
            c = db.session.get(Case, case_id)
            r = Referral(case_id=case_id, group_id=group_id, submitted_by_id=submitted_by_id,
                         urgent=urgent)
            c.status, c.urgent = "referred", urgent
            db.session.add(r)
            db.session.flush()
            seal(r, "tried", "Sarunas ar vecākiem, konsultācijas.", scope=f"pupil:{c.pupil_id}")
            db.session.commit()
            return r.id
