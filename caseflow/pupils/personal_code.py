"""Latvian personal codes: the old DDMMYY-CNNNN form with date, century and check digit, and the
new form (since 1 July 2017) that starts with 32 and carries no birth date."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from caseflow.db import local_today

WEIGHTS = (1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CENTURIES = {"0": 1800, "1": 1900, "2": 2000}


class PersonalCodeError(ValueError):
    """A personal code broke one of its rules; str() is the rule, in the user's language."""

    def __init__(self, message, rule: str):
        super().__init__(message)
        self.message = message
        self.rule = rule

    def __str__(self) -> str:
        return str(self.message)


@dataclass(frozen=True)
class PersonalCode:
    """A valid personal code in canonical form (DDMMYY-NNNNN)."""

    value: str
    birth_date: date | None

    @property
    def is_new_format(self) -> bool:
        return self.birth_date is None


def check_digit(digits: str) -> int:
    """The old format's check digit for the first ten digits (10 means no valid code exists)."""
    return (1101 - sum(int(d) * w for d, w in zip(digits[:10], WEIGHTS, strict=True))) % 11


def parse(raw: str) -> PersonalCode:
    """Validate a personal code and return it in canonical form, or raise PersonalCodeError."""
    text = (raw or "").strip().replace(" ", "")
    if "-" in text and (text.count("-") > 1 or text.index("-") != 6):
        raise PersonalCodeError(_l("Write the code as 11 digits, with a dash after the sixth if you like: 010203-12345."), "format")
    digits = text.replace("-", "")
    # isdigit() alone accepts other scripts' digits and superscripts, which int() then refuses
    if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
        raise PersonalCodeError(_l("A personal code has exactly 11 digits."), "length")
    canonical = f"{digits[:6]}-{digits[6:]}"
    if digits.startswith("32"):
        return PersonalCode(canonical, None)
    century = CENTURIES.get(digits[6])
    if century is None:
        raise PersonalCodeError(_l("The seventh digit (century) must be 0, 1 or 2 in a code with a birth date."), "century")
    try:
        born = date(century + int(digits[4:6]), int(digits[2:4]), int(digits[0:2]))
    except ValueError:
        raise PersonalCodeError(_l("The first six digits are not a real date (DDMMYY)."), "date") from None
    if born > local_today():
        raise PersonalCodeError(_l("The birth date in the code is in the future."), "date")
    if check_digit(digits) != int(digits[10]):
        raise PersonalCodeError(_l("The last digit (check digit) does not match; check for a typing error."), "checksum")
    return PersonalCode(canonical, born)


@functools.lru_cache(maxsize=4096)
def _valid_tails(head: str) -> tuple[str, ...]:
    """The valid NNN + check digit endings of a DDMMYYC head, in serial order (about 909 of 1000)."""
    tails = []
    for serial in range(1000):
        digit = check_digit(f"{head}{serial:03d}")
        if digit < 10:
            tails.append(f"{serial:03d}{digit}")
    return tuple(tails)


def make_old_format(born: date, serial: int) -> str:
    """Build a valid old-format code for a birth date and a serial (for demo data and tests).

    Serials skip the numbers that have no valid check digit, so different serials give different
    codes (for any run of about 900 consecutive serials of one birth date)."""
    century = {1800: "0", 1900: "1", 2000: "2"}[born.year // 100 * 100]
    head = f"{born:%d%m}{born.year % 100:02d}{century}"
    tails = _valid_tails(head)
    return f"{head[:6]}-{head[6:]}{tails[serial % len(tails)]}"


def make_new_format(serial: int) -> str:
    """Build a new-format code (32…) from a serial number (for demo data and tests)."""
    body = f"32{serial % 10 ** 9:09d}"
    return f"{body[:6]}-{body[6:]}"
