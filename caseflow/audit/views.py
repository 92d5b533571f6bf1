"""The data-protection officer's audit pages: search the trail, who saw this pupil."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer

from caseflow.access import Actor, Permission, current_actor, requires
from caseflow.audit import forms, selectors
from caseflow.audit import services as audit

bp = Blueprint("audit", __name__, url_prefix="/audit")

#: how long the link to a pupil's report stays valid after the personal code was entered
REPORT_MAX_AGE_SECONDS = 3600


def _page_size() -> int:
    return int(current_app.config.get("PAGE_SIZE", 50))


def _before() -> int | None:
    """The keyset of the requested page: entries older than this seq."""
    value = request.args.get("before", type=int)
    return value if value and value > 0 else None


def _report_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="caseflow.audit.pupil-report")


def _report_token(actor: Actor, pupil_id: int) -> str:
    """A signed, expiring reference to a pupil found by personal code, valid only for this officer."""
    return _report_serializer().dumps({"p": pupil_id, "u": actor.user_id})


def _pupil_from_token(actor: Actor, token: str) -> int | None:
    try:
        data = _report_serializer().loads(token, max_age=REPORT_MAX_AGE_SECONDS)
    except BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("u") != actor.user_id or not isinstance(data.get("p"), int):
        return None
    return data["p"]


@bp.route("/")
@requires(Permission.AUDIT_VIEW)
def index():
    """Search the audit trail: newest first, filtered by user, action, dates and institution."""
    actor = current_actor()
    form = forms.TrailSearchForm(request.args)
    form.institution.choices = [("", _("All institutions")), *selectors.institution_choices(actor)]
    page, next_url, first_url = None, None, None
    if form.validate():
        filters, before = form.filters(), _before()
        page = selectors.search_trail(actor, filters, before=before, limit=_page_size())
        audit.record("audit.search", detail={**filters.used(), **({"before": before} if before else {})})
        args = {name: value for name, value in request.args.items() if name in form._fields and value}
        if page.next_before:
            next_url = url_for("audit.index", **args, before=page.next_before)
        if before:
            first_url = url_for("audit.index", **args)
    return render_template("audit/index.html", form=form, page=page, next_url=next_url,
                           first_url=first_url)


@bp.route("/pupil", methods=["GET", "POST"])
@requires(Permission.AUDIT_VIEW)
def pupil_lookup():
    """Find a pupil by exact personal code to see who read or changed their data."""
    actor = current_actor()
    form = forms.PupilLookupForm()
    not_found = False
    if form.validate_on_submit():
        pupil = selectors.pupil_by_personal_code(actor, form.personal_code.data)
        if pupil is not None:
            return redirect(url_for("audit.pupil_report", t=_report_token(actor, pupil.id)), code=303)
        audit.record("audit.pupil_report", detail={"found": False})
        not_found = True
    return render_template("audit/pupil_lookup.html", form=form, not_found=not_found)


@bp.route("/pupil/report")
@requires(Permission.AUDIT_VIEW)
def pupil_report():
    """Who saw or changed a pupil's data: when, who, role, institution, what, from where."""
    actor = current_actor()
    pupil_id = _pupil_from_token(actor, request.args.get("t", ""))
    if pupil_id is None:
        flash(_("The report link has expired. Enter the personal code again."), "info")
        return redirect(url_for("audit.pupil_lookup"))
    pupil = selectors.pupil_identity(actor, pupil_id)
    if pupil is None:
        abort(404)
    before = _before()
    page = selectors.pupil_trail(actor, pupil_id, before=before, limit=_page_size())
    audit.record("audit.pupil_report", object_type="Pupil", object_id=pupil_id, pupil_id=pupil_id,
                 detail={"before": before} if before else {})
    token = request.args["t"]
    next_url = url_for("audit.pupil_report", t=token, before=page.next_before) if page.next_before else None
    first_url = url_for("audit.pupil_report", t=token) if before else None
    return render_template("audit/pupil_report.html", pupil=pupil, page=page, next_url=next_url,
                           first_url=first_url)
