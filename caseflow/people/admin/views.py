"""Administration pages (administrators manage structure and accounts, never children's data)."""
from __future__ import annotations

from flask import Blueprint, render_template

from caseflow.access import Permission, requires

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/")
@requires(Permission.ADMIN_MANAGE)
def index():
    """The administration start page."""
    return render_template("admin/index.html")
