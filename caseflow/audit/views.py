"""The data-protection officer's audit pages."""
from __future__ import annotations

from flask import Blueprint, render_template

from caseflow.access import Permission, requires

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@requires(Permission.AUDIT_VIEW)
def index():
    """Search the audit trail."""
    return render_template("audit/index.html")
