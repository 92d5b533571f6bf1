"""In-app notices and the private calendar feed of one's actions' deadlines."""
from __future__ import annotations

from sqlalchemy import update

from caseflow.actions.models import CalendarFeed, Notice
from caseflow.audit import services as audit
from caseflow.crypto.tokens import digest, new_token
from caseflow.db import utcnow
from caseflow.extensions import db


def mark_all_read(*, user_id: int) -> int:
    """Mark every unread notice of the person as read; returns how many."""
    return db.session.execute(update(Notice).where(Notice.user_id == user_id, Notice.read_at.is_(None))
                              .values(read_at=utcnow())).rowcount


def revoke_feeds(*, user_id: int) -> int:
    """Revoke the person's calendar feeds: their URLs stop working at once; returns how many."""
    revoked = db.session.execute(update(CalendarFeed).where(
        CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None)).values(revoked_at=utcnow())).rowcount
    if revoked:
        audit.record("calendar_feed.revoke", object_type="User", object_id=user_id, detail={"feeds": revoked})
    return revoked


def create_feed(*, user_id: int) -> str:
    """A new private feed for the person (replacing any earlier one); returns its token, shown once."""
    revoke_feeds(user_id=user_id)
    token = new_token()
    feed = CalendarFeed(user_id=user_id, token_hash=digest(token))
    db.session.add(feed)
    db.session.flush()
    audit.record("calendar_feed.create", object_type="CalendarFeed", object_id=feed.id)
    return token
