"""Import pages: upload → preview (counts and every problem) → confirm or discard."""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from caseflow.access import Permission, current_actor, requires
from caseflow.imports import forms, jobs, selectors, services
from caseflow.imports.formats import FORMATS
from caseflow.imports.messages import message
from caseflow.imports.models import BatchStatus
from caseflow.imports.reading import size_of

bp = Blueprint("imports", __name__, url_prefix="/imports")

STATUS_LABELS = {
    BatchStatus.QUEUED: _l("Waiting for its turn to be checked"),
    BatchStatus.VALIDATING: _l("Being checked"),
    BatchStatus.VALIDATED: _l("Waiting for confirmation"),
    BatchStatus.REJECTED: _l("Not imported: the file has problems"),
    BatchStatus.IMPORTING: _l("Being imported"),
    BatchStatus.IMPORTED: _l("Imported"),
    BatchStatus.DISCARDED: _l("Discarded"),
}


@bp.app_url_value_preprocessor
def _allow_big_uploads(endpoint, values) -> None:
    """Let the upload page take files up to IMPORT_MAX_BYTES: set before the CSRF check reads the form."""
    if endpoint == "imports.index" and request.method == "POST":
        request.max_content_length = services.max_bytes() + 65536


@bp.errorhandler(413)
def _refuse_too_large(exc):
    """A request over the limit, refused by its length before anything was read."""
    limit = services.max_bytes()
    size = request.content_length or 0
    return render_template("imports/too_large.html", text=message("too_large", {
        "size": services.megabytes(size), "limit": services.megabytes(limit)})), 413


def _batch(batch_id: int):
    batch = selectors.load_batch(current_actor(), batch_id)
    if batch is None:
        abort(404)
    return batch


def _too_large() -> str | None:
    """The refusal of a request bigger than the limit, judged from its length alone (nothing read)."""
    limit = services.max_bytes()
    if request.content_length is not None and request.content_length > limit + 65536:
        return message("too_large", {"size": services.megabytes(request.content_length),
                                     "limit": services.megabytes(limit)})
    request.max_content_length = limit + 65536
    return None


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.IMPORT_RUN)
def index():
    """Upload a file; the institution's recent imports."""
    actor = current_actor()
    refusal = _too_large() if request.method == "POST" else None
    form = forms.UploadForm(formdata=None) if refusal else forms.UploadForm()
    if refusal:
        form.file.errors = [refusal]
    elif form.validate_on_submit():
        upload = form.file.data
        importer, kind = services.Importer.of(actor), form.kind.data or None
        if size_of(upload.stream) > jobs.sync_limit():  # a big file: the worker checks it
            batch = jobs.enqueue(importer, upload.stream, file_name=upload.filename or "", kind=kind)
        else:
            batch = services.validate_file(importer, upload.stream, file_name=upload.filename or "", kind=kind)
        return redirect(url_for(".preview", batch_id=batch.id))
    return render_template("imports/index.html", form=form, batches=selectors.recent_batches(actor),
                           schools=selectors.importable_schools(actor), formats=FORMATS,
                           labels=STATUS_LABELS), (413 if refusal else 200)


@bp.route("/<int:batch_id>")
@requires(Permission.IMPORT_RUN)
def preview(batch_id: int):
    """What a file holds: counts and every problem by row and column; confirm when clean."""
    batch = _batch(batch_id)
    offset = request.args.get("offset", 0, type=int)
    return render_template("imports/preview.html", batch=batch, formats=FORMATS, labels=STATUS_LABELS,
                           page=selectors.problems(batch, offset=offset))


@bp.route("/<int:batch_id>/status")
@requires(Permission.IMPORT_RUN)
def status(batch_id: int):
    """How far the worker has checked a big file (the preview page polls this)."""
    batch = _batch(batch_id)
    return jsonify(status=str(batch.status), label=str(STATUS_LABELS[batch.status]), percent=batch.percent,
                   done=not batch.in_progress)


@bp.route("/<int:batch_id>/confirm", methods=["POST"])
@requires(Permission.IMPORT_RUN)
def confirm(batch_id: int):
    """Write every row of a clean preview, all or nothing."""
    batch = _batch(batch_id)
    try:
        services.confirm(batch)
    except services.ImportRefused as exc:
        flash(str(exc.message), "error")
    else:
        flash(_("Imported: %(count)s rows written.", count=batch.rows_written), "success")
    return redirect(url_for(".preview", batch_id=batch.id))


@bp.route("/<int:batch_id>/discard", methods=["POST"])
@requires(Permission.IMPORT_RUN)
def discard(batch_id: int):
    """Abandon a preview."""
    batch = _batch(batch_id)
    try:
        services.discard(batch)
    except services.ImportRefused as exc:
        flash(str(exc.message), "error")
        return redirect(url_for(".preview", batch_id=batch.id))
    flash(_("The import was discarded; nothing was written."), "info")
    return redirect(url_for(".index"))
