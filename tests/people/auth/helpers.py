"""Helpers for the sign-in tests: post the form, read the error, inspect sessions."""
from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from types import SimpleNamespace

from sqlalchemy import func, select

from caseflow.crypto.tokens import digest
from caseflow.extensions import db
from caseflow.people.auth.models import SignInFailure, UserSession
from caseflow.people.models import User

#: a fixed moment (a Tuesday morning in Riga) for tests that move time
T0 = datetime(2031, 3, 4, 8, 0, 5, tzinfo=UTC)

GENERIC_ERROR = "The user name, password or one-time code is not correct."
THROTTLED_ERROR = "Too many failed attempts. Wait 15 minutes and try again, or reset your password."

_ERROR = re.compile(r'id="sign-in-error"><p>(.*?)</p>', re.S)


def use_english(client) -> None:
    """Choose English for an anonymous browser, so messages can be compared with their text."""
    response = client.post("/language", data={"language": "en", "next": "/sign-in"})
    assert response.status_code == 302


def sign_in(client, username: str, password: str, code: str = "", *, next: str | None = None,
            address: str = "127.0.0.1"):
    """Post the sign-in form from an address (in English unless the browser chose a language)."""
    with client.session_transaction() as sess:
        sess.setdefault("lang", "en")
    return client.post("/sign-in", query_string={"next": next} if next is not None else None,
                       data={"username": username, "password": password, "code": code},
                       environ_base={"REMOTE_ADDR": address})


def sign_in_error(response) -> str | None:
    """The error message of the sign-in page, or None."""
    found = _ERROR.search(response.get_data(as_text=True))
    return html.unescape(found.group(1)).strip() if found else None


def sid(client) -> str | None:
    """The session id stored in the browser's session cookie."""
    with client.session_transaction() as sess:
        return sess.get("sid")


def session_rows(app, user_id: int) -> list[SimpleNamespace]:
    """The user's server-side sessions as plain records, oldest first."""
    with app.app_context():
        rows = db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)
                                  .order_by(UserSession.id)).all()
        return [SimpleNamespace(id=r.id, token_digest=r.token_digest, ended_at=r.ended_at,
                                end_reason=r.end_reason, membership_id=r.membership_id, ip=r.ip,
                                created_at=r.created_at, last_seen_at=r.last_seen_at) for r in rows]


def session_of(app, client) -> SimpleNamespace | None:
    """The server-side session behind the browser's cookie."""
    token = sid(client)
    if token is None:
        return None
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.token_digest == digest(token)))
        return None if row is None else SimpleNamespace(
            id=row.id, user_id=row.user_id, ended_at=row.ended_at, end_reason=row.end_reason,
            membership_id=row.membership_id)


def failures(app, key: str | None = None) -> int:
    """How many failed sign-ins are kept (under one throttle key, or in all)."""
    with app.app_context():
        query = select(func.count()).select_from(SignInFailure)
        if key is not None:
            query = query.where(SignInFailure.key_digest == digest(key))
        return db.session.scalar(query)


def update_user(app, user_id: int, **values) -> None:
    """Change columns of a user directly in the database."""
    with app.app_context():
        user = db.session.get(User, user_id)
        for name, value in values.items():
            setattr(user, name, value)
        db.session.commit()


def is_sign_in_redirect(response) -> bool:
    """True if the response sends the browser to the sign-in page."""
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
