"""Queue e-mails in the caller's transaction."""
from __future__ import annotations

from caseflow.extensions import db
from caseflow.notify.models import OutboxMessage


def queue_email(*, to: str, subject: str, body: str, user_id: int | None = None,
                ics: str | None = None) -> OutboxMessage:
    """Add an e-mail to the outbox; it leaves only if the surrounding transaction commits."""
    message = OutboxMessage(to_address=to, subject=subject, body=body, user_id=user_id, ics=ics)
    db.session.add(message)
    return message
