"""Pages of the cooperation groups: sessions and agendas, requests, the record of a session,
minutes. One blueprint, one module per area."""
from flask import Blueprint

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

from caseflow.meetings.views import minutes, recording, requests, sessions  # noqa: E402,F401
