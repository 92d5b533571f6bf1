"""Downloads: the case work list, the action queue and the control board as XLSX or CSV, a support
plan and a session's minutes as XLSX. Each asks the same permission as its page, reads through the
page's selectors and scope, and is audited in the request's transaction."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, request, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, can, current_actor, requires
from caseflow.actions.forms.actions import BoardFilterForm, QueueFilterForm
from caseflow.actions.selectors import board as board_selectors
from caseflow.cases.forms.cases import FilterForm, given_filters
from caseflow.cases.selectors import cases as case_selectors
from caseflow.db import local_today
from caseflow.exports import selectors, services, tables
from caseflow.exports.writers import download, new_book
from caseflow.meetings.selectors import minutes as minutes_selectors
from caseflow.meetings.selectors.recording import load_session
from caseflow.plans import selectors as plan_selectors

bp = Blueprint("exports", __name__, url_prefix="/exports")


@bp.app_template_global()
def export_url(endpoint: str, **values) -> str:
    """The address of a download with the page's current filters (not its page cursor)."""
    args = {k: v for k, v in request.args.items() if k != "after"}
    return url_for(endpoint, **{**args, **values})


def _batch_size() -> int:
    return int(current_app.config.get("EXPORT_BATCH_SIZE", 500))


def _dated(stem: str, fmt: str) -> str:
    """A download name with today's Riga date and no child's name, e.g. lietas-2026-12-03.xlsx."""
    return f"{stem}-{local_today().isoformat()}.{fmt}"


# --- the case work list ---------------------------------------------------------------------------

def _cases(fmt: str):
    """The work list with the page's view and filters; invalid filters go back to the page's form."""
    actor = current_actor()
    view = case_selectors.chosen_view(case_selectors.views_of(actor), request.args.get("view"))
    form = FilterForm(request.args)
    form.offer(case_selectors.filter_choices(actor))
    given = given_filters(request.args)
    if not form.validate():
        return redirect(url_for("cases.index", view=view, **given))
    book = new_book(fmt)
    included = tables.write_cases(book, selectors.case_batches(actor, form.filters(view), size=_batch_size()))
    services.record_export(kind="cases", fmt=fmt, included=included, detail={
        "view": view, "filters": sorted(given)})
    return download(book, _dated("lietas", fmt))


@bp.route("/cases.xlsx")
@requires(Permission.CASE_LIST)
def cases_xlsx():
    """The case work list (every row in sight, with the page's filters) as XLSX."""
    return _cases("xlsx")


@bp.route("/cases.csv")
@requires(Permission.CASE_LIST)
def cases_csv():
    """The case work list (every row in sight, with the page's filters) as CSV."""
    return _cases("csv")


# --- the action queue and the control board -------------------------------------------------------

def _queue(fmt: str):
    form = QueueFilterForm(formdata=request.args)
    form.validate()
    status = form.status.data or "open"
    book = new_book(fmt)
    included = tables.write_actions(book, selectors.queue_batches(current_actor(), status=status,
                                                                  size=_batch_size()),
                                    title=_("Actions of my institution"))
    services.record_export(kind="action_queue", fmt=fmt, included=included, detail={"status": status})
    return download(book, _dated("uzdevumi", fmt))


@bp.route("/actions.xlsx")
@requires(Permission.ACTION_WORK)
def queue_xlsx():
    """The actions of the actor's institution (the queue's status filter) as XLSX."""
    return _queue("xlsx")


@bp.route("/actions.csv")
@requires(Permission.ACTION_WORK)
def queue_csv():
    """The actions of the actor's institution (the queue's status filter) as CSV."""
    return _queue("csv")


def _board(fmt: str):
    actor = current_actor()
    form = BoardFilterForm(formdata=request.args)
    form.validate()
    groups, institutions = board_selectors.filter_choices(actor)
    form.group_id.choices, form.institution_id.choices = groups, institutions
    group_id, institution_id, status = form.narrowed()
    filters = board_selectors.Filters(group_id=group_id, institution_id=institution_id, status=status)
    book = new_book(fmt)
    included = tables.write_actions(book, selectors.board_batches(actor, filters, size=_batch_size()),
                                    title=_("Control board of actions"))
    services.record_export(kind="action_board", fmt=fmt, included=included, detail={
        "group_id": group_id, "institution_id": institution_id, "status": status})
    return download(book, _dated("uzdevumu-kontrole", fmt))


@bp.route("/actions/board.xlsx")
@requires(Permission.ACTION_BOARD)
def board_xlsx():
    """Every action on the chair's control board, as narrowed, as XLSX."""
    return _board("xlsx")


@bp.route("/actions/board.csv")
@requires(Permission.ACTION_BOARD)
def board_csv():
    """Every action on the chair's control board, as narrowed, as CSV."""
    return _board("csv")


# --- a support plan and a session's minutes -------------------------------------------------------

@bp.route("/plans/<int:plan_id>.xlsx")
@requires(Permission.PLAN_VIEW, load=plan_selectors.load_plan)
def plan_xlsx(plan, plan_id: int):
    """A support plan as XLSX: what its page shows."""
    may_see_case = plan.case is not None and can(current_actor(), Permission.CASE_VIEW, plan.case)
    book = new_book("xlsx")
    included = tables.write_plan(
        book, plan, texts=plan_selectors.plan_texts(plan), bases=plan_selectors.measure_bases(plan),
        totals=plan_selectors.plan_totals(plan), class_name=plan_selectors.class_at(plan.pupil, plan.school_id),
        case_number=plan.case.number if may_see_case else None)
    services.record_export(kind="plan", fmt="xlsx", included=included, object_type="SupportPlan",
                           object_id=plan.id, detail={"measures": len(plan.measures)})
    return download(book, f"atbalsta-plans-{plan.id}.xlsx")


@bp.route("/sessions/<int:session_id>/minutes.xlsx")
@requires(Permission.SESSION_VIEW, load=load_session)
def minutes_xlsx(session, session_id: int):
    """A session's minutes as XLSX: exactly the parts the reader may read on the minutes page."""
    own_part = minutes_selectors.reads_only_own_part(current_actor(), session)
    record = minutes_selectors.minutes_record(
        session, **({"institution_id": current_actor().institution_id} if own_part else {}))
    book = new_book("xlsx")
    included = tables.write_minutes(book, record)
    services.record_export(kind="minutes", fmt="xlsx", included=included, object_type="GroupSession",
                           object_id=session.id, detail={"own_part": own_part})
    return download(book, f"protokols-{session.starts_at.year}-{session.number}.xlsx")
