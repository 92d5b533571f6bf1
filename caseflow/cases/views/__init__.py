"""Case pages: one blueprint, one module per area (work lists and the case page, notes, people,
referral, closing)."""
from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")

from caseflow.cases.views import cases, closing, notes, people, referrals  # noqa: E402,F401
