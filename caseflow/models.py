"""Import every model module so that metadata (and Alembic) sees all tables."""
from caseflow.actions.models import Action, CalendarFeed, FollowUp, Notice  # noqa: F401
from caseflow.audit.models import AuditEntry, AuditHead  # noqa: F401
from caseflow.cases.models import (  # noqa: F401
    Case,
    CaseEntry,
    CaseEvent,
    CaseParty,
    CaseRiskFactor,
    CaseTeamMember,
    Note,
    Referral,
)
from caseflow.cases.taxonomy import ListEntry, RiskGroup, RiskItem  # noqa: F401
from caseflow.concerns.models import Concern  # noqa: F401
from caseflow.crypto.models import DataKey  # noqa: F401
from caseflow.emergency.models import AccessAlert, EmergencyGrant  # noqa: F401
from caseflow.imports.models import (  # noqa: F401
    AbsenceRecord,
    AbsenceTotal,
    ClassRecord,
    GradeRecord,
    ImportBatch,
    ImportProblem,
    ImportUploadChunk,
    StagedAbsence,
    StagedEnrolment,
    StagedGrade,
    StagedTotal,
)
from caseflow.inforequests.models import InfoRequest  # noqa: F401
from caseflow.meetings.models import (  # noqa: F401
    AgendaItem,
    Attendance,
    CooperationGroup,
    GroupMember,
    GroupMunicipality,
    GroupSession,
    ItemReport,
    Minutes,
    MinutesAddendum,
    SessionRequest,
)
from caseflow.monitoring.models import (  # noqa: F401
    ActivityYear,
    AnnualReport,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    IndicatorValue,
    PlanActivity,
    PlanGoal,
    PlanTask,
    PlanVersion,
    SeedCheck,
    StatisticRow,
    StatisticTable,
    WorkingGroupMeeting,
)
from caseflow.notify.models import JobLease, OutboxMessage  # noqa: F401
from caseflow.people.auth.models import PasswordToken, RecoveryCode, SignInFailure, UserSession  # noqa: F401
from caseflow.people.calendar import Semester  # noqa: F401
from caseflow.people.models import Institution, Membership, Municipality, MunicipalSetting, User  # noqa: F401
from caseflow.plans.models import DeliveredHours, PlanMeasure, SupportPlan  # noqa: F401
from caseflow.pupils.models import Enrolment, Pupil  # noqa: F401
from caseflow.records.models import LegalHold, RetentionRecord, RetentionRun  # noqa: F401
from caseflow.sharing.models import CaseParticipant  # noqa: F401
from caseflow.warning.models import WarningDismissal, WarningNotice, WarningRun, WarningSignal  # noqa: F401
