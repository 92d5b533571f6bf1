"""What each export holds: its sheets, their translated columns and one row per object, written
into a workbook as the batches arrive. Each writer returns what it included, for the audit trail."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import gettext as _

from caseflow.actions.forms.actions import STATUS_LABELS
from caseflow.actions.selectors.actions import is_overdue
from caseflow.db import local_today
from caseflow.exports.writers import Column
from caseflow.meetings.selectors.recording import KIND_LABELS, PRESENCE_LABELS
from caseflow.plans.forms import DYNAMICS_LABELS, MODE_LABELS


@dataclass(frozen=True)
class Included:
    """An object an export included, and the pupil it is about (None: about no child)."""

    object_type: str
    object_id: int
    pupil_id: int | None


def _case_status(case) -> str:
    return {"open": _("Open"), "referred": _("Referred")}.get(case.status, _("Closed"))


def write_cases(book, batches: Iterable[list]) -> list[Included]:
    """The work list: one row per case, the columns of the page and the closing date."""
    book.add_sheet(_("Cases"), [
        Column(_("Case"), 14), Column(_("Pupil"), 28), Column(_("Class"), 8), Column(_("School"), 30),
        Column(_("Categories"), 30), Column(_("Status"), 12), Column(_("Urgent"), 8), Column(_("Lead"), 24),
        Column(_("Opened"), 12), Column(_("Closed on"), 12), Column(_("Last change"), 17)])
    included = []
    for batch in batches:
        for case in batch:
            book.add_row((
                case.number, f"{case.pupil.last_name}, {case.pupil.first_name}", case.class_name,
                case.school.name, "; ".join(e.label for e in case.entries_of("category")), _case_status(case),
                bool(case.urgent and case.status != "closed"), case.lead.full_name if case.lead else None,
                case.opened_on, case.closed_on, case.updated_at))
            included.append(Included("Case", case.id, case.pupil_id))
    return included


def write_actions(book, batches: Iterable, *, title: str) -> list[Included]:
    """Actions (a queue or the board): what, case, institution, person, deadline, status, supervisor."""
    today = local_today()
    book.add_sheet(title, [
        Column(_("What to do"), 40), Column(_("Case"), 14), Column(_("Pupil"), 26), Column(_("Group"), 26),
        Column(_("Institution"), 28), Column(_("Carried out by"), 22), Column(_("Deadline"), 12),
        Column(_("Overdue"), 9), Column(_("Evaluation"), 12), Column(_("Status"), 14),
        Column(_("Supervised by"), 26)])
    included = []
    for batch in batches:
        for a in batch.rows:
            book.add_row((
                batch.descriptions.get(a.id) or _("Action %(id)s", id=a.id),
                a.case.number if a.case else None, a.case.pupil.full_name if a.case else None,
                a.group.name, a.institution.name, a.assignee.full_name if a.assignee else _("Nobody named"),
                a.due_on, is_overdue(a, today), a.evaluate_on, str(STATUS_LABELS.get(a.status, a.status)),
                a.supervisor.name if a.supervisor else _("The chair")))
            included.append(Included("Action", a.id, a.case.pupil_id if a.case else None))
    return included


def _measure_name(m) -> str:
    return f"{m.type.label}: {m.subject.label}" if m.subject else m.type.label


def write_plan(book, plan, *, texts: dict, bases: dict, totals, class_name: str | None,
               case_number: str | None) -> list[Included]:
    """A support plan: the plan and its evaluation, its measures with hours, the delivery log."""
    book.add_sheet(_("Support plan"), [Column("", 24), Column("", 60)], header=False)
    period = (_("%(year)s, semester %(number)s", year=plan.semester.school_year, number=plan.semester.number)
              if plan.semester else _("When needed"))
    facts = [(_("Pupil"), plan.pupil.full_name), (_("School"), plan.school.name), (_("Class"), class_name),
             (_("Period"), period), (_("Begins on"), plan.starts_on), (_("Ends on"), plan.ends_on)]
    if case_number:
        facts.append((_("Case"), case_number))
    facts += [(_("Drawn up"), plan.created_at), (_("Goals"), texts.get("goals")),
              (_("Evaluated on"), plan.evaluated_on),
              (_("Learning dynamics"), str(DYNAMICS_LABELS.get(plan.learning_dynamics, plan.learning_dynamics or ""))),
              (_("Parents informed on"), plan.parents_informed_on), (_("Progress"), texts.get("progress")),
              (_("Next steps"), texts.get("next_steps"))]
    for fact in facts:
        book.add_row(fact)
    book.add_sheet(_("Measures"), [
        Column(_("Type of support"), 30), Column(_("Delivered by"), 26), Column(_("Planned hours"), 12),
        Column(_("Delivered hours"), 12), Column(_("Specialist opinion it rests on"), 50)])
    for m in plan.measures:
        book.add_row((_measure_name(m), m.deliverer.full_name if m.deliverer else None, m.planned_hours,
                      m.delivered_hours, bases.get(m.id)))
    book.add_row((_("Total"), None, totals.planned, totals.delivered, None))
    book.add_sheet(_("Delivery log"), [Column(_("Type of support"), 30), Column(_("Date"), 12),
                                       Column(_("Hours"), 10), Column(_("How"), 14), Column(_("Logged by"), 26)])
    for m in plan.measures:
        for d in m.deliveries:
            book.add_row((_measure_name(m), d.on, d.hours, str(MODE_LABELS.get(d.mode, d.mode)),
                          d.logged_by.full_name))
    return [Included("SupportPlan", plan.id, plan.pupil_id)]


def _item_title(item) -> str:
    if item.case is not None:
        return f"{_('Case %(number)s', number=item.case.number)}: {item.case.pupil.full_name}"
    return item.title or _("Policy item")


def write_minutes(book, record) -> list[Included]:
    """Minutes as the reader may read them: the session, attendance, items, agreed actions, addenda."""
    session = record.session
    book.add_sheet(_("Minutes"), [Column("", 24), Column("", 70)], header=False)
    for fact in ((_("Group"), session.group.name), (_("Session"), session.label),
                 (_("Date and time"), session.starts_at), (_("Place"), session.place),
                 (_("Status"), _("Approved") if record.approved else _("Draft")),
                 (_("Approved on"), record.minutes.approved_at if record.approved else None),
                 (_("General part"), record.text)):
        book.add_row(fact)
    if record.attendance:
        book.add_sheet(_("Attendance"), [Column(_("Name"), 30), Column(_("Institution"), 30),
                                         Column(_("Standing"), 22), Column(_("Presence"), 16)])
        for a in record.attendance:
            presence = str(PRESENCE_LABELS.get(a.presence, a.presence)) + (f", {_('heard')}" if a.heard else "")
            book.add_row((a.name, a.institution.name if a.institution else None,
                          str(KIND_LABELS.get(a.kind, a.kind)), presence))
    book.add_sheet(_("Agenda items"), [
        Column(_("No."), 6), Column(_("Item"), 36), Column(_("What the institutions reported"), 50),
        Column(_("Discussion"), 50), Column(_("Outcome"), 26), Column(_("Next evaluation"), 14)])
    for number, r in enumerate(record.items, start=1):
        reports = "\n".join(f"{institution.name}: {text}" for institution, text in r.reports)
        book.add_row((number, _item_title(r.item), reports, r.discussion, r.outcome_label or None,
                      r.item.next_evaluation_on))
    book.add_sheet(str(record.measures_heading), [
        Column(_("No."), 6), Column(_("Item"), 36), Column(_("What is to be done"), 50),
        Column(_("Institution"), 28), Column(_("Person"), 22), Column(_("Deadline"), 12),
        Column(_("Evaluation"), 12), Column(_("Supervised by"), 26)])
    for number, r in enumerate(record.items, start=1):
        for a, text in r.actions:
            book.add_row((number, _item_title(r.item), text, a.institution.name,
                          a.assignee.full_name if a.assignee else None, a.due_on, a.evaluate_on,
                          a.supervisor.name if a.supervisor else None))
    if record.addenda:
        book.add_sheet(_("Addenda"), [Column(_("Added on"), 17), Column(_("Text"), 80)])
        for addendum, text in record.addenda:
            book.add_row((addendum.added_at, text))
    return [Included("AgendaItem", r.item.id, r.item.case.pupil_id) for r in record.items
            if r.item.case is not None]
