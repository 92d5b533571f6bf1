"""Fixtures of the sharing tests: the meetings world plus a second and a third municipality's
social service and orphans' court, and pupils declared across the municipalities' border."""
from __future__ import annotations

import pytest

from tests.meetings.world import build_world


@pytest.fixture
def world(app, factory):
    w = build_world(app, factory)
    third = factory.municipality(name="Trešais novads")
    w.away_social = factory.institution(w.away.id, kind="social_service", name="Kalnu sociālais dienests")
    w.away_court = factory.institution(w.away.id, kind="orphans_court", name="Kalnu bāriņtiesa")
    w.away_police = factory.institution(w.away.id, kind="municipal_police", name="Kalnu pašvaldības policija")
    w.away_school = factory.institution(w.away.id, kind="basic_school", name="Kalnu pamatskola")
    w.third_social = factory.institution(third.id, kind="social_service", name="Trešā sociālais dienests")
    w.away_worker = factory.user("social_worker", w.away_social.id, locale="en")
    w.away_court_member = factory.user("orphans_court", w.away_court.id, locale="en")
    w.away_pedagogue = factory.user("social_pedagogue", w.away_school.id, locale="en")
    # studies at home, declared away; the case is referred, so the home coordinator has it in sight
    w.crossing = factory.pupil(w.school.id, declared_municipality_id=w.away.id, first_name="Līga",
                               last_name="Robežniece")
    w.shared_case = factory.case(w.crossing.id, w.school.id, w.pedagogue.id, summary="Dzīvo pie vecmāmiņas")
    factory.referral(w.shared_case.id, w.group, w.pedagogue.id)
    # the other direction: studies away, declared at home
    w.back = factory.pupil(w.away_school.id, declared_municipality_id=w.home.id, first_name="Oskars",
                           last_name="Atpakaļnieks")
    w.back_case = factory.case(w.back.id, w.away_school.id, w.away_pedagogue.id, summary="Kavē stundas")
    factory.referral(w.back_case.id, w.away_group, w.away_pedagogue.id)
    return w

