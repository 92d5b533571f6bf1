"""One transaction per request: commit when the answer is a success, roll back otherwise."""
from __future__ import annotations

from flask import Flask

from caseflow.audit.services import requeue, take_persistent
from caseflow.extensions import db


def finish(response):
    """Commit the request's changes with their audit rows, or keep only must-persist audit rows."""
    if response.status_code < 400:
        db.session.commit()
    else:
        keep = take_persistent(db.session)
        db.session.rollback()
        if keep:
            requeue(db.session, keep)
            db.session.commit()
    return response


def install(app: Flask) -> None:
    """Commit at the end of each request (before the response leaves)."""
    app.after_request(finish)


def lost_race(message, url: str):
    """A unique index refused a row that another request wrote a moment earlier: roll this request's
    changes back, say so, and show the page again (which then finds the other row)."""
    from flask import flash, redirect

    db.session.rollback()
    flash(message, "info")
    return redirect(url)
