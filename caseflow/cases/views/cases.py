"""Work lists, opening a case, the case page and editing what the case is about."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from caseflow.access import Permission, can, current_actor, requires
from caseflow.audit import services as audit
from caseflow.cases import events
from caseflow.cases.forms.cases import FilterForm, case_form, given_filters
from caseflow.cases.selectors import cases as selectors
from caseflow.cases.services import opening
from caseflow.cases.taxonomy import ListKind
from caseflow.cases.views import bp
from caseflow.concerns.models import Concern
from caseflow.core.transactions import lost_race
from caseflow.extensions import db
from caseflow.pupils.selectors import load_pupil


@bp.route("/")
@requires(Permission.CASE_LIST)
def index():
    """A work list of cases with filters, search, sorting and keyset pages."""
    actor = current_actor()
    views = selectors.views_of(actor)
    view = selectors.chosen_view(views, request.args.get("view"))
    form = FilterForm(request.args)
    form.offer(selectors.filter_choices(actor))
    page = selectors.CasePage([], None)
    if form.validate():
        page = selectors.visible_cases(actor, form.filters(view), cursor=request.args.get("after"),
                                       limit=int(current_app.config["PAGE_SIZE"]))
    args = given_filters(request.args)
    if page.rows:
        audit.record("case.list", detail={"view": view, "filters": sorted(args),
                                          "shown": [c.id for c in page.rows]})
    return render_template(
        "cases/index.html", form=form, page=page, views=views, view=view,
        next_url=url_for(".index", view=view, **args, after=page.next_cursor) if page.next_cursor else None,
        first_url=url_for(".index", view=view, **args) if request.args.get("after") else None)


def _case_form(municipality_id: int, school_id: int, *, case=None, **kwargs):
    used = {e.entry_id for e in case.entries} if case else set()
    used_items = {f.item_id for f in case.risk_factors} if case else set()
    groups = selectors.risk_groups(municipality_id, include=used_items)
    form = case_form(groups, **kwargs)
    form.items_in_use = frozenset(used_items)
    form.offer(categories=selectors.entries(municipality_id, ListKind.CATEGORY, include=used),
               noticed=selectors.entries(municipality_id, ListKind.NOTICED_VIA, include=used),
               groups=groups, leads=opening.lead_choices(school_id))
    return form


def _attach(form, exc: opening.CaseError) -> None:
    """A refusal next to its field, or above the form when it is about the pupil or the concern."""
    if exc.field in form:
        form[exc.field].errors = list(form[exc.field].errors) + [str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


def _concern_for(actor) -> Concern | None:
    """The concern a case is opened from (?concern_id=), when it waits in the actor's inbox."""
    concern_id = request.args.get("concern_id", type=int)
    if concern_id is None:
        return None
    concern = db.session.get(Concern, concern_id)
    if concern is None or not can(actor, Permission.CONCERN_HANDLE, concern):
        abort(404)
    return concern


@bp.route("/new/<int:pupil_id>", methods=["GET", "POST"])
@requires(Permission.CASE_OPEN, load=load_pupil)
def open_case(pupil, pupil_id: int):
    """Open a case about a pupil: categories, how the risk was noticed, risk factors, summary."""
    actor = current_actor()
    concern = _concern_for(actor)
    existing = selectors.open_case_of(pupil.id, actor.institution_id)
    form = _case_form(actor.municipality_id, actor.institution_id)
    if request.method == "GET":
        form.lead_user_id.data = actor.user_id if actor.user_id in dict(form.lead_user_id.choices) else None
        if request.args.get("source") == "warning" and concern is None:
            from caseflow.warning.prefill import prefill_case_form

            prefill_case_form(form, actor, pupil.id)
    if existing is None and form.validate_on_submit():
        try:
            case = opening.open_case(actor=actor, pupil=pupil, details=form.details(), concern=concern)
        except opening.CaseError as exc:
            _attach(form, exc)
        except IntegrityError:
            return lost_race(_("A colleague opened a case for this pupil at the same moment."),
                             url_for(".open_case", pupil_id=pupil_id))
        else:
            flash(_("The case was opened. Add the parties and the team, and a support plan if needed."),
                  "success")
            return redirect(url_for(".view", case_id=case.id))
    return render_template("cases/open.html", form=form, pupil=pupil, existing=existing, concern=concern)


def _sections(case, actor) -> dict:
    """The contexts of the case page's sections (notes, people, referral, plans)."""
    from caseflow.cases.selectors import group_work, notes, people, referrals
    from caseflow.inforequests import selectors as inforequests
    from caseflow.plans import selectors as plans
    from caseflow.sharing import selectors as sharing

    context = {}
    for module in (notes, people, referrals, plans, group_work, sharing, inforequests):
        context.update(module.for_case_page(case, actor))
    return context


@bp.route("/<int:case_id>")
@requires(Permission.CASE_VIEW, load=selectors.load_case)
def view(case, case_id: int):
    """The case page: summary, risk factors, plans, notes, parties, team, referral, timeline."""
    actor = current_actor()
    descriptions = {f.id: selectors.risk_description(f) for f in case.risk_factors if f.description_enc}
    return render_template(
        "cases/view.html", case=case, summary=selectors.summary_of(case), descriptions=descriptions,
        timeline=events.timeline(case, actor), event_label=events.label, **_sections(case, actor))


@bp.route("/<int:case_id>/edit", methods=["GET", "POST"])
@requires(Permission.CASE_EDIT, load=selectors.load_case)
def edit(case, case_id: int):
    """Change the categories, how the risk was noticed, summary, lead and risk factors."""
    form = _case_form(case.municipality_id, case.school_id, case=case)
    if request.method == "GET":
        form.categories.data = [e.entry_id for e in case.entries if e.entry.kind == ListKind.CATEGORY]
        form.noticed_via.data = [e.entry_id for e in case.entries if e.entry.kind == ListKind.NOTICED_VIA]
        form.summary.data = selectors.summary_of(case) or ""
        form.concerns_family.data = case.concerns_family
        form.lead_user_id.data = case.lead_user_id
        form.risks.data = [f.item_id for f in case.risk_factors]
        for factor in case.risk_factors:
            if factor.item.is_other:
                form.other_field(factor.item_id).data = selectors.risk_description(factor) or ""
    elif form.validate_on_submit():
        try:
            changed = opening.update_case(actor=current_actor(), case=case, details=form.details())
        except opening.CaseError as exc:
            _attach(form, exc)
        else:
            flash(_("The changes were saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for(".view", case_id=case.id))
    return render_template("cases/edit.html", form=form, case=case)
