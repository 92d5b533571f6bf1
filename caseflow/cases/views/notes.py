"""Case pages: write a note, correct one's own note (a new version), a note's history."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from caseflow.access import Permission, current_actor, requires
from caseflow.cases.selectors import notes as selectors
from caseflow.cases.selectors.cases import load_case
from caseflow.cases.services import notes as services
from caseflow.cases.views import bp


def _to_notes(case_id: int):
    return redirect(url_for("cases.view", case_id=case_id, _anchor="notes"))


@bp.route("/<int:case_id>/notes/new", methods=["GET", "POST"])
@requires(Permission.NOTE_ADD, load=load_case)
def add_note(case, case_id: int):
    """Write a note on the case (the case page holds the same form)."""
    actor = current_actor()
    form = selectors.note_form(actor)
    if form.validate_on_submit():
        try:
            services.add_note(actor=actor, case=case, **form.values())
        except services.NoteError as exc:
            form[exc.field].errors.append(str(exc.message))
        else:
            flash(_("The note was added."), "success")
            return _to_notes(case.id)
    return render_template("cases/notes/add.html", case=case, form=form)


@bp.route("/<int:case_id>/notes/<int:note_id>/correct", methods=["GET", "POST"])
@requires(Permission.NOTE_ADD, load=selectors.load_note)
def correct_note(note, case_id: int, note_id: int):
    """Correct one's own note: the correction becomes a new version, the old one stays in the history."""
    actor = current_actor()
    case = load_case(case_id)
    defaults = {"kind": note.kind, "visibility": note.visibility, "text": selectors.note_text(note)}
    form = selectors.note_form(actor, data=defaults)
    if form.validate_on_submit():
        try:
            services.correct_note(actor=actor, case=case, note=note, **form.values())
        except services.NoteError as exc:
            form[exc.field].errors.append(str(exc.message))
        else:
            flash(_("The correction was saved as a new version of the note."), "success")
            return _to_notes(case.id)
    return render_template("cases/notes/correct.html", case=case, note=note, form=form,
                           is_author=note.author_id == actor.user_id)


@bp.route("/<int:case_id>/notes/<int:note_id>/history")
@requires(Permission.CASE_VIEW, load=selectors.load_note)
def note_history(note, case_id: int, note_id: int):
    """Every version of a note, oldest first (the read is audited by @requires)."""
    case = load_case(case_id)
    return render_template("cases/notes/history.html", case=case, note=note,
                           versions=selectors.history(note, case, current_actor()))
