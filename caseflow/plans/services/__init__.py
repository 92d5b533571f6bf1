"""Changes to support plans. Every rule is checked before anything is written, so a refusal leaves
nothing behind; each change is audited with ids and field names only, never text."""
from caseflow.plans.services.common import PlanError
from caseflow.plans.services.hours import log_hours, remove_hours
from caseflow.plans.services.measures import (
    MeasureInput,
    add_measure,
    remove_measure,
    update_measure,
)
from caseflow.plans.services.plans import (
    Evaluation,
    PlanInput,
    check_continuation,
    continue_plan,
    create_plan,
    evaluate_plan,
    update_goals,
)

__all__ = [
    "Evaluation", "MeasureInput", "PlanError", "PlanInput", "add_measure", "check_continuation",
    "continue_plan", "create_plan", "evaluate_plan", "log_hours", "remove_hours", "remove_measure",
    "update_goals", "update_measure",
]
