"""Administration pages (administrators manage structure and accounts, never children's data).

One blueprint, "admin" under /admin; the pages are split by subject into the modules imported at
the bottom, which register their routes on `bp`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, render_template, request

from caseflow.access import Permission, current_actor, requires
from caseflow.extensions import db
from caseflow.people.admin import labels, selectors
from caseflow.people.admin.services import Invalid

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.context_processor
def _labels() -> dict:
    return {
        "kind_label": lambda v: labels.label(labels.KIND_LABELS, v),
        "ownership_label": lambda v: labels.label(labels.OWNERSHIP_LABELS, v),
        "level_label": lambda v: labels.label(labels.LEVEL_LABELS, v),
        "measures_label": lambda v: labels.label(labels.MEASURES_LABELS, v),
        "member_kind_label": lambda v: labels.label(labels.MEMBER_KIND_LABELS, v),
        "locale_label": lambda v: labels.LOCALE_LABELS.get(v, v),
    }


def attempt(form, call: Callable[[], Any]) -> tuple[bool, Any]:
    """Run a service; on Invalid roll the request back and put the messages next to the fields."""
    try:
        return True, call()
    except Invalid as exc:
        db.session.rollback()
        for name, messages in exc.errors.items():
            if name in form:
                form[name].errors = [*form[name].errors, *messages]
            else:
                for message in messages:
                    flash(message, "error")
        return False, None


def data(form, *names: str) -> dict:
    """The named fields' data as keyword arguments for a service."""
    return {name: form[name].data for name in names}


def arg_int(name: str) -> int | None:
    """A positive integer from the query string, or None."""
    value = request.args.get(name, type=int)
    return value if value and value > 0 else None


@bp.route("/")
@requires(Permission.ADMIN_MANAGE)
def index():
    """The administration start page: links to every administration page."""
    return render_template("admin/index.html", municipalities=selectors.municipalities(current_actor()))


from caseflow.people.admin.views import (  # noqa: E402, F401 — register the routes
    groups,
    institutions,
    municipalities,
    users,
)
