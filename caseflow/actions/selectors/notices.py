"""Reads of one's notices and calendar feed."""
from __future__ import annotations

from sqlalchemy import func, select

from caseflow.access import current_actor
from caseflow.actions.models import CalendarFeed, Notice
from caseflow.crypto.tokens import digest
from caseflow.extensions import db
from caseflow.people.models import User


def notices(user_id: int, *, limit: int = 100) -> list[Notice]:
    """The person's latest notices, newest first."""
    return list(db.session.scalars(select(Notice).where(Notice.user_id == user_id)
                                   .order_by(Notice.id.desc()).limit(limit)))


def unread_count(user_id: int) -> int:
    """How many of the person's notices are unread."""
    return db.session.scalar(select(func.count()).select_from(Notice).where(
        Notice.user_id == user_id, Notice.read_at.is_(None)))


def unread_notice_count() -> int:
    """Unread notices of the signed-in person (0 when nobody is signed in), for the navigation badge."""
    actor = current_actor()
    return unread_count(actor.user_id) if actor is not None else 0


def has_feed(user_id: int) -> bool:
    """The person has a calendar feed that works."""
    return db.session.scalar(select(CalendarFeed.id).where(
        CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None)).limit(1)) is not None


def feed_owner(token: str) -> User | None:
    """The active person whose unrevoked feed the token opens, or None."""
    return db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id).where(
        CalendarFeed.token_hash == digest(token), CalendarFeed.revoked_at.is_(None),
        User.is_active_account.is_(True)))
