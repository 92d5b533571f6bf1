"""Validation of an import file: every row checked, every problem collected, fine rows staged."""
from caseflow.imports.validation.context import Context, Counts
from caseflow.imports.validation.pipeline import validate

__all__ = ["Context", "Counts", "validate"]
