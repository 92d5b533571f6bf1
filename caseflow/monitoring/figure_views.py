"""Figures imported from a file: the template, the upload with its preview, and the confirmation."""
from __future__ import annotations

import base64
import binascii

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from caseflow.access import Permission, current_actor, requires
from caseflow.exports.writers import bytes_download
from caseflow.monitoring.figures_import import check_rows, template_csv, write_rows
from caseflow.monitoring.forms import FiguresConfirmForm, FiguresImportForm
from caseflow.monitoring.views import bp

#: the file travels back with the confirmation inside the form, so it stays well below the form size limit
MAX_BYTES = 256 * 1024


@bp.route("/figures/template.csv")
@requires(Permission.MONITORING_EDIT)
def figures_template():
    """The empty file of figures to fill in (CSV, columns separated by semicolons)."""
    return bytes_download(template_csv(), "raditaju-vertibas.csv", "text/csv; charset=utf-8")


def _preview(form: FiguresImportForm, data: bytes, file_name: str):
    rows, problems = check_rows(current_actor().municipality_id, data)
    confirm = None
    if not problems:
        confirm = FiguresConfirmForm(formdata=None, content=base64.b64encode(data).decode("ascii"),
                                     file_name=file_name)
    return render_template("monitoring/figures_import.html", form=form, rows=rows, problems=problems,
                           confirm=confirm)


@bp.route("/figures/import", methods=["GET", "POST"])
@requires(Permission.MONITORING_EDIT)
def figures_import():
    """Upload a file of figures: every problem by row and column, or a preview of what will be written."""
    form = FiguresImportForm()
    if form.validate_on_submit():
        data = form.file.data.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            form.file.errors = [_("The file is larger than %(size)s KB.", size=MAX_BYTES // 1024)]
        else:
            return _preview(form, data, form.file.data.filename or "")
    return render_template("monitoring/figures_import.html", form=form, rows=[], problems=[], confirm=None)


@bp.route("/figures/import/confirm", methods=["POST"])
@requires(Permission.MONITORING_EDIT)
def figures_import_confirm():
    """Write every row of the previewed file as an imported figure, or nothing (the file is checked again)."""
    confirm = FiguresConfirmForm()
    data = None
    if confirm.validate_on_submit():
        try:
            data = base64.b64decode(confirm.content.data, validate=True)
        except (binascii.Error, ValueError):
            data = None
    if not data or len(data) > MAX_BYTES:
        flash(_("The file could not be confirmed; upload it again."), "error")
        return redirect(url_for(".figures_import"))
    file_name = confirm.file_name.data or ""
    rows, problems = check_rows(current_actor().municipality_id, data)
    if problems:
        return render_template("monitoring/figures_import.html", form=FiguresImportForm(formdata=None), rows=[],
                               problems=problems, confirm=None)
    written = write_rows(current_actor(), rows, file_name=file_name)
    flash(ngettext("%(num)d figure was imported.", "%(num)d figures were imported.", written), "success")
    return redirect(url_for(".index"))
