"""Turn an outbox row into a MIME message and hand it to SMTP or the local mail sink."""
from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import current_app

from caseflow.notify.models import OutboxMessage


def build(message: OutboxMessage) -> EmailMessage:
    """The MIME message; its Message-ID is stable so a retried delivery can be recognised."""
    cfg = current_app.config
    mime = EmailMessage()
    mime["From"] = cfg["MAIL_FROM"]
    mime["To"] = message.to_address
    mime["Subject"] = message.subject
    mime["Date"] = format_datetime(message.created_at)
    domain = cfg["MAIL_FROM"].rsplit("@", 1)[-1].strip(">") or "caseflow"
    mime["Message-ID"] = f"<outbox-{message.id}.{message.created_at.strftime('%Y%m%d%H%M%S')}@{domain}>"
    mime.set_content(message.body)
    if message.ics:
        method = re.search(r"^METHOD:(\w+)", message.ics, re.M)
        mime.add_attachment(message.ics.encode(), maintype="text", subtype="calendar", filename="invite.ics",
                            params={"method": method.group(1) if method else "REQUEST"})
    return mime


def send(message: OutboxMessage) -> None:
    """Deliver one message; raises on failure."""
    cfg = current_app.config
    mime = build(message)
    if cfg["MAIL_TRANSPORT"] == "file":
        folder = Path(cfg["MAIL_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{message.id:08d}.eml").write_bytes(bytes(mime))
        return
    with smtplib.SMTP(cfg["SMTP_HOST"], int(cfg["SMTP_PORT"]), timeout=int(cfg["SMTP_TIMEOUT_SECONDS"])) as smtp:
        if cfg["SMTP_STARTTLS"]:
            smtp.starttls()
        if cfg["SMTP_USERNAME"]:
            smtp.login(cfg["SMTP_USERNAME"], cfg["SMTP_PASSWORD"])
        smtp.send_message(mime)

