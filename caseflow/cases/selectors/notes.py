"""Reads of notes: the loader of one note through its case, the case page's current notes and a
note's history — always only the notes the policy lets the actor read, decrypted only when shown."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from caseflow.access import Actor, Permission, can, scope
from caseflow.cases.forms.notes import NOTE_KIND_LABELS, VISIBILITY_LABELS, NoteForm
from caseflow.cases.models import Case, Note, NoteKind, NoteVisibility
from caseflow.crypto import DecryptionError, unseal
from caseflow.extensions import db


@dataclass(frozen=True)
class NoteRow:
    """One version of a note as a page shows it."""

    note: Note
    #: the decrypted text (None when the key that protects it is gone)
    text: str | None
    kind_label: str
    visibility_label: str
    #: the actor may correct this version (their own, current note on a case they may write on)
    can_correct: bool


def load_note(case_id: int, note_id: int, **_url_args) -> Note | None:
    """Load a note through its case for @requires (None when it belongs to another case)."""
    return db.session.scalar(select(Note).where(Note.id == note_id, Note.case_id == case_id))


def note_text(note: Note) -> str | None:
    """The decrypted text of a note version (None when it cannot be decrypted)."""
    try:
        return unseal(note, "body")
    except DecryptionError:
        return None


def _readable(actor: Actor):
    return scope(select(Note), actor, Permission.CASE_VIEW, Note).options(
        joinedload(Note.author), joinedload(Note.author_institution))


def _row(note: Note, actor: Actor, *, writable: bool) -> NoteRow:
    return NoteRow(note=note, text=note_text(note),
                   kind_label=str(NOTE_KIND_LABELS.get(NoteKind(note.kind), note.kind)),
                   visibility_label=str(VISIBILITY_LABELS.get(NoteVisibility(note.visibility), note.visibility)),
                   can_correct=writable and note.superseded_at is None and note.author_id == actor.user_id)


def _writable(case: Case, actor: Actor) -> bool:
    return not case.is_closed and can(actor, Permission.NOTE_ADD, case)


def current_notes(case: Case, actor: Actor, *, writable: bool = False) -> list[NoteRow]:
    """The current version of each note on the case the actor may read, newest first."""
    notes = db.session.scalars(_readable(actor).where(Note.case_id == case.id, Note.superseded_at.is_(None))
                               .order_by(Note.id.desc()))
    return [_row(n, actor, writable=writable) for n in notes]


def history(note: Note, case: Case, actor: Actor) -> list[NoteRow]:
    """Every version of a note the actor may read, oldest first."""
    versions = db.session.scalars(_readable(actor).where(
        Note.case_id == case.id, Note.root_id == (note.root_id or note.id)).order_by(Note.version))
    writable = _writable(case, actor)
    return [_row(n, actor, writable=writable) for n in versions]


def note_form(actor: Actor, **kwargs) -> NoteForm:
    """A note form offering the kinds the actor's role may write (prefixed for the case page)."""
    form = NoteForm(prefix="note", **kwargs)
    form.offer_kinds(actor)
    return form


def for_case_page(case: Case, actor: Actor) -> dict:
    """The notes section of the case page: current notes and, where allowed, the add form."""
    writable = _writable(case, actor)
    return {
        "notes_items": current_notes(case, actor, writable=writable),
        "notes_form": note_form(actor, formdata=None) if writable else None,
    }
