"""What every template may ask: the policy's can(), the actor, role names, the language."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_babel import get_locale

from caseflow.access.permissions import ROLE_LABELS, Role
from caseflow.access.policy import can, current_actor


def role_label(role: str | None) -> str:
    """The translated name of a role."""
    try:
        return str(ROLE_LABELS[Role(role)])
    except (ValueError, KeyError):
        return role or ""


def _context() -> dict:
    actor = current_actor()
    return {
        "can": lambda permission, obj=None: can(actor, permission, obj),
        "actor": actor,
        "role_label": role_label,
        "current_locale": str(get_locale() or current_app.config["DEFAULT_LOCALE"]),
        "languages": current_app.config["LANGUAGES"],
        "current_path": request.full_path.rstrip("?") if request else "/",
    }


def install(app: Flask) -> None:
    """Register the template context and helpers."""
    app.context_processor(_context)
    app.jinja_env.globals["role_label"] = role_label
