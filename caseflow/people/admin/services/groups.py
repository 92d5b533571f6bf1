"""Cooperation groups: the group itself, the municipalities a joint group serves, and its seats."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import pgettext
from sqlalchemy import func, select

from caseflow.audit import services as audit
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.meetings.models import (
    CooperationGroup,
    GroupLevel,
    GroupMember,
    GroupMunicipality,
    MeasuresAre,
    MemberKind,
)
from caseflow.people.admin.services import Errors, Invalid, Refused, apply
from caseflow.people.models import Institution, Membership, Municipality, User

GROUP_FIELDS = ("name", "municipality_id", "level", "escalates_to_id", "measures_are",
                "founding_decision_date", "founding_decision_number", "is_active")
MEMBER_FIELDS = ("institution_id", "office", "kind", "is_chair", "user_id", "term_from", "term_to")


def served_municipality_ids(group: CooperationGroup) -> set[int]:
    """The founder and every municipality a joint group serves."""
    return {group.municipality_id, *(link.municipality_id for link in group.municipalities)}


# --- the group ----------------------------------------------------------------------------------

def _group_values(values: dict) -> dict:
    clean = {name: values.get(name) for name in GROUP_FIELDS}
    clean["name"] = (clean["name"] or "").strip()
    clean["founding_decision_number"] = (clean["founding_decision_number"] or "").strip() or None
    clean["is_active"] = bool(clean["is_active"])
    return clean


def _check_group(values: dict, current: CooperationGroup | None) -> None:
    errors = Errors()
    if not values["name"]:
        errors.add("name", pgettext("entity", "Enter the name."))
    if db.session.get(Municipality, values["municipality_id"] or 0) is None:
        errors.add("municipality_id", _("Choose a municipality."))
    if values["level"] not in set(GroupLevel):
        errors.add("level", _("Choose the level."))
    if values["measures_are"] not in set(MeasuresAre):
        errors.add("measures_are", _("Choose what the group's measures are."))
    target_id = values["escalates_to_id"]
    if target_id:
        target = db.session.get(CooperationGroup, target_id)
        if target is None:
            errors.add("escalates_to_id", _("Choose an existing group."))
        elif current is not None and target.id == current.id:
            errors.add("escalates_to_id", _("A group cannot escalate to itself; choose another group."))
        elif current is not None and _escalates_back(target, current):
            errors.add("escalates_to_id", _("That group already escalates to this one."))
    errors.raise_if_any()


def _escalates_back(target: CooperationGroup, current: CooperationGroup) -> bool:
    seen: set[int] = set()
    while target is not None and target.id not in seen:
        if target.escalates_to_id == current.id:
            return True
        seen.add(target.id)
        target = target.escalates_to
    return False


def create_group(**values) -> CooperationGroup:
    """Found a cooperation group; its founding municipality is listed among those it serves."""
    values = _group_values(values)
    _check_group(values, None)
    group = CooperationGroup(**values)
    db.session.add(group)
    db.session.flush()
    db.session.add(GroupMunicipality(group_id=group.id, municipality_id=group.municipality_id))
    db.session.flush()
    audit.record("admin.group_created", object_type="CooperationGroup", object_id=group.id,
                 detail={"fields": sorted(k for k, v in values.items() if v not in (None, ""))})
    return group


def update_group(group: CooperationGroup, **values) -> list[str]:
    """Change a group; returns the changed field names."""
    values = _group_values(values)
    _check_group(values, group)
    changed = apply(group, values)
    if not changed:
        return changed
    if "municipality_id" in changed and group.municipality_id not in {
            link.municipality_id for link in group.municipalities}:
        db.session.add(GroupMunicipality(group_id=group.id, municipality_id=group.municipality_id))
    db.session.flush()
    db.session.expire(group, ["municipalities"])
    audit.record("admin.group_updated", object_type="CooperationGroup", object_id=group.id,
                 detail={"fields": changed})
    return changed


def add_group_municipality(group: CooperationGroup, *, municipality_id: int) -> GroupMunicipality:
    """Let a joint group serve another municipality."""
    if db.session.get(Municipality, municipality_id or 0) is None:
        raise Invalid({"municipality_id": [_("Choose a municipality.")]})
    if municipality_id in served_municipality_ids(group):
        raise Invalid({"municipality_id": [_("The group already serves this municipality.")]})
    link = GroupMunicipality(group_id=group.id, municipality_id=municipality_id)
    db.session.add(link)
    db.session.flush()
    db.session.expire(group, ["municipalities"])
    audit.record("admin.group_municipality_added", object_type="CooperationGroup", object_id=group.id,
                 detail={"municipality_id": municipality_id})
    return link


def remove_group_municipality(group: CooperationGroup, link: GroupMunicipality) -> None:
    """Stop serving a municipality (not the founder, and not while its institutions hold seats)."""
    if link.municipality_id == group.municipality_id:
        raise Refused(_("The founding municipality cannot be removed."))
    seats = db.session.scalar(select(func.count()).select_from(GroupMember).join(Institution).where(
        GroupMember.group_id == group.id, Institution.municipality_id == link.municipality_id,
        (GroupMember.term_to.is_(None)) | (GroupMember.term_to >= local_today())))
    if seats:
        raise Refused(_("Institutions of this municipality still hold seats in the group. "
                        "End their terms first."))
    municipality_id = link.municipality_id
    db.session.delete(link)
    db.session.flush()
    db.session.expire(group, ["municipalities"])
    audit.record("admin.group_municipality_removed", object_type="CooperationGroup",
                 object_id=group.id, detail={"municipality_id": municipality_id})


# --- seats --------------------------------------------------------------------------------------

def _member_values(values: dict, errors: Errors) -> dict:
    clean = {name: values.get(name) for name in MEMBER_FIELDS if name != "user_id"}
    clean["office"] = (clean["office"] or "").strip()
    clean["is_chair"] = bool(clean["is_chair"])
    username = (values.get("username") or "").strip().lower()
    clean["user_id"] = None
    if username:
        user_id = db.session.scalar(select(User.id).where(func.lower(User.username) == username))
        if user_id is None:
            errors.add("username", _("There is no account with this user name."))
        clean["user_id"] = user_id
    return clean


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    return (a_from or date.min) <= (b_to or date.max) and (b_from or date.min) <= (a_to or date.max)


def _check_member(group: CooperationGroup, values: dict, current: GroupMember | None,
                  errors: Errors) -> None:
    if not values["office"]:
        errors.add("office", _("Enter the office that holds the seat."))
    if values["kind"] not in set(MemberKind):
        errors.add("kind", _("Choose member or advisory participant."))
    institution = db.session.get(Institution, values["institution_id"] or 0)
    if institution is None:
        errors.add("institution_id", _("Choose an institution."))
    elif institution.municipality_id not in served_municipality_ids(group):
        errors.add("institution_id", _("The institution is in a municipality the group does not serve."))
    if values["term_from"] and values["term_to"] and values["term_to"] < values["term_from"]:
        errors.add("term_to", _("The end of the term is before its start."))
    if values["user_id"] and institution is not None and not db.session.scalar(
            select(Membership.id).where(Membership.user_id == values["user_id"],
                                        Membership.institution_id == institution.id).limit(1)):
        errors.add("username", _("This person has no role at the chosen institution."))
    if values["is_chair"] and "term_to" not in errors:
        for other in group.members:
            if other is current or not other.is_chair:
                continue
            if _overlaps(values["term_from"], values["term_to"], other.term_from, other.term_to):
                errors.add("is_chair", _("The group already has a chair for this term (%(office)s).",
                                         office=other.office))
                break
    errors.raise_if_any()


def add_member(group: CooperationGroup, **values) -> GroupMember:
    """Give an institution (and optionally a named person) a seat in the group."""
    errors = Errors()
    values = _member_values(values, errors)
    _check_member(group, values, None, errors)
    member = GroupMember(group_id=group.id, **values)
    db.session.add(member)
    db.session.flush()
    db.session.expire(group, ["members"])
    audit.record("admin.group_member_added", object_type="GroupMember", object_id=member.id,
                 detail={"group_id": group.id,
                         "fields": sorted(k for k, v in values.items() if v not in (None, "", False))})
    return member


def update_member(member: GroupMember, **values) -> list[str]:
    """Change a seat (its term ends by setting the end date; seats are never deleted)."""
    errors = Errors()
    values = _member_values(values, errors)
    _check_member(member.group, values, member, errors)
    changed = apply(member, values)
    if changed:
        db.session.flush()
        audit.record("admin.group_member_updated", object_type="GroupMember", object_id=member.id,
                     detail={"group_id": member.group_id, "fields": changed})
    return changed
