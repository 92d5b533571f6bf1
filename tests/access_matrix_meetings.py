"""The cooperation-group part of the access matrix: the `meetings` and `actions` endpoints, who holds
each permission, and a world of groups, sessions, requests and actions in every relationship to the
actor. Written out by hand from the specification, not derived from the policy's code.

The rules (the specification):

* The chair of a group is a coordinator of a municipality the group serves. A member is a user whose
  institution holds a current seat in the group and whose role has SESSION_VIEW. Support specialists
  and teachers have no SESSION_VIEW.
* "own_group" is a group of the actor's municipality A where every institution of the matrix world
  holds a seat (board with the chair's seat, social, court, mpolice, spolice, school; not school2);
  "other_municipality" is a group of municipality B with a seat of B's school only. Each has a planned
  session (today) with a case item and a policy item, and a session request from a social pedagogue.
* Actions: one of the own_group session's case item for every institution a role sits at, one more
  supervised by the orphans' court, and one in group B. Work: the own institution only. See: the own
  institution, the supervising one, the chair of the action's group, the case owners of the case's school.
* Group B's case is of a pupil declared in A and shared with A's social service and orphans' court:
  they see the case, not B's actions on it ("shared_case").
"""
from __future__ import annotations

from datetime import timedelta

from caseflow.access.permissions import Role
from caseflow.extensions import db

OWNERS = {Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE}
#: outside institutions that sit in groups and carry out actions
OUTSIDE = {Role.SOCIAL_WORKER, Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE}
#: roles with SESSION_VIEW (and SESSION_REQUEST): the chair and the members' roles
SESSION_ROLES = {Role.COORDINATOR} | OWNERS | OUTSIDE
#: roles with ACTION_VIEW and ACTION_WORK (support specialists work their school's actions)
ACTION_ROLES = SESSION_ROLES | {Role.SUPPORT_SPECIALIST}

_MANAGE = {name: "session.manage" for name in (
    "meetings.schedule", "meetings.edit_session", "meetings.confirm_session", "meetings.cancel_session",
    "meetings.agenda", "meetings.add_proposals", "meetings.add_policy_item", "meetings.invitations",
    "meetings.add_invitee", "meetings.send_invitations", "meetings.decline_request",
    "meetings.schedule_request", "meetings.record_overview", "meetings.record_attendance",
    "meetings.record_add_attendee", "meetings.record_item", "meetings.record_held", "meetings.minutes_text",
    "meetings.minutes_addendum", "meetings.minutes_approve", "meetings.move_item")}

#: endpoint → the permission it must declare. The order is the order the matrix walks them in:
#: meetings.remove_item takes the item off the agenda (the chair's empty form is valid), so it
#: comes after every other endpoint that uses the items.
ENDPOINTS = {
    "meetings.index": "session.view", "meetings.group": "session.view", "meetings.session": "session.view",
    "meetings.minutes_view": "session.view", "meetings.minutes_pdf": "session.view",
    "meetings.minutes_extract": "action.view",
    "meetings.request_hearing": "session.request", "meetings.my_requests": "session.request",
    "meetings.request_view": "session.request",
    **_MANAGE,
    "actions.queue": "action.work", "actions.view": "action.view", "actions.step": "action.work",
    "actions.done": "action.work", "actions.cannot": "action.work", "actions.assign": "action.work",
    "actions.follow_up": "action.work", "actions.board": "action.board",
    "actions.notices": "signed_in", "actions.mark_read": "signed_in", "actions.create_feed": "signed_in",
    "actions.revoke_feed": "signed_in",
    # downloads ask the same permission as their page
    "exports.queue_xlsx": "action.work", "exports.queue_csv": "action.work",
    "exports.board_xlsx": "action.board", "exports.board_csv": "action.board",
    "exports.minutes_xlsx": "session.view",
    "meetings.remove_item": "session.manage",
}

#: permission → roles that hold it (endpoints about no object: 403 for everyone else)
ROLES_WITH = {
    "session.view": SESSION_ROLES,
    "session.request": SESSION_ROLES,
    "action.view": ACTION_ROLES,
    "action.work": ACTION_ROLES,
    "action.board": {Role.COORDINATOR},
}

#: relationship of a group (its session, items, request) to the actor → roles that may use the permission
_MEMBERS = {Role.COORDINATOR, Role.SCHOOL_HEAD, Role.SOCIAL_PEDAGOGUE, Role.SOCIAL_WORKER,
            Role.ORPHANS_COURT, Role.MUNICIPAL_POLICE, Role.STATE_POLICE}
GROUP_RULES = {
    "session.view": {"own_group": _MEMBERS, "other_municipality": set()},
    "session.manage": {"own_group": {Role.COORDINATOR}, "other_municipality": set()},
    # a request is seen by whoever made it (a social pedagogue who is not the actor) and the chair
    "session.request": {"own_group": {Role.COORDINATOR}, "other_municipality": set()},
}
#: endpoints whose rule differs from their permission's: the extract goes to every institution with
#: a seat in the group or an action on one of the session's items (before approval: a "not yet
#: approved" page); roles without ACTION_VIEW are refused before the session is looked at (403)
ENDPOINT_RULES = {
    "meetings.minutes_extract": {"own_group": ACTION_ROLES, "other_municipality": set()},
    # the chair only; the world's case item holds actions, so the removal is refused with a message
    "meetings.remove_item": {"own_group": {Role.COORDINATOR}, "other_municipality": set()},
}
#: endpoints that refuse a role without the permission with 403 before they load their object
ROLE_CHECK_FIRST = {"meetings.minutes_extract", "records.subject", "records.subject_json", "records.subject_pdf"}

#: ask for a hearing of a case (the case relationships of access_matrix_cases, and "group_case": the
#: case of `school` on own_group's agenda, where every institution of the world holds an action): the
#: school's owners on its cases, the coordinator on a case it sees (referred here, on its team, on the
#: agenda of a group it chairs), outside institutions only on a case they hold an action on
CASE_RULES = {
    "session.request": {"own_school": OWNERS, "on_team": OWNERS | {Role.COORDINATOR},
                        "referred_here": {Role.COORDINATOR}, "other_school": set(), "other_municipality": set(),
                        "group_case": OWNERS | {Role.COORDINATOR} | OUTSIDE,
                        # the coordinator's institution is added to "participant" and its municipality
                        # receives "shared": cases in sight; a grant gives sight, never a request
                        "participant": {Role.COORDINATOR}, "shared": {Role.COORDINATOR},
                        "break_the_glass": set(), "break_the_glass_expired": set()},
}

#: what an action's relationship to the actor lets each role do
#: ("shared_case": the other municipality's case is shared with the actor's institution — sight of the
#: case, not of another institution's action on it)
ACTION_RULES = {
    "action.work": {"own_institution": ACTION_ROLES, "supervised": set(), "school_case": set(),
                    "chaired_group": set(), "other_municipality": set(), "shared_case": set()},
    "action.view": {"own_institution": ACTION_ROLES, "supervised": ACTION_ROLES, "school_case": OWNERS,
                    "chaired_group": {Role.COORDINATOR}, "other_municipality": set(), "shared_case": set()},
}
#: the places whose institution the other municipality's group case is shared with
SHARED_WITH = ("social", "court")
#: the actions of the world: label → (institution, supervising institution, school of the case, group)
ACTIONS = {
    **{f"at_{key}": (key, None, "school", "own_group")
       for key in ("board", "school", "social", "court", "mpolice", "spolice")},
    "supervised_by_court": ("mpolice", "court", "school", "own_group"),
    "group_b": ("school_b", None, "school_b", "other_municipality"),
}


def action_relationships(label: str, home: str) -> set[str]:
    """How an action of the world stands to an actor working at `home` (a place of the world)."""
    institution, supervisor, case_school, group = ACTIONS[label]
    facts = {"own_institution"} if institution == home else set()
    if supervisor == home:
        facts.add("supervised")
    if case_school == home:
        facts.add("school_case")
    # every actor of the matrix works in municipality A, which own_group serves (its coordinator chairs it)
    facts.add("chaired_group" if group == "own_group" else "other_municipality")
    if group == "other_municipality" and home in SHARED_WITH:
        facts.add("shared_case")
    return facts


def expected(endpoint: str, permission: str, role: Role, home: str, relationship: tuple) -> bool:
    """Whether the role (working at `home`) may use the endpoint on an object of this world."""
    kind, rel = relationship[0], relationship[1]
    if kind == "action":
        return any(role in ACTION_RULES[permission][fact] for fact in action_relationships(rel, home))
    if kind == "case":
        return role in CASE_RULES[permission][rel]
    return role in (ENDPOINT_RULES.get(endpoint) or GROUP_RULES[permission])[rel]


#: URL arguments that pick an object of the meetings world (group_id only in the meetings blueprint:
#: the admin blueprint's group pages use the admin world's group)
MEETING_ARGUMENTS = {"session_id", "item_id", "request_id", "group_id"}


def _kind(rule) -> str | None:
    """Which world a route's arguments pick from: "actions", "meetings", "case", or None."""
    if rule.endpoint == "meetings.request_hearing":
        return "case"
    if "action_id" in rule.arguments:
        return "actions"
    if (rule.endpoint.startswith("meetings.") or rule.endpoint == "exports.minutes_xlsx") \
            and rule.arguments & MEETING_ARGUMENTS:
        return "meetings"
    return None


def handles(rule) -> bool:
    """True for a route whose arguments pick a group, session, item, request or action of this world."""
    return _kind(rule) is not None


def iter_urls(world: dict, rule, home: str):
    """(relationship, url) pairs of a meetings or actions route over the matrix world (its "cases"
    and its "meetings") for an actor working at `home`: one action for each distinct way an action
    can stand to that actor (the first of ACTIONS that stands so)."""
    kind, meetings = _kind(rule), world["meetings"]
    if kind == "case":
        case_ids = {rel: ids["case_id"] for rel, ids in world["cases"].items() if "case_id" in ids}
        for rel, case_id in {**case_ids, "group_case": meetings["case_id"]}.items():
            yield ("case", rel), rule.build({"case_id": case_id})[1]
    elif kind == "actions":
        seen: set[frozenset[str]] = set()
        for label, action_id in meetings["actions"].items():
            facts = frozenset(action_relationships(label, home))
            if facts not in seen:
                seen.add(facts)
                yield ("action", label, "+".join(sorted(facts))), rule.build({"action_id": action_id})[1]
    elif kind == "meetings":
        for rel, ids in meetings["groups"].items():
            items = [(None, None)]
            if "item_id" in rule.arguments:
                # the policy item (about no child) on the own group only: elsewhere the session decides
                items = [("case item", ids["item_id"])]
                if rel == "own_group":
                    items.append(("policy item", ids["policy_item_id"]))
            for what, item_id in items:
                values = {**ids, "item_id": item_id}
                relationship = ("meeting", rel, what) if what else ("meeting", rel)
                yield relationship, rule.build({k: values[k] for k in rule.arguments})[1]


def build_meetings_world(app, factory, places, municipalities) -> dict:
    """Groups in both relationships, each with a planned session (today) holding a case item and a
    policy item, and an open request; actions on the own group's case item: label → ids."""
    from caseflow.actions.models import Action
    from caseflow.cases.models import Case
    from caseflow.crypto import seal
    from caseflow.db import local_today
    from caseflow.meetings.models import (
        AgendaItem,
        CooperationGroup,
        GroupMember,
        GroupSession,
        SessionRequest,
    )
    from caseflow.sharing.models import CaseParticipant
    from tests.meetings.world import riga

    a, b = municipalities
    today = local_today()
    pedagogues = {key: factory.user("social_pedagogue", places[key].id) for key in ("school", "school_b")}
    pupils = {key: factory.pupil(places[key].id, declared_municipality_id=a.id) for key in ("school", "school_b")}
    world: dict = {"groups": {}, "actions": {}}
    with app.app_context():
        setup = {"own_group": (a, "school", ("board", "social", "court", "mpolice", "spolice", "school")),
                 "other_municipality": (b, "school_b", ("school_b",))}
        cases = {}
        for rel, (municipality, school, seats) in setup.items():
            group = CooperationGroup(name=f"Matricas grupa {rel}", municipality_id=municipality.id)
            group.members = [GroupMember(institution_id=places[key].id, office=f"Pārstāvis {key}",
                                         is_chair=key == "board") for key in seats]
            db.session.add(group)
            db.session.flush()
            sp, pupil = pedagogues[school], pupils[school]
            case = Case(municipality_id=municipality.id, school_id=places[school].id, pupil_id=pupil.id,
                        opened_on=today - timedelta(days=30), opened_by_id=sp.id, lead_user_id=sp.id)
            db.session.add(case)
            db.session.flush()
            session = GroupSession(group_id=group.id, municipality_id=municipality.id, status="planned", number=1,
                                   starts_at=riga(today), ends_at=riga(today, 16), place="Domes zāle",
                                   uid=f"matrix-{group.id}@caseflow.test")
            db.session.add(session)
            db.session.flush()
            case_item = AgendaItem(session_id=session.id, position=0, kind="case", case_id=case.id)
            policy_item = AgendaItem(session_id=session.id, position=1, kind="policy", title="Darba plāns")
            made = SessionRequest(group_id=group.id, case_id=case.id, requester_kind="social_pedagogue",
                                  submitted_by_id=sp.id, submitted_by_institution_id=places[school].id)
            db.session.add_all([case_item, policy_item, made])
            db.session.flush()
            seal(made, "reasons", "Kavē skolu", scope=f"pupil:{pupil.id}")
            cases[rel] = (group, case_item, case, pupil)
            if rel == "own_group":
                world["case_id"] = case.id
            else:  # B's case of a pupil declared in A, shared with A's social service and orphans' court
                db.session.add_all([CaseParticipant(case_id=case.id, institution_id=places[key].id, why="shared",
                                                    added_by_id=sp.id) for key in SHARED_WITH])
            world["groups"][rel] = {"group_id": group.id, "session_id": session.id, "item_id": case_item.id,
                                    "policy_item_id": policy_item.id, "request_id": made.id}
        for label, (institution, supervisor, _school, rel) in ACTIONS.items():
            group, item, case, pupil = cases[rel]
            action = Action(municipality_id=group.municipality_id, group_id=group.id, item_id=item.id,
                            case_id=case.id, institution_id=places[institution].id, due_on=today + timedelta(days=14),
                            supervisor_institution_id=places[supervisor].id if supervisor else None)
            db.session.add(action)
            db.session.flush()
            seal(action, "description", "Apmeklēt ģimeni", scope=f"pupil:{pupil.id}")
            world["actions"][label] = action.id
        db.session.commit()
    return world
