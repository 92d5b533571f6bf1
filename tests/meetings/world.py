"""A municipality whose cooperation group is at work: the shared world of tests/meetings and
tests/actions. Groups, seats, cases, referrals; sessions and actions straight in the tables."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from caseflow.crypto import seal
from caseflow.db import local_today
from caseflow.extensions import db

RIGA = ZoneInfo("Europe/Riga")


def riga(day: date, hour: int = 14, minute: int = 0) -> datetime:
    """A Riga wall-clock moment as an aware datetime (what the app stores, in UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=RIGA)


def seat(app, group_id: int, institution_id: int, office: str, *, user_id: int | None = None,
         kind: str = "member", chair: bool = False) -> int:
    """A seat in a group."""
    from caseflow.meetings.models import GroupMember

    with app.app_context():
        m = GroupMember(group_id=group_id, institution_id=institution_id, office=office, user_id=user_id,
                        kind=kind, is_chair=chair)
        db.session.add(m)
        db.session.commit()
        return m.id


def session(app, group_id: int, *, day: date | None = None, status: str = "planned", number: int = 1,
            hours: int = 2, created_by_id: int | None = None) -> int:
    """A session of a group straight in the tables (14:00 Riga time, `hours` long)."""
    from caseflow.meetings.models import CooperationGroup, GroupSession

    day = day or local_today() + timedelta(days=7)
    with app.app_context():
        group = db.session.get(CooperationGroup, group_id)
        s = GroupSession(group_id=group_id, municipality_id=group.municipality_id, status=status, number=number,
                         starts_at=riga(day), ends_at=riga(day, 14 + hours), place="Domes zāle",
                         uid=f"session-{group_id}-{day.isoformat()}-{number}@caseflow.test",
                         created_by_id=created_by_id)
        db.session.add(s)
        db.session.commit()
        return s.id


def item(app, session_id: int, *, case_id: int | None = None, reason: str = "added", position: int = 0,
         title: str | None = None, referral_id: int | None = None) -> int:
    """An agenda item (a case item, or a policy item with a title)."""
    from caseflow.meetings.models import AgendaItem

    with app.app_context():
        i = AgendaItem(session_id=session_id, case_id=case_id, kind="case" if case_id else "policy",
                       reason=reason, position=position, title=title, referral_id=referral_id)
        db.session.add(i)
        db.session.commit()
        return i.id


def action(app, *, group_id: int, institution_id: int, case_id: int | None, due_on: date,
           item_id: int | None = None, status: str = "new", text: str = "Apmeklēt ģimeni",
           supervisor_institution_id: int | None = None, assignee_id: int | None = None) -> int:
    """An action straight in the tables, its description sealed like the services seal it."""
    from caseflow.actions.models import Action
    from caseflow.cases.models import Case
    from caseflow.meetings.models import CooperationGroup

    with app.app_context():
        group = db.session.get(CooperationGroup, group_id)
        a = Action(municipality_id=group.municipality_id, group_id=group_id, item_id=item_id, case_id=case_id,
                   institution_id=institution_id, due_on=due_on, status=status, assignee_id=assignee_id,
                   supervisor_institution_id=supervisor_institution_id)
        db.session.add(a)
        db.session.flush()
        scope = f"pupil:{db.session.get(Case, case_id).pupil_id}" if case_id else f"group:{group_id}"
        seal(a, "description", text, scope=scope)
        db.session.commit()
        return a.id


def build_world(app, factory) -> SimpleNamespace:
    """`home` with an education board (coordinator = chair), social service, orphans' court,
    municipal and state police, two schools; group `group` with seats for all but `school2`;
    a management group `board_group` the first escalates to; `away` with its own group;
    cases: `case` (referred, submitted), `case2` (open), `case_other` at school2; users of each."""
    from caseflow.meetings.models import CooperationGroup

    home = factory.municipality(name="Ezerkrastu novads")
    away = factory.municipality(name="Kalnu novads")
    factory.taxonomy(home.id)
    board = factory.institution(home.id, kind="education_board", name="Ezerkrastu izglītības pārvalde")
    social = factory.institution(home.id, kind="social_service", name="Ezerkrastu sociālais dienests")
    court = factory.institution(home.id, kind="orphans_court", name="Ezerkrastu bāriņtiesa")
    mpolice = factory.institution(home.id, kind="municipal_police", name="Ezerkrastu pašvaldības policija")
    spolice = factory.institution(home.id, kind="state_police", name="Valsts policijas Ezerkrastu iecirknis")
    school = factory.institution(home.id, kind="basic_school", name="Ezerkrastu pamatskola")
    school2 = factory.institution(home.id, kind="secondary_school", name="Ezerkrastu vidusskola")
    away_board = factory.institution(away.id, kind="education_board", name="Kalnu izglītības pārvalde")
    w = SimpleNamespace(home=home, away=away, board=board, social=social, court=court, mpolice=mpolice,
                        spolice=spolice, school=school, school2=school2, away_board=away_board)
    w.chair = factory.user("coordinator", board.id, locale="en")
    w.social_worker = factory.user("social_worker", social.id, locale="en")
    w.court_member = factory.user("orphans_court", court.id, locale="en")
    w.inspector = factory.user("municipal_police", mpolice.id, locale="en")
    w.officer = factory.user("state_police", spolice.id, locale="en")
    w.pedagogue = factory.user("social_pedagogue", school.id, locale="en")
    w.head = factory.user("school_head", school.id, locale="en")
    w.teacher = factory.user("teacher", school.id, locale="en")
    w.pedagogue2 = factory.user("social_pedagogue", school2.id, locale="en")
    w.away_chair = factory.user("coordinator", away_board.id, locale="en")
    w.management = factory.group(home.id, name="Ezerkrastu vadības grupa")
    w.group = factory.group(home.id, name="Ezerkrastu sadarbības grupa")
    w.away_group = factory.group(away.id, name="Kalnu sadarbības grupa")
    with app.app_context():
        g = db.session.get(CooperationGroup, w.group)
        g.level, g.escalates_to_id = "specialists", w.management
        db.session.get(CooperationGroup, w.management).level = "management"
        db.session.commit()
    w.seats = SimpleNamespace(
        chair=seat(app, w.group, board.id, "Bērnu tiesību aizsardzības speciālists", user_id=w.chair.id,
                   chair=True),
        social=seat(app, w.group, social.id, "Sociālā dienesta vadītājs", user_id=w.social_worker.id),
        court=seat(app, w.group, court.id, "Bāriņtiesas priekšsēdētājs", user_id=w.court_member.id),
        mpolice=seat(app, w.group, mpolice.id, "Pašvaldības policijas priekšnieks", user_id=w.inspector.id),
        spolice=seat(app, w.group, spolice.id, "Valsts policijas pārstāvis", user_id=w.officer.id),
        school=seat(app, w.group, school.id, "Skolas direktors", user_id=w.head.id, kind="advisory"),
    )
    seat(app, w.management, board.id, "Izglītības pārvaldes vadītājs", user_id=w.chair.id, chair=True)
    seat(app, w.management, social.id, "Sociālā dienesta vadītājs")
    w.pupil = factory.pupil(school.id, first_name="Marta", last_name="Kalniņa", class_name="7.b")
    w.pupil2 = factory.pupil(school.id, first_name="Jānis", last_name="Ozols", class_name="8.a")
    w.pupil3 = factory.pupil(school2.id, first_name="Ilze", last_name="Liepa", class_name="10.c")
    w.case = factory.case(w.pupil.id, school.id, w.pedagogue.id, summary="Neapmeklē skolu kopš oktobra")
    w.referral = factory.referral(w.case.id, w.group, w.pedagogue.id)
    w.case2 = factory.case(w.pupil2.id, school.id, w.pedagogue.id, summary="Konflikti klasē")
    w.case_other = factory.case(w.pupil3.id, school2.id, w.pedagogue2.id, summary="Kavējumi")
    return w
