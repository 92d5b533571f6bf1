"""Import every model module so that metadata (and Alembic) sees all tables."""
from caseflow.audit.models import AuditEntry, AuditHead  # noqa: F401
from caseflow.crypto.models import DataKey  # noqa: F401
from caseflow.meetings.models import CooperationGroup, GroupMember, GroupMunicipality  # noqa: F401
from caseflow.notify.models import OutboxMessage  # noqa: F401
from caseflow.people.auth.models import PasswordToken, RecoveryCode, SignInFailure, UserSession  # noqa: F401
from caseflow.people.calendar import Semester  # noqa: F401
from caseflow.people.models import Institution, Membership, Municipality, MunicipalSetting, User  # noqa: F401
from caseflow.pupils.models import Enrolment, Pupil  # noqa: F401
