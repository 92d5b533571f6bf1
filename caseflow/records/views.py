"""The data-protection officer's records pages: data-subject access, legal holds, retention runs."""
from __future__ import annotations

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.audit import services as audit
from caseflow.core.pdf import pdf_response, render_pdf
from caseflow.emergency.selectors import reach_municipalities
from caseflow.records import forms, selectors
from caseflow.records.services.holds import HoldError, place_hold, release_hold
from caseflow.records.services.retention_categories import CATEGORIES, PUPIL
from caseflow.records.subject_access import ERASED, code_label, subject_export, when

bp = Blueprint("records", __name__, url_prefix="/records")


@bp.route("/subject-access", methods=["GET", "POST"])
@requires(Permission.SUBJECT_ACCESS)
def subject_access():
    """Find the one pupil whose data is to be exported."""
    actor = current_actor()
    form = forms.SubjectLookupForm()
    not_found = False
    if form.validate_on_submit():
        pupil = selectors.find_pupil(actor, personal_code=form.personal_code.data, pupil_id=form.pupil_id.data)
        if pupil is not None:
            return redirect(url_for("records.subject", pupil_id=pupil.id), code=303)
        audit.record("subject_access.not_found", detail={"by": "personal_code" if form.personal_code.data
                                                          else "pupil_id"})
        not_found = True
    return render_template("records/subject_access.html", form=form, not_found=not_found)


def _pupil(pupil_id: int):
    """The pupil, or None after auditing the refused attempt (kept although the answer is a 404)."""
    pupil = selectors.find_pupil(current_actor(), pupil_id=pupil_id)
    if pupil is None:
        audit.record("subject_access.not_found", detail={"pupil_id": pupil_id}, persist_on_failure=True)
    return pupil


def _not_found():
    return render_template("records/subject_not_found.html"), 404


@bp.route("/subject-access/<int:pupil_id>")
@requires(Permission.SUBJECT_ACCESS)
def subject(pupil_id: int):
    """The pupil found: their name and the two downloads (nothing else of their data)."""
    pupil = _pupil(pupil_id)
    if pupil is None:
        return _not_found()
    audit.record("subject_access.found", object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id)
    return render_template("records/subject.html", pupil=pupil)


@bp.route("/subject-access/<int:pupil_id>/export.json")
@requires(Permission.SUBJECT_ACCESS)
def subject_json(pupil_id: int):
    """Everything held about the pupil as JSON (audited, no content in the audit entry)."""
    pupil = _pupil(pupil_id)
    if pupil is None:
        return _not_found()
    data = subject_export(current_actor(), pupil)
    audit.record("subject_access.export", object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id,
                 detail={"format": "json"})
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="subject-access-{pupil.id}.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/subject-access/<int:pupil_id>/export.pdf")
@requires(Permission.SUBJECT_ACCESS)
def subject_pdf(pupil_id: int):
    """Everything held about the pupil as a tagged PDF in Latvian (audited)."""
    pupil = _pupil(pupil_id)
    if pupil is None:
        return _not_found()
    data = subject_export(current_actor(), pupil)
    audit.record("subject_access.export", object_type="Pupil", object_id=pupil.id, pupil_id=pupil.id,
                 detail={"format": "pdf"})
    pdf = render_pdf("records/subject_pdf.html", title=_("Data about %(name)s", name=pupil.full_name),
                     lang="lv", data=data, ERASED=ERASED, when=when, label=code_label)
    return pdf_response(pdf, f"subject-access-{pupil.id}.pdf")


@bp.route("/legal-holds")
@requires(Permission.LEGAL_HOLD)
def holds():
    """Legal holds: in force first, then released."""
    return render_template("records/holds.html", holds=selectors.legal_holds(current_actor()))


@bp.route("/legal-holds/new", methods=["GET", "POST"])
@requires(Permission.LEGAL_HOLD)
def hold_new():
    """Place a legal hold on a case, with the reason."""
    form = forms.HoldForm()
    if form.validate_on_submit():
        try:
            place_hold(actor=current_actor(), case_number=form.case_number.data, reason=form.reason.data)
        except HoldError as error:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            flash(_("The legal hold is in force: retention leaves the case alone until it is released."),
                  "success")
            return redirect(url_for("records.holds"))
    return render_template("records/hold_new.html", form=form)


@bp.route("/legal-holds/<int:hold_id>/release", methods=["POST"])
@requires(Permission.LEGAL_HOLD)
def hold_release(hold_id: int):
    """Release a hold in force."""
    hold = selectors.hold(current_actor(), hold_id)
    if hold is None:
        abort(404)
    try:
        release_hold(actor=current_actor(), hold=hold)
    except HoldError as error:
        flash(str(error.message), "error")
    else:
        flash(_("The legal hold was released."), "success")
    return redirect(url_for("records.holds"))


@bp.route("/retention-runs")
@requires(Permission.RETENTION_VIEW)
def runs():
    """Retention in the officer's municipalities: each category's period, the next run's work, the runs."""
    actor = current_actor()
    municipalities = reach_municipalities(actor)
    return render_template("records/runs.html", municipalities=municipalities,
                           outlook=selectors.retention_outlook(actor, municipalities),
                           runs=selectors.retention_runs(actor, [m.id for m in municipalities]),
                           categories=CATEGORIES, PUPIL=PUPIL)
