"""Write notes on a case. A note is never changed in place: a correction is a new version that
supersedes the previous one. The text is stored only encrypted; the timeline names a sensitive
kind to nobody."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from caseflow.access import Actor, Permission, can
from caseflow.access.permissions import NOTE_KIND_ROLES
from caseflow.access.policy import note_kind_allowed
from caseflow.audit import services as audit
from caseflow.cases.events import record_event
from caseflow.cases.models import Case, Note, NoteKind, NoteVisibility
from caseflow.crypto import DecryptionError, seal, unseal
from caseflow.db import utcnow
from caseflow.extensions import db

#: longest text of a note
MAX_NOTE = 20_000


class NoteError(ValueError):
    """A note was refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message):
        super().__init__(str(message))
        self.field = field
        self.message = message


def _checked(actor: Actor, case: Case, *, kind: str, visibility: str, text: str | None) -> str:
    """Check a note against every rule; return its text, trimmed."""
    if case.is_closed:
        raise NoteError("text", _l("A closed case cannot be changed. Reopen it first."))
    if not can(actor, Permission.NOTE_ADD, case):
        raise NoteError("text", _l("You cannot write notes on this case."))
    if kind not in set(NoteKind):
        raise NoteError("kind", _l("Choose a kind from the list."))
    if not note_kind_allowed(actor, kind):
        raise NoteError("kind", _l("Your role cannot write notes of this kind. Choose another kind."))
    if visibility not in set(NoteVisibility):
        raise NoteError("visibility", _l("Choose who may read the note."))
    text = (text or "").strip()
    if not text:
        raise NoteError("text", _l("Write the note."))
    if len(text) > MAX_NOTE:
        raise NoteError("text", _l("Write at most %(max)d characters.", max=MAX_NOTE))
    return text


def _event_detail(note: Note) -> dict:
    """The timeline's detail: the kind only when it is not one whose readers the policy restricts."""
    detail = {"note_id": note.id}
    if note.kind not in NOTE_KIND_ROLES:
        detail["kind"] = note.kind
    return detail


def _text_of(note: Note) -> str | None:
    try:
        return unseal(note, "body")
    except DecryptionError:
        return None


def add_note(*, actor: Actor, case: Case, kind: str, visibility: str, text: str) -> Note:
    """Write a note on a case (its first version)."""
    text = _checked(actor, case, kind=kind, visibility=visibility, text=text)
    note = Note(case_id=case.id, version=1, kind=kind, visibility=visibility, author_id=actor.user_id,
                author_institution_id=actor.institution_id, created_at=utcnow())
    db.session.add(note)
    db.session.flush()
    note.root_id = note.id
    seal(note, "body", text, scope=f"pupil:{case.pupil_id}")
    record_event(case, "note_added", actor=actor, detail=_event_detail(note))
    db.session.flush()
    audit.record("note.add", object_type="Note", object_id=note.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "kind": kind, "visibility": visibility})
    return note


def correct_note(*, actor: Actor, case: Case, note: Note, kind: str, visibility: str, text: str) -> Note:
    """Correct one's own note: a new version with the same root; the previous one is superseded."""
    if note.case_id != case.id:
        raise NoteError("text", _l("This note belongs to another case."))
    if note.author_id != actor.user_id:
        raise NoteError("text", _l("Only the author can correct a note. Add a new note instead."))
    if note.superseded_at is not None:
        raise NoteError("text", _l("This version has already been corrected; correct the newest one."))
    text = _checked(actor, case, kind=kind, visibility=visibility, text=text)
    fields = [name for name, old, new in (("kind", note.kind, kind), ("visibility", note.visibility, visibility),
                                          ("text", _text_of(note), text)) if old != new]
    if not fields:
        raise NoteError("text", _l("Nothing was changed: change the text, the kind or who may read it."))
    now = utcnow()
    # a conditional UPDATE: of two corrections sent at once, only one supersedes this version
    superseded = db.session.execute(
        update(Note).where(Note.id == note.id, Note.superseded_at.is_(None)).values(superseded_at=now))
    if superseded.rowcount != 1:
        raise NoteError("text", _l("Someone corrected this note a moment ago; correct the newest version."))
    correction = Note(case_id=case.id, root_id=note.root_id or note.id, version=note.version + 1, kind=kind,
                      visibility=visibility, author_id=actor.user_id,
                      author_institution_id=note.author_institution_id, created_at=now)
    db.session.add(correction)
    db.session.flush()
    seal(correction, "body", text, scope=f"pupil:{case.pupil_id}")
    record_event(case, "note_corrected", actor=actor, detail=_event_detail(correction))
    db.session.flush()
    audit.record("note.correct", object_type="Note", object_id=correction.id, pupil_id=case.pupil_id,
                 detail={"case_id": case.id, "root_id": correction.root_id,
                         "version": correction.version, "fields": fields})
    return correction
