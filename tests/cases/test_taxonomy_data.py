"""The taxonomy data files load, keep their rules, and a broken file is reported precisely."""
from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.cases.taxonomy_data import (
    LISTS,
    REQUIRED_CATEGORIES,
    SUBJECT_MEASURE,
    TaxonomyError,
    available_profiles,
    load_profile,
)

PROFILES = ["daugavpils", "default", "kraslava", "riga", "tukums", "ventspils"]
LATVIAN_LETTERS = set("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ")
DEFAULT_TOML = (
    Path(__file__).resolve().parents[2] / "caseflow" / "data" / "taxonomy" / "default.toml"
).read_text(encoding="utf-8")


def test_available_profiles_lists_every_file():
    assert available_profiles() == PROFILES


@pytest.mark.parametrize("name", PROFILES)
def test_every_profile_loads_with_all_lists(name):
    taxonomy = load_profile(name)
    assert taxonomy.profile == name
    assert taxonomy.name_lv and taxonomy.name_en and taxonomy.sources
    for key in LISTS:
        assert getattr(taxonomy, key), key
    assert taxonomy.risk_groups
    assert REQUIRED_CATEGORIES <= {c.code for c in taxonomy.categories}


@pytest.mark.parametrize("name", PROFILES)
def test_every_group_ends_with_exactly_one_other_item(name):
    for group in load_profile(name).risk_groups:
        assert [item.other for item in group.items].count(True) == 1, group.code
        assert group.items[-1].other, group.code
        assert len(group.items) >= 2, group.code


@pytest.mark.parametrize("name", PROFILES)
def test_all_codes_unique(name):
    taxonomy = load_profile(name)
    for key in LISTS:
        codes = [entry.code for entry in getattr(taxonomy, key)]
        assert len(codes) == len(set(codes)), key
    groups = [group.code for group in taxonomy.risk_groups]
    items = [item.code for group in taxonomy.risk_groups for item in group.items]
    assert len(groups) == len(set(groups))
    assert len(items) == len(set(items))


@pytest.mark.parametrize("name", PROFILES)
def test_only_subject_consultation_needs_a_subject(name):
    needing = [m.code for m in load_profile(name).measure_types if m.needs_subject]
    assert needing == [SUBJECT_MEASURE]


@pytest.mark.parametrize("name", PROFILES)
def test_labels_are_present_in_both_languages(name):
    taxonomy = load_profile(name)
    rows = [e for key in LISTS for e in getattr(taxonomy, key)]
    rows += [*taxonomy.risk_groups, *(i for g in taxonomy.risk_groups for i in g.items)]
    for row in rows:
        assert row.lv.strip() and row.en.strip(), row.code


def test_default_latvian_labels_carry_diacritics():
    taxonomy = load_profile("default")
    lv = [e.lv for key in LISTS for e in getattr(taxonomy, key)]
    lv += [g.lv for g in taxonomy.risk_groups] + [i.lv for g in taxonomy.risk_groups for i in g.items]
    assert LATVIAN_LETTERS & set("".join(lv))
    assert sum(bool(LATVIAN_LETTERS & set(label)) for label in lv) > len(lv) // 2


def test_seed_specific_shapes():
    assert [g.code for g in load_profile("tukums").risk_groups] == [
        "family", "economic", "learning", "social_health"]  # 001 numbers family first
    assert [g.code for g in load_profile("daugavpils").risk_groups] == ["learning", "family", "personal"]
    assert [r.code for r in load_profile("kraslava").dropout_reasons] == [
        "moved_abroad_with_family", "adult_work_abroad", "poor_grades", "illness",
        "lack_of_motivation", "work_in_latvia", "started_family", "no_information"]


def _broken(tmp_path: Path, text: str, name: str = "broken") -> str:
    (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load_profile(name, directory=tmp_path)
    return str(info.value)


def _default_as(name: str) -> str:
    return DEFAULT_TOML.replace('profile = "default"', f'profile = "{name}"', 1)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        # the "other" item of the family group loses its flag
        ('code = "family_other"\n  lv = "Cits"\n  en = "Other"\n  other = true',
         'code = "family_other"\n  lv = "Cits"\n  en = "Other"', ["'family'", "exactly one 'other = true'"]),
        # a second item with the same code
        ('code = "disability"', 'code = "pregnancy_small_child"', ["'pregnancy_small_child'", "duplicate item code"]),
        ('code = "moved_abroad"', 'code = "resolved"', ["outcomes[", "'resolved'", "duplicate code"]),
        ('en = "Vagrancy"', 'en = ""', ["categories[", "'vagrancy'", "en must be a non-empty string"]),
        ('code = "neet"', 'code = "youth"', ["categories", "missing required categories neet"]),
        ('needs_subject = true', 'needs_subject = false', ["measure_types[0] 'subject_consultation'", "needs_subject"]),
        ('code = "psychologist"', 'code = "psychologist"\nneeds_subject = true', ["'psychologist'", "needs_subject"]),
        ('code = "physics"', 'code = "physics"\nlevel = 2', ["subjects[", "unknown key(s) level"]),
        ('code = "illness"', 'code = "Illness!"', ["dropout_reasons[", "ascii snake_case"]),
        ('[meta]', '[meta', ["not valid UTF-8 TOML"]),
    ],
)
def test_broken_file_names_the_problem(tmp_path, old, new, expected):
    text = _default_as("broken")
    assert old in text
    message = _broken(tmp_path, text.replace(old, new, 1))
    assert message.startswith("broken.toml")
    for part in expected:
        assert part in message


def test_other_item_must_be_last(tmp_path):
    text = _default_as("broken").replace(
        '  [[risk_groups.items]]\n  code = "travel_difficulty"',
        '  [[risk_groups.items]]\n  code = "economic_first_other"\n  lv = "Cits"\n  en = "Other"\n  other = true\n\n'
        '  [[risk_groups.items]]\n  code = "travel_difficulty"', 1)
    message = _broken(tmp_path, text)
    assert "risk_groups[1] 'economic'" in message and "(found 2)" in message


def test_profile_name_must_match_file(tmp_path):
    message = _broken(tmp_path, DEFAULT_TOML, name="tukums")
    assert "tukums.toml: meta" in message and "must match the file name" in message


def test_missing_list_and_missing_profile(tmp_path):
    text = _default_as("broken").split("# ---------------------------------------------------------------- subjects")[0]
    assert "missing key(s) risk_groups, subjects" in _broken(tmp_path, text)
    with pytest.raises(TaxonomyError, match="no such taxonomy profile"):
        load_profile("nowhere", directory=tmp_path)
    with pytest.raises(TaxonomyError, match="invalid profile name"):
        load_profile("../default")


def test_loader_reads_a_copied_valid_file_from_another_directory(tmp_path):
    (tmp_path / "copy.toml").write_text(_default_as("copy"), encoding="utf-8")
    assert available_profiles(tmp_path) == ["copy"]
    assert load_profile("copy", directory=str(tmp_path)).categories == load_profile("default").categories
