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
                     email=f"user{n}@example.lv", password_hash=hash_password(password), locale=locale)
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
