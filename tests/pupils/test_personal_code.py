"""Latvian personal codes: both formats, one message per broken rule, and properties of the check digit."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caseflow.db import local_today
from caseflow.pupils.personal_code import (
    PersonalCodeError,
    check_digit,
    make_new_format,
    make_old_format,
    parse,
)


@pytest.mark.parametrize("raw", ["111111-11111", "11111111111", " 111111-11111 ", "111111 11111"])
def test_old_format_is_accepted_with_or_without_dash(raw):
    code = parse(raw)
    assert code.value == "111111-11111"
    assert code.birth_date == date(1911, 11, 11)
    assert not code.is_new_format


@pytest.mark.parametrize("raw", ["321234-56789", "32123456789"])
def test_new_format_is_accepted_and_has_no_birth_date(raw):
    code = parse(raw)
    assert code.value == "321234-56789"
    assert code.birth_date is None
    assert code.is_new_format


def test_made_codes_are_valid():
    assert parse(make_old_format(date(2012, 3, 14), 7)).birth_date == date(2012, 3, 14)
    assert parse(make_new_format(42)).is_new_format


FUTURE = date(local_today().year + 1, 1, 1)


@pytest.mark.parametrize(("raw", "rule"), [
    ("12345", "length"),
    ("111111-1111", "length"),
    ("111111-111111", "length"),
    ("11111a-11111", "length"),
    ("", "length"),
    ("١١١١١١-١١١١١", "length"),       # Arabic-Indic digits are not a personal code
    ("111111-1111²", "length"),       # a superscript once slipped through isdigit() into int()
    ("1111-1111111", "format"),
    ("111111--11111", "format"),
    ("111111-51111", "century"),
    ("310211-11111", "date"),         # 31 February
    ("111311-11111", "date"),         # month 13
    (f"{FUTURE:%d%m%y}-2{FUTURE.year % 100:02d}00", "date"),
    ("111111-11112", "checksum"),
])
def test_each_broken_rule_has_its_own_message(raw, rule):
    with pytest.raises(PersonalCodeError) as caught:
        parse(raw)
    assert caught.value.rule == rule
    assert str(caught.value)


def test_the_rules_messages_differ():
    samples = {"length": "123", "format": "1111-1111111", "century": "111111-51111",
               "date": "310211-11111", "checksum": "111111-11112"}
    messages = set()
    for raw in samples.values():
        with pytest.raises(PersonalCodeError) as caught:
            parse(raw)
        messages.add(str(caught.value))
    assert len(messages) == len(samples)


def test_a_future_birth_date_in_the_code_says_so():
    future = local_today().replace(year=local_today().year + 1, month=1, day=1)
    body = f"{future:%d%m%y}2{future.year % 100:02d}0"
    # any serial will do: the date rule comes before the check digit
    with pytest.raises(PersonalCodeError, match="future"):
        parse(f"{body[:6]}-{body[6:]}1")


birth_dates = st.dates(min_value=date(1800, 1, 1), max_value=local_today())


@given(born=birth_dates, serial=st.integers(min_value=0, max_value=999))
def test_make_old_format_always_yields_a_code_parse_accepts(born, serial):
    code = make_old_format(born, serial)
    parsed = parse(code)
    assert parsed.value == code
    assert parsed.birth_date == born


@given(born=birth_dates, serial=st.integers(min_value=0, max_value=999),
       position=st.sampled_from([0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11]), shift=st.integers(min_value=1, max_value=9))
def test_any_single_digit_change_of_an_old_code_is_rejected(born, serial, position, shift):
    code = make_old_format(born, serial)
    changed = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1:]
    if changed.startswith("32"):
        # "32…" is the new format, which carries no date and no check digit: the one change the
        # old format's rules cannot see. It must then parse as a new-format code.
        assert parse(changed).is_new_format
        return
    with pytest.raises(PersonalCodeError) as caught:
        parse(changed)
    # the century digit (position 7 with the dash) may also break the century rule
    allowed = {"checksum", "date", "century"} if position == 7 else {"checksum", "date"}
    assert caught.value.rule in allowed


def test_check_digit_ten_means_no_valid_code():
    # find a body whose check would be 10: no last digit can make it valid
    body = next(b for b in (f"1111111{n:03d}" for n in range(1000)) if check_digit(b) == 10)
    for last in "0123456789":
        with pytest.raises(PersonalCodeError):
            parse(f"{body[:6]}-{body[6:]}{last}")
