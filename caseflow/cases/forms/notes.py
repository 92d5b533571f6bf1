"""Note forms: write a note or a correction (a new version), with a kind and who may read it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, ValidationError

from caseflow.access import Actor
from caseflow.access.policy import note_kind_allowed
from caseflow.cases.models import NoteKind, NoteVisibility
from caseflow.cases.services.notes import MAX_NOTE
from caseflow.core.forms import BaseForm
from caseflow.pupils.forms import _max_length

NOTE_KIND_LABELS = {
    NoteKind.GENERAL: _l("General"),
    NoteKind.CONVERSATION: _l("Conversation"),
    NoteKind.HEALTH: _l("Health"),
    NoteKind.VIOLENCE: _l("Violence"),
    NoteKind.ADDICTION: _l("Addiction"),
    NoteKind.POLICE: _l("Police matter"),
}
VISIBILITY_LABELS = {
    NoteVisibility.INSTITUTION: _l("Only my institution"),
    NoteVisibility.TEAM: _l("The whole case team"),
}


class NoteForm(BaseForm):
    """A note's kind, who may read it and its text (the kinds offered are those the role may use)."""

    kind = SelectField(_l("Kind"), validate_choice=False,
                       description=_l("Health, violence, addiction and police notes are readable only "
                                      "by the roles allowed to read them."))
    visibility = SelectField(_l("Who may read it"), default=NoteVisibility.INSTITUTION,
                             choices=[(str(v), label) for v, label in VISIBILITY_LABELS.items()],
                             validate_choice=False)
    text = TextAreaField(_l("Text"), validators=[DataRequired(message=_l("Write the note.")),
                                                 _max_length(MAX_NOTE)],
                         description=_l("Stored encrypted. A note is never changed: a correction is "
                                        "a new version and the history keeps both."),
                         render_kw={"rows": 8})

    def offer_kinds(self, actor: Actor) -> None:
        """Offer the kinds the actor's role may write."""
        self.kind.choices = [(str(k), NOTE_KIND_LABELS[k]) for k in NoteKind if note_kind_allowed(actor, k)]

    def validate_kind(self, field):
        if field.data not in set(NoteKind):
            raise ValidationError(_l("Choose a kind from the list."))

    def validate_visibility(self, field):
        if field.data not in set(NoteVisibility):
            raise ValidationError(_l("Choose who may read the note."))

    def values(self) -> dict:
        """The fields as the services take them."""
        return {"kind": self.kind.data, "visibility": self.visibility.data, "text": self.text.data}
