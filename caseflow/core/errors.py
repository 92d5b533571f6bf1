"""Generic error pages with a correlation id; never a traceback."""
from __future__ import annotations

import logging
import secrets

from flask import Flask, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger("caseflow.errors")

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Go back and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Access denied"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("The page does not exist or you do not have access to it.")),
    405: (_l("Not allowed"), _l("This action is not allowed here.")),
    413: (_l("File too large"), _l("The file or form you sent is too large.")),
    429: (_l("Too many requests"), _l("Too many requests. Wait a moment and try again.")),
    500: (_l("Something went wrong"), _l("The request failed and nothing was changed. Try again; if it "
                                         "happens again, give the support team the reference below.")),
    503: (_l("Try again"), _l("The service is briefly unavailable. Nothing was saved; try again.")),
}


def reference() -> str:
    """The request's correlation id; made here when the request failed before the guard set it
    (a CSRF failure is raised by an earlier before-request hook)."""
    return g.setdefault("request_id", secrets.token_hex(8))


def render_error(code: int):
    """Render the error page for an HTTP status."""
    title, text = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, text=text,
                           reference=reference()), code


def handle_http(exc: HTTPException):
    """Answer an HTTP error with the generic page."""
    return render_error(exc.code or 500)


def handle_csrf(exc: CSRFError):
    """A missing or stale CSRF token: the form must be sent again."""
    return render_template("errors/error.html", code=400, title=_l("Form expired"),
                           text=_l("The form has expired. Go back, reload the page and send it again."),
                           reference=reference()), 400


def handle_unexpected(exc: Exception):
    """Log the failure with its reference (no request data) and show the generic page."""
    from sqlalchemy.exc import DataError, OperationalError, StatementError

    from caseflow.extensions import db

    db.session.rollback()
    cause = exc.orig if isinstance(exc, StatementError) else exc
    if isinstance(exc, DataError) or isinstance(cause, OverflowError | ValueError) and isinstance(
            exc, StatementError | OverflowError):
        # input the database cannot hold (a number beyond 64 bits, a NUL character): the
        # request's fault, not the server's
        log.warning("bad input ref=%s endpoint=%s: %s", reference(), request.endpoint, type(cause).__name__)
        return render_error(400)
    log.error("unhandled error ref=%s endpoint=%s: %s", reference(),
              request.endpoint, type(exc).__name__, exc_info=exc)
    return render_error(503 if isinstance(exc, OperationalError) else 500)


def handle_limiter_storage_down(exc: Exception):
    """The rate-limit storage (Redis) cannot be reached: refuse the request ("try again") instead of
    serving it unchecked; a refused sign-in or password reset is recorded in the audit trail."""
    from caseflow.audit import services as audit
    from caseflow.core.ratelimit import SIGN_IN_ENDPOINTS
    from caseflow.extensions import db

    db.session.rollback()
    log.error("rate-limit storage unreachable ref=%s endpoint=%s: %s; request refused", reference(),
              request.endpoint, type(exc).__name__)
    if request.endpoint in SIGN_IN_ENDPOINTS and request.method == "POST":
        audit.record("auth.refused_limiter_down", detail={"endpoint": request.endpoint,
                                                         "error": type(exc).__name__},
                     persist_on_failure=True)
    return render_error(503)


def install(app: Flask) -> None:
    """Register the error handlers."""
    from caseflow.core.ratelimit import storage_errors

    for error in storage_errors():
        app.register_error_handler(error, handle_limiter_storage_down)
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(Exception, handle_unexpected)
