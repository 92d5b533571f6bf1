"""Session request forms: ask a group to hear a case; the chair declines or schedules it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional

from caseflow.core.forms import BaseForm
from caseflow.meetings.models import RequesterKind, RequestStatus
from caseflow.meetings.services.common import MAX_TEXT
from caseflow.pupils.forms import _int_or_none, _max_length

REQUESTER_LABELS = {
    RequesterKind.MEMBER: _l("A member of the group"),
    RequesterKind.SCHOOL_ADMINISTRATION: _l("The school's administration"),
    RequesterKind.TEACHER: _l("A teacher"),
    RequesterKind.SOCIAL_PEDAGOGUE: _l("A social pedagogue"),
    RequesterKind.PARENTS: _l("Parents (entered by staff)"),
    RequesterKind.OTHER: _l("Someone else (entered by staff)"),
}
STATUS_LABELS = {
    RequestStatus.OPEN: _l("Waiting for the chair"),
    RequestStatus.SCHEDULED: _l("On a session's agenda"),
    RequestStatus.DECLINED: lazy_pgettext("a request", "Declined"),
}


class RequestForm(BaseForm):
    """Who asks, which group, why, and whether it is urgent."""

    group_id = SelectField(_l("Cooperation group"), coerce=_int_or_none, validate_choice=False,
                           validators=[InputRequired(message=_l("Choose a cooperation group."))])
    requester_kind = SelectField(_l("Who asks"), validate_choice=False,
                                 choices=[("", _l("Choose"))] + [(str(k), v) for k, v in REQUESTER_LABELS.items()],
                                 validators=[InputRequired(message=_l("Choose who asks for the hearing."))])
    requested_for = StringField(_l("Name of the person who asks"), validators=[Optional(), _max_length(200)],
                                description=_l("Only when you enter the request for parents or someone else."))
    reasons = TextAreaField(_l("Why the group should hear the case"),
                            validators=[InputRequired(message=_l("Write why the group should hear the case.")),
                                        _max_length(MAX_TEXT)],
                            description=_l("The chair reads it. Stored encrypted."))
    urgent = BooleanField(_l("Urgent: propose an extraordinary session at once"))


class DeclineForm(BaseForm):
    """The chair declines a request with a reason."""

    reason = TextAreaField(_l("Why the request is declined"),
                           validators=[InputRequired(message=_l("Write why the request is declined.")),
                                       _max_length(MAX_TEXT)],
                           description=_l("The requester reads it. Stored encrypted."))


class ScheduleRequestForm(BaseForm):
    """The chair puts a request's case on an open session's agenda."""

    session_id = SelectField(_l("Session"), coerce=_int_or_none, validate_choice=False,
                             validators=[InputRequired(message=_l("Choose a session."))])
