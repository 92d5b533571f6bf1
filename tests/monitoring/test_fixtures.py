"""The seed plans' monitoring fixtures: each file validates and loads, a reload doubles nothing, a broken
file is refused naming its entry, and a load that cannot finish writes nothing."""
from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from caseflow.extensions import db
from caseflow.monitoring.fixtures import (
    FixtureError,
    available_profiles,
    load_into,
    load_profile,
    profile_counts,
)
from caseflow.monitoring.models import (
    ActivityYear,
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
)
from caseflow.people.models import Municipality

FOLDER = Path(__file__).parents[2] / "caseflow" / "data" / "monitoring"
PROFILES = available_profiles()
COUNTED = {"indicators": Indicator, "baselines": IndicatorBaseline, "targets": IndicatorTarget, "goals": PlanGoal,
           "activities": PlanActivity, "tasks": PlanTask, "statistics": StatisticTable,
           "statistic_rows": StatisticRow, "checks": SeedCheck}
SEEDED = (*COUNTED.values(), PlanVersion)

SAMPLE = """
[meta]
profile = "{name}"
seed = "999"
name_lv = "Parauga novads"
name_en = "Sample municipality"

[[indicators]]
code = "{code}"
title_lv = "Izglītojamo īpatsvars, kuri pārtrauc mācības"
value_kind = "{value_kind}"
breakdowns = ["basic"]
footnote_lv = "Piezīme"

[[indicators.baselines]]
stage = "basic"
value = {baseline}
year = 2022

[[indicators.targets]]
year = {target_year}
stage = "{stage}"
kind = "at_most"
value = {target}

[plan]
title_lv = "Rīcības plāns"
years = [2024, 2025]

[[plan.goals]]
code = "1"
title_lv = "Mērķis"
indicators = ["{code}"]

  [[plan.goals.activities]]
  code = "1.1"
  title_lv = "Aktivitāte"
  years = [2024]
"""
DEFAULTS = {"name": "sample", "code": "1", "value_kind": "share", "baseline": 3.2, "target_year": 2026,
            "stage": "basic", "target": 1.0}


def write_profile(folder: Path, file_name: str | None = None, **changes) -> str:
    values = DEFAULTS | changes
    file_name = file_name or values["name"]
    (folder / f"{file_name}.toml").write_text(SAMPLE.format(**values), encoding="utf-8")
    return file_name


def raw_counts(name: str) -> dict[str, int]:
    """Counts read straight from the TOML file, independently of the loader."""
    data = tomllib.loads((FOLDER / f"{name}.toml").read_text(encoding="utf-8"))
    indicators, goals = data.get("indicators", []), data["plan"].get("goals", [])
    activities = [a for goal in goals for a in goal.get("activities", [])]
    statistics = data.get("statistics", [])
    return {"indicators": len(indicators), "baselines": sum(len(i.get("baselines", [])) for i in indicators),
            "targets": sum(len(i.get("targets", [])) for i in indicators), "goals": len(goals),
            "activities": len(activities), "tasks": sum(len(a.get("tasks", [])) for a in activities),
            "statistics": len(statistics), "statistic_rows": sum(len(t.get("rows", [])) for t in statistics),
            "checks": len(data.get("checks", []))}


def db_counts(municipality_id: int) -> dict[str, int]:
    return {key: db.session.scalar(select(func.count()).select_from(model).where(
        model.municipality_id == municipality_id)) for key, model in COUNTED.items()}


def snapshot(municipality_id: int) -> dict[str, list]:
    """Every seeded row's values, leaving out the keys that a reload may renumber."""
    out = {}
    for model in SEEDED:
        columns = [c for c in inspect(model).columns if c.name == "municipality_id" or not c.name.endswith("id")]
        rows = db.session.execute(select(*columns).where(model.municipality_id == municipality_id)).all()
        out[model.__tablename__] = sorted(repr(tuple(row)) for row in rows)
    return out


@pytest.mark.parametrize("name", PROFILES)
def test_each_file_validates_and_counts_what_it_holds(name):
    profile = load_profile(name)
    assert profile["meta"]["profile"] == name
    assert profile_counts(profile) == raw_counts(name)


@pytest.mark.parametrize("name", PROFILES)
def test_each_file_loads_and_a_second_load_changes_nothing(app, factory, name):
    m = factory.municipality(code=name)
    with app.app_context():
        assert load_into(m.id, load_profile(name)) == raw_counts(name)
        db.session.commit()
        assert db_counts(m.id) == raw_counts(name)
        version = db.session.scalar(select(PlanVersion).where(PlanVersion.municipality_id == m.id))
        assert (version.number, version.status, version.details["meta"]["profile"]) == (1, "approved", name)
        before = snapshot(m.id)
    with app.app_context():
        load_into(m.id, load_profile(name))
        db.session.commit()
        assert snapshot(m.id) == before


def test_keys_without_a_column_are_kept_in_details():
    riga = load_profile("riga")
    indicator = next(i for i in riga["indicators"] if i["code"] == "4.2-3")
    assert indicator["details"] == {"footnote_lv": "Izglītības kvalitātes monitoringa sistēmas (IKMS) rādītājs."}
    assert "monitoring_responsible_lv" in riga["plan"]["details"]
    if "daugavpils" in PROFILES:
        checks = load_profile("daugavpils")["checks"]
        assert any(c["activity_code"] for c in checks)


@pytest.mark.parametrize(("changes", "where", "problem"), [
    ({"target_year": 2020}, "indicators[0] '1'.targets[0]", "target year 2020 is before the baseline year 2022"),
    ({"target": 120}, "indicators[0] '1'.targets[0]", "a share cannot be over 100 %"),
    ({"baseline": 120.5}, "indicators[0] '1'.baselines[0]", "a share cannot be over 100 %"),
    ({"value_kind": "count", "target": -3}, "indicators[0] '1'.targets[0]", "a count cannot be negative"),
    ({"stage": "secondary"}, "indicators[0] '1'.targets[0]", "stage 'secondary' is not one of the breakdowns"),
    ({"value_kind": "percent"}, "indicators[0] '1'", "value_kind 'percent' must be one of"),
    ({"file_name": "broken"}, "meta", "profile 'sample' must match the file name 'broken'"),
])
def test_a_broken_file_is_refused_naming_file_and_entry(tmp_path, changes, where, problem):
    name = write_profile(tmp_path, **changes)
    with pytest.raises(FixtureError) as error:
        load_profile(name, tmp_path)
    assert str(error.value).startswith(f"{name}.toml: {where}: ")
    assert problem in str(error.value)


def test_a_broken_file_writes_nothing(runner, app, tmp_path):
    write_profile(tmp_path, target_year=2020)
    with pytest.raises(FixtureError, match="target year 2020"):
        load_profile("sample", tmp_path)
    result = runner.invoke(args=["monitoring", "load-seeds", "no_such_profile"])
    assert result.exit_code != 0 and "no such monitoring profile" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Municipality)) == 0
        assert all(db.session.scalar(select(func.count()).select_from(model)) == 0 for model in SEEDED)


def test_a_reload_keeps_yearly_records_and_refuses_to_drop_measured_indicators(app, factory, tmp_path):
    m = factory.municipality()
    write_profile(tmp_path)
    with app.app_context():
        load_into(m.id, load_profile("sample", tmp_path))
        indicator = db.session.scalar(select(Indicator).where(Indicator.municipality_id == m.id))
        activity = db.session.scalar(select(PlanActivity).where(PlanActivity.municipality_id == m.id))
        db.session.add_all([
            ActivityYear(municipality_id=m.id, activity_id=activity.id, year=2024, status="done"),
            IndicatorValue(municipality_id=m.id, indicator_id=indicator.id, year=2024, value=Decimal("2.5")),
        ])
        db.session.commit()
        assert indicator.baselines[0].value == Decimal("3.2")
        load_into(m.id, load_profile("sample", tmp_path))
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ActivityYear)) == 1
        assert db.session.scalar(select(func.count()).select_from(IndicatorValue)) == 1
    write_profile(tmp_path, code="2")
    with app.app_context():
        with pytest.raises(FixtureError, match="indicators 1 are gone from the file but have 1 recorded values"):
            load_into(m.id, load_profile("sample", tmp_path))
        db.session.rollback()
        assert db.session.scalars(select(Indicator.code).where(Indicator.municipality_id == m.id)).all() == ["1"]


def test_cli_creates_the_municipality_and_loads_it_once(runner, app):
    first = runner.invoke(args=["monitoring", "load-seeds", "riga"])
    assert first.exit_code == 0, first.output
    assert first.output.startswith(f"riga: {raw_counts('riga')['indicators']} indicators")
    again = runner.invoke(args=["monitoring", "load-seeds", "riga"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        riga = db.session.scalar(select(Municipality).where(Municipality.code == "riga"))
        assert riga.name == "Rīgas valstspilsētas pašvaldība"
        assert db_counts(riga.id) == raw_counts("riga")
