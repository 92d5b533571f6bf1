"""Import batches and their problems, the imported school data, and the staging rows of a preview."""
from caseflow.imports.models.batches import (
    BatchStatus,
    ImportBatch,
    ImportProblem,
    ImportUploadChunk,
)
from caseflow.imports.models.records import (
    AbsenceKind,
    AbsenceRecord,
    AbsenceTotal,
    ClassRecord,
    GradeRecord,
)
from caseflow.imports.models.staging import StagedAbsence, StagedEnrolment, StagedGrade, StagedTotal

__all__ = [
    "AbsenceKind", "AbsenceRecord", "AbsenceTotal", "BatchStatus", "ClassRecord", "GradeRecord", "ImportBatch",
    "ImportProblem", "ImportUploadChunk", "StagedAbsence", "StagedEnrolment", "StagedGrade", "StagedTotal",
]
