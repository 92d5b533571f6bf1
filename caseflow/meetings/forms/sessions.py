"""Session forms: schedule or change a session, cancel it, invite a person."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Optional

from caseflow.core.forms import BaseForm
from caseflow.meetings.models import AttendeeKind, Presence, SessionKind, SessionStatus
from caseflow.pupils.forms import _int_or_none, _max_length

#: how a session's kind, status and an invitee's kind and presence read
KIND_LABELS = {SessionKind.REGULAR: _l("Regular"), SessionKind.EXTRAORDINARY: _l("Extraordinary")}
STATUS_LABELS = {
    SessionStatus.PROPOSED: _l("Proposed, waiting for the chair's confirmation"),
    SessionStatus.PLANNED: _l("Planned"),
    SessionStatus.HELD: _l("Held"),
    SessionStatus.APPROVED: _l("Minutes approved"),
    SessionStatus.CANCELLED: _l("Cancelled"),
}
ATTENDEE_LABELS = {
    AttendeeKind.MEMBER: _l("Member"),
    AttendeeKind.ADVISORY: _l("Advisory"),
    AttendeeKind.PUPIL: _l("Pupil"),
    AttendeeKind.PARENT: _l("Parent or legal representative"),
    AttendeeKind.SCHOOL_STAFF: _l("School staff"),
    AttendeeKind.OTHER: _l("Other invited person"),
}
PRESENCE_LABELS = {Presence.INVITED: _l("Invited"), Presence.PRESENT: _l("Present"),
                   Presence.ABSENT: _l("Absent"), Presence.EXCUSED: _l("Excused")}


class SessionTimeForm(BaseForm):
    """When and where a session takes place (entered in Riga time)."""

    day = DateField(_l("Date"), validators=[InputRequired(message=_l("Enter the session's date."))])
    start = TimeField(_l("Starts at"), validators=[InputRequired(message=_l("Enter the time the session starts."))],
                      description=_l("Riga time, e.g. 14:00."))
    end = TimeField(_l("Ends at"), validators=[InputRequired(message=_l("Enter the time the session ends."))])
    place = StringField(_l("Place"), validators=[Optional(), _max_length(300)],
                        description=_l("A room and address; a place, a video link or both."))
    video_link = StringField(_l("Video link"), validators=[Optional(), _max_length(500)],
                             description=_l("Starts with https://."))


class ScheduleForm(SessionTimeForm):
    """A new session: its time, place and kind."""

    kind = RadioField(_l("Kind of session"), default=SessionKind.REGULAR, validate_choice=False,
                      choices=[(str(k), label) for k, label in KIND_LABELS.items()],
                      validators=[InputRequired(message=_l("Choose a regular or an extraordinary session."))])


class CancelForm(BaseForm):
    """Why a session is cancelled."""

    reason = TextAreaField(_l("Why the session is cancelled"),
                           validators=[InputRequired(message=_l("Write why the session is cancelled.")),
                                       _max_length(500)],
                           description=_l("Invitees get a cancellation without this text. Do not name a child."))


class InviteeForm(BaseForm):
    """A person invited to be heard."""

    name = StringField(_l("Name"), validators=[InputRequired(message=_l("Write the invited person's name.")),
                                               _max_length(200)])
    email = StringField(_l("E-mail address"), validators=[_max_length(254)],
                        description=_l("The invitation and the calendar entry go to this address."))
    kind = SelectField(_l("Who the person is"), validate_choice=False,
                       choices=[(str(k), ATTENDEE_LABELS[k]) for k in (
                           AttendeeKind.PUPIL, AttendeeKind.PARENT, AttendeeKind.SCHOOL_STAFF, AttendeeKind.OTHER)])
    item_id = SelectField(_l("Heard on the agenda item"), coerce=_int_or_none, validate_choice=False,
                          validators=[Optional()])
