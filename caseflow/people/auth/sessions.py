"""Server-side sessions: renewed at sign-in, ended at sign-out, idle and absolute timeouts."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, g, request, session
from flask_login import LoginManager

from caseflow.crypto.tokens import digest, new_token
from caseflow.db import local_today, utcnow
from caseflow.extensions import db
from caseflow.people.auth.models import UserSession
from caseflow.people.models import Membership, User

TOUCH_EVERY = timedelta(seconds=60)


def start(user: User) -> UserSession:
    """Begin a new session for the user: a fresh id, the old cookie contents dropped."""
    token = new_token()
    memberships = user.active_memberships()
    row = UserSession(token_digest=digest(token), user=user,
                      membership=memberships[0] if memberships else None,
                      ip=request.remote_addr, user_agent=(request.user_agent.string or "")[:255])
    db.session.add(row)
    language = session.get("lang")
    session.clear()
    session["sid"] = token
    if language:
        session["lang"] = language
    g.user_session = row
    return row


def end(row: UserSession | None, reason: str) -> None:
    """End a session (sign-out, timeout, password change)."""
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        row.end_reason = reason


def end_all_for(user: User, reason: str, *, except_row: UserSession | None = None) -> None:
    """End every open session of a user (after a password change or reset)."""
    rows = db.session.scalars(db.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))).all()
    for row in rows:
        if row is not except_row:
            end(row, reason)


def _expired(row: UserSession) -> str | None:
    cfg = current_app.config
    now = utcnow()
    if now - row.created_at > timedelta(hours=int(cfg["ABSOLUTE_TIMEOUT_HOURS"])):
        return "absolute"
    if now - row.last_seen_at > timedelta(minutes=int(cfg["IDLE_TIMEOUT_MINUTES"])):
        return "idle"
    return None


def load_from_cookie() -> User | None:
    """Flask-Login's request loader: the user of a valid, unexpired session."""
    token = session.get("sid")
    if not token:
        return None
    row = db.session.scalar(db.select(UserSession).where(UserSession.token_digest == digest(token)))
    if row is None or row.ended_at is not None or not row.user.is_active:
        session.pop("sid", None)
        return None
    reason = _expired(row)
    if reason:
        end(row, reason)
        db.session.commit()
        session.pop("sid", None)
        g.session_expired = True
        return None
    if utcnow() - row.last_seen_at > TOUCH_EVERY:
        row.last_seen_at = utcnow()
    g.user_session = row
    return row.user


def current_session() -> UserSession | None:
    """The session row of the current request."""
    return g.get("user_session")


def current_membership() -> Membership | None:
    """The membership the user acts in, if still valid."""
    row = current_session()
    if row is None or row.membership is None:
        return None
    membership = row.membership
    if membership.user_id != row.user_id or not membership.is_valid_on(local_today()):
        return None
    return membership


def switch_membership(membership: Membership) -> None:
    """Act in another of one's own memberships."""
    row = current_session()
    if row is not None and membership.user_id == row.user_id:
        row.membership = membership


def install(app: Flask, login_manager: LoginManager) -> None:
    """Wire Flask-Login to the server-side sessions."""
    login_manager.session_protection = None
    login_manager.request_loader(lambda _request: load_from_cookie())
    login_manager.user_loader(lambda _user_id: None)
