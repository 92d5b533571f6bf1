"""Cell values as the files write them → caseflow's values; a refusal is a coded ValueProblem."""
from __future__ import annotations

import functools
import re
from datetime import date, datetime

from caseflow.imports.models.records import AbsenceKind
from caseflow.pupils.models import name_key


class ValueProblem(ValueError):
    """A cell that caseflow cannot read; code and params name the reason (messages.py)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
#: 15.09.2026. (Latvian, with or without the trailing dot) and 15/09/2026
_DMY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})\.?$")


def text(raw, *, max_length: int) -> str:
    """A trimmed text of at most max_length characters (required)."""
    value = clean(raw)
    if not value:
        raise ValueProblem("required")
    if len(value) > max_length:
        raise ValueProblem("too_long", max=max_length)
    return value


def clean(raw) -> str:
    """A cell as trimmed text (XLSX numbers without a trailing .0)."""
    if raw is None:
        return ""
    if isinstance(raw, str):  # the common case: trim, and fold inner runs of spaces only when there are any
        value = raw.strip()
        return " ".join(value.split()) if "  " in value or "\t" in value or "\n" in value else value
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime):
        raw = raw.date()
    if isinstance(raw, date):
        return raw.isoformat()
    return " ".join(str(raw).split())


def parse_date(raw) -> date:
    """ISO 2026-09-15, Latvian 15.09.2026. (trailing dot optional) or an XLSX date cell."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return _date_text(clean(raw))


@functools.lru_cache(maxsize=4096)
def _date_text(value: str) -> date:
    """A date written as text (a file repeats the same few hundred dates: cached)."""
    if not value:
        raise ValueProblem("required")
    match = _ISO.match(value)
    parts = (match.group(1), match.group(2), match.group(3)) if match else None
    if parts is None and (match := _DMY.match(value)):
        parts = (match.group(3), match.group(2), match.group(1))
    try:
        if parts is None:
            raise ValueError
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueProblem("date", value=value[:40]) from None


def whole_number(raw, *, minimum: int, maximum: int) -> int:
    """A whole number in a range; a decimal comma or point with zero decimals is fine ("12,0")."""
    if isinstance(raw, bool):
        raise ValueProblem("whole_number", value=str(raw))
    if isinstance(raw, int):
        number = raw
    else:
        value = clean(raw).replace(" ", "").replace("\u00a0", "")
        if not value:
            raise ValueProblem("required")
        value = value.replace(",", ".")
        try:
            as_float = float(value)
        except ValueError:
            raise ValueProblem("whole_number", value=clean(raw)[:40]) from None
        if not as_float.is_integer():
            raise ValueProblem("whole_number", value=clean(raw)[:40])
        number = int(as_float)
    if not minimum <= number <= maximum:
        raise ValueProblem("number_range", minimum=minimum, maximum=maximum)
    return number


#: kinds by their own names in Latvian and English (always understood, whatever the setting says)
KIND_NAMES = {
    "unexcused": AbsenceKind.UNEXCUSED, "neattaisnots": AbsenceKind.UNEXCUSED,
    "neattaisnoti": AbsenceKind.UNEXCUSED,
    "illness": AbsenceKind.ILLNESS, "slimiba": AbsenceKind.ILLNESS, "slimibas del": AbsenceKind.ILLNESS,
    "excused_other": AbsenceKind.EXCUSED_OTHER, "excused other": AbsenceKind.EXCUSED_OTHER,
    "excused": AbsenceKind.EXCUSED_OTHER, "attaisnots": AbsenceKind.EXCUSED_OTHER,
    "citi attaisnoti": AbsenceKind.EXCUSED_OTHER,
    "late": AbsenceKind.LATE, "kavejums": AbsenceKind.LATE, "nokavejis": AbsenceKind.LATE,
}
#: the default mapping of diary marks to kinds (the municipal setting absence_mark_mapping)
DEFAULT_MARKS = "n=unexcused; s=illness; a=excused_other; k=late"


def mark_mapping(setting_text: str | None) -> dict[str, str]:
    """Parse the setting "mark=kind; mark=kind" (entries naming no known kind are skipped)."""
    mapping = {}
    for entry in re.split(r"[;,\n]", setting_text if setting_text is not None else DEFAULT_MARKS):
        mark, _sep, kind = entry.partition("=")
        kind = KIND_NAMES.get(name_key(kind))
        if name_key(mark) and kind:
            mapping[name_key(mark)] = str(kind)
    return mapping


def absence_kind(raw, marks: dict[str, str]) -> str:
    """A source's mark or a kind's name → caseflow's kind."""
    value = name_key(clean(raw))
    if not value:
        raise ValueProblem("required")
    kind = marks.get(value) or KIND_NAMES.get(value)
    if kind is None:
        known = ", ".join(sorted(marks))
        raise ValueProblem("absence_kind", value=clean(raw)[:40], known=known)
    return str(kind)


_PASS = {"i", "ieskaitits", "passed", "pass"}
_FAIL = {"ni", "neieskaitits", "failed", "fail"}
_NO_GRADE = {"nv", "nav vertejuma", "no grade"}
#: levels of grades 1–3: sācis apgūt, turpina apgūt, apguvis, apguvis padziļināti
LEVELS = {"s": "S", "sacis apgut": "S", "t": "T", "turpina apgut": "T", "a": "A", "apguvis": "A",
          "p": "P", "apguvis padzilinati": "P"}


def grade(raw) -> tuple[str, int | None, bool]:
    """A grade cell → (mark, numeric value or None, failing)."""
    value = name_key(clean(raw))
    if not value:
        raise ValueProblem("required")
    if value in _PASS:
        return "i", None, False
    if value in _FAIL:
        return "ni", None, True
    if value in _NO_GRADE:
        return "nv", None, True
    if value in LEVELS:
        return LEVELS[value], None, False
    try:
        number = whole_number(value, minimum=1, maximum=10)
    except ValueProblem:
        raise ValueProblem("grade", value=clean(raw)[:40]) from None
    return str(number), number, number <= 3


_PERIODS = {"1": "1", "1. semestris": "1", "i": "1", "2": "2", "2. semestris": "2", "ii": "2",
            "gads": "year", "year": "year", "g": "year", "gada": "year"}


def period(raw) -> str:
    """1, 2 (semesters) or "year" ("gads")."""
    value = name_key(clean(raw))
    if not value:
        raise ValueProblem("required")
    if value not in _PERIODS:
        raise ValueProblem("period", value=clean(raw)[:40])
    return _PERIODS[value]


_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")


def school_year(raw) -> str:
    """"2025/2026" (also 2025-2026 and 2025/26)."""
    value = clean(raw)
    if not value:
        raise ValueProblem("required")
    match = _YEAR.match(value)
    if match:
        first, second = int(match.group(1)), match.group(2)
        second = int(second) if len(second) == 4 else first // 100 * 100 + int(second)
        if second == first + 1:
            return f"{first}/{second}"
    raise ValueProblem("school_year", value=value[:40])


_SOURCE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,19}$")


def source(raw) -> str:
    """A source's short name in lower case: viis, eklase, mykoob, manual …"""
    value = clean(raw).lower().replace("-", "")
    if not value:
        raise ValueProblem("required")
    if not _SOURCE.match(value):
        raise ValueProblem("source")
    return value
