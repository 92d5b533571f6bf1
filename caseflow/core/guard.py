"""Deny by default: every endpoint not marked public needs a signed-in, fully enrolled user."""
from __future__ import annotations

import secrets

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

from caseflow.access.policy import load_actor, set_request_actor

#: endpoints a signed-in user who has not yet enrolled two-factor authentication may use
ENROLMENT_ENDPOINTS = frozenset({"auth.enrol_totp", "auth.recovery_codes", "auth.sign_out",
                                 "core.set_language"})


def view_is_public(endpoint: str | None) -> bool:
    """True if the endpoint is static or its view is marked @public."""
    if endpoint is None:
        return True  # 404 for unknown URLs is handled by Flask
    if endpoint == "static" or endpoint.endswith(".static"):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "caseflow_public", False))


def guard() -> None:
    """Refuse anonymous users everywhere but public endpoints; set the request's actor."""
    g.request_id = secrets.token_hex(8)
    set_request_actor(None)
    if view_is_public(request.endpoint):
        if current_user.is_authenticated:
            _set_actor()
        return None
    if not current_user.is_authenticated:
        if request.method == "GET":
            # tell the user why when their session has just timed out (sessions.load_from_cookie)
            expired = "1" if g.get("session_expired") else None
            return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?"), expired=expired))
        abort(401)
    if not current_user.mfa_enrolled and request.endpoint not in ENROLMENT_ENDPOINTS:
        return redirect(url_for("auth.enrol_totp"))
    _set_actor()
    return None


def _set_actor() -> None:
    from caseflow.people.auth.sessions import current_membership

    set_request_actor(load_actor(current_user, current_membership()))


def install(app: Flask) -> None:
    """Register the guard before every request."""
    app.before_request(guard)
