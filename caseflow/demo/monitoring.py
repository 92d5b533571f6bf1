"""The monitoring part of the demo: the five seed plans in municipalities of their own (each with an
education board and an analyst account), and the demo municipality's own plan, whose indicators caseflow
computes from the demo's cases, plans, sessions, actions and absences."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from caseflow.demo.institutions import DEMO_CODE, USER_DOMAIN
from caseflow.extensions import db
from caseflow.monitoring.computing import recompute_indicators
from caseflow.monitoring.fixtures import available_profiles, load_into, load_profile
from caseflow.people.models import (
    Institution,
    InstitutionKind,
    Membership,
    Municipality,
    MunicipalSetting,
    User,
)
from caseflow.people.settings import encode

DEMO_PLAN = Path(__file__).parent / "monitoring_data"


def seed_municipalities(*, password_hash: str, today: date, accounts: list) -> dict[str, Municipality]:
    """A municipality per seed plan, with its education board and an analyst; appends (username, name,
    role, institution) of each analyst to `accounts`. Flushes only."""
    made: dict[str, Municipality] = {}
    for name in available_profiles():
        meta = load_profile(name)["meta"]
        municipality = Municipality(code=name, name=meta["name_lv"])
        board = Institution(municipality=municipality, name=f"{meta['name_lv']}: izglītības pārvalde",
                            kind=InstitutionKind.EDUCATION_BOARD.value, email=f"parvalde@{name}.{USER_DOMAIN}")
        login = f"analitikis.{name}@{USER_DOMAIN}"
        user = User(username=login, full_name=f"Analītiķis ({meta['name_lv']})", email=login,
                    password_hash=password_hash, locale="lv")
        user.memberships.append(Membership(institution=board, role="analyst", title="PMP plāna analītiķis",
                                           valid_from=date(today.year - 1, 9, 1)))
        db.session.add_all([municipality, board, user])
        accounts.append((login, user.full_name, "analyst", board.name))
        made[name] = municipality
    db.session.flush()
    return made


def load_monitoring(*, municipalities: dict[str, Municipality], today: date) -> dict[str, int]:
    """Load each seed profile into its municipality and the demo municipality's own plan, then compute
    the figures caseflow's data give. Flushes only."""
    counts = {"indicators": 0}
    for name in available_profiles():
        profile = load_profile(name)
        counts["indicators"] += load_into(municipalities[name].id, profile)["indicators"]
        _report_month(municipalities[name].id, profile)
    own = municipalities[DEMO_CODE]
    profile = load_profile(DEMO_CODE, DEMO_PLAN)
    counts["indicators"] += load_into(own.id, profile)["indicators"]
    _report_month(own.id, profile)
    counts["computed_figures"] = recompute_indicators(own.id, today=today)
    return counts


def _report_month(municipality_id: int, profile: dict) -> None:
    """The municipality's annual report month, as its plan names it."""
    month = profile["meta"]["details"].get("annual_report_month")
    if month:
        db.session.add(MunicipalSetting(municipality_id=municipality_id, key="annual_report_month",
                                        value=encode(int(month))))
