"""Pages of actions: each institution's queue, an action with its follow-up log, the chair's
control board, notices and the calendar feed. One blueprint, one module per area."""
from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")

from caseflow.actions.views import actions, board, feeds  # noqa: E402,F401
