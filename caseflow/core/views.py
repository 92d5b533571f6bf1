"""Home page, health check and the language switch."""
from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from caseflow.access import Permission, public, requires
from caseflow.core.redirects import local_path
from caseflow.extensions import db

bp = Blueprint("core", __name__)


@bp.route("/")
@requires(Permission.SIGNED_IN)
def home():
    """The signed-in start page: what the current role can do."""
    return render_template("core/home.html")


@bp.route("/health")
@public
def health():
    """Liveness and database reachability, without signing in and without any data."""
    try:
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")
    except Exception:  # noqa: BLE001 — report unhealthy, never the error text
        db.session.rollback()
        return jsonify(status="unavailable"), 503


@bp.route("/language", methods=["POST"])
@public
def set_language():
    """Switch the interface language; remembered on the account when signed in."""
    language = request.form.get("language", "")
    if language in current_app.config["LANGUAGES"]:
        session["lang"] = language
        if current_user.is_authenticated:
            current_user.locale = language
    return redirect(local_path(request.form.get("next")) or url_for("core.home"))
