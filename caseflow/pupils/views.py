"""Pupil registry pages."""
from __future__ import annotations

from flask import Blueprint, render_template

from caseflow.access import Permission, requires

bp = Blueprint("pupils", __name__, url_prefix="/pupils")


@bp.route("/")
@requires(Permission.PUPIL_LIST)
def index():
    """Pupils the current role may see."""
    return render_template("pupils/index.html")


@bp.route("/new")
@requires(Permission.PUPIL_CREATE)
def create():
    """Add a pupil."""
    return render_template("pupils/index.html")
