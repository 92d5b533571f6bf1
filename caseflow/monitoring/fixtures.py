"""Read, validate and load the seed plans' monitoring data (caseflow/data/monitoring/<profile>.toml).

A profile parses into plain dicts whose keys are the models' columns; keys of a file entry that have no
column are kept in the entry's `details`. `load_into` writes one municipality's seed rows (flush only).
"""
from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from caseflow.extensions import db
from caseflow.monitoring.models import (
    LEVEL_KINDS,
    Direction,
    Indicator,
    IndicatorBaseline,
    IndicatorTarget,
    IndicatorValue,
    PlanActivity,
    PlanGoal,
    PlanStatus,
    PlanTask,
    PlanVersion,
    SeedCheck,
    StatisticRow,
    StatisticTable,
    TargetKind,
    ValueKind,
    target_year_problem,
    value_problem,
)

PROFILE_RE = re.compile(r"[a-z][a-z0-9_]*")
LEVELS = frozenset({"universal", "targeted", "individual", "system"})
SOURCES = frozenset({"viis", "semr", "ikms", "edurio", "survey", "schools", "education_board", "group",
                     "social_service", "police", "caseflow", "other"})
METRICS = frozenset({
    "group_reviewed_pupils", "support_plans", "support_plan_pupils", "support_hours_planned",
    "support_hours_delivered", "cases_opened", "cases_by_finding_institution", "risk_distribution",
    "actions_on_time_share", "days_referral_to_session", "unexcused_absence_share",
    "pupils_with_warning_signals",
})
CHECK_SUBJECTS = {"statistic": "statistic_code", "indicator": "indicator_code", "activity": "activity_code"}

Folder = Path | str | Traversable


class FixtureError(ValueError):
    """A monitoring fixture is missing or breaks a rule; the message names file, list and entry."""


# --- value kinds: each takes (parser, value, where, key) and returns the column's value --------------

def _text(p: _Parser, value: Any, where: str, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise p.fail(where, f"{key} must be a non-empty string")
    return value


def _code(p: _Parser, value: Any, where: str, key: str) -> str:
    if len(_text(p, value, where, key)) > 40 or value != value.strip():
        raise p.fail(where, f"{key} {value!r} must have no outer spaces and at most 40 characters")
    return value


def _int(p: _Parser, value: Any, where: str, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise p.fail(where, f"{key} must be a whole number")
    return value


def _number(p: _Parser, value: Any, where: str, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise p.fail(where, f"{key} must be a number")
    return Decimal(str(value))


def _bool(p: _Parser, value: Any, where: str, key: str) -> bool:
    if not isinstance(value, bool):
        raise p.fail(where, f"{key} must be true or false")
    return value


def _cells(p: _Parser, value: Any, where: str, key: str) -> list:
    if not isinstance(value, list) or any(isinstance(v, bool) or not (isinstance(v, int | float) or v == "")
                                          for v in value):
        raise p.fail(where, f"{key} must be an array of numbers and \"\" for empty cells")
    return value


def _one_of(choices) -> Any:
    def check(p: _Parser, value: Any, where: str, key: str) -> str:
        if value not in choices:
            raise p.fail(where, f"{key} {value!r} must be one of {', '.join(sorted(choices))}")
        return value
    return check


def _array(item_kind) -> Any:
    def check(p: _Parser, value: Any, where: str, key: str) -> list:
        if not isinstance(value, list):
            raise p.fail(where, f"{key} must be an array")
        return [item_kind(p, item, where, f"{key}[]") for item in value]
    check.is_list = True
    return check


_texts, _ints = _array(_text), _array(_int)
_cells.is_list = True


def _empty(kind) -> Any:
    """The column's value when the file omits the key: [] for arrays, false for flags, else None."""
    return [] if getattr(kind, "is_list", False) else (False if kind is _bool else None)


# --- the file's entries: TOML key → (column, kind, required) ---------------------------------------

INDICATOR = {
    "code": ("code", _code, True), "title_lv": ("title_lv", _text, True), "title_en": ("title_en", _text, False),
    "goal": ("goal_code", _code, False), "prevention_level": ("prevention_level", _one_of(LEVELS), False),
    "value_kind": ("value_kind", _one_of(set(ValueKind)), False), "unit_lv": ("unit", _text, False),
    "denominator_lv": ("denominator", _text, False), "source_lv": ("source_text", _text, False),
    "sources": ("sources", _array(_one_of(SOURCES)), False), "computed": ("computed_metric", _one_of(METRICS), False),
    "breakdowns": ("breakdowns", _texts, False), "exclusions_lv": ("exclusions", _texts, False),
    "seed_ref": ("seed_ref", _text, False),
}
BASELINE = {
    "stage": ("stage", _code, False), "value": ("value", _number, False), "year": ("year", _int, False),
    "to_be_set": ("to_be_set", _bool, False), "measured_from": ("measured_from", _int, False),
    "text_lv": ("text", _text, False),
}
TARGET = {
    "year": ("year", _int, True), "stage": ("stage", _code, False), "kind": ("kind", _one_of(set(TargetKind)), True),
    "value": ("value", _number, False), "direction": ("direction", _one_of(set(Direction)), False),
    "text_lv": ("text", _text, False),
}
PLAN = {
    "title_lv": ("title", _text, True), "years": ("years", _ints, True),
    "overall_goal_lv": ("overall_goal", _text, False), "approved_lv": ("decision", _text, False),
}
GOAL = {
    "code": ("code", _code, True), "level": ("level", _one_of(LEVELS), False), "title_lv": ("title", _text, True),
    "indicators": ("indicator_codes", _texts, False),
}
PEOPLE = {f"{key}_lv": (key, _texts, False) for key in ("responsible", "involved", "executor", "supervisor")}
ACTIVITY = {
    "code": ("code", _code, True), "title_lv": ("title", _text, False), **PEOPLE, "years": ("years", _ints, False),
    "financing_lv": ("financing", _texts, False), "planned_result_lv": ("planned_result", _text, False),
    "target_group_lv": ("target_group", _text, False),
}
TASK = {
    "code": ("code", _code, True), "title_lv": ("title", _text, True), **PEOPLE,
    "deadline_lv": ("deadline", _text, False), "years": ("years", _ints, False),
}
STATISTIC = {
    "code": ("code", _code, True), "title_lv": ("title", _text, True), "seed_ref": ("seed_ref", _text, False),
    "unit_lv": ("unit", _text, False), "columns_lv": ("columns", _texts, True),
    "row_header_lv": ("row_header", _text, False),
}
ROW = {
    "label_lv": ("label", _text, True), "group_lv": ("group_label", _text, False),
    "values": ("values", _cells, True), "total": ("is_total", _bool, False),
}
CHECK = {
    **{key: (column, _code, False) for key, column in CHECK_SUBJECTS.items()},
    "description_lv": ("description_lv", _text, True), "description_en": ("description_en", _text, True),
    "stated": ("stated", _number, False), "computed": ("computed", _number, False),
}


def _folder(directory: Folder | None) -> Traversable:
    """The given folder, or the packaged `caseflow/data/monitoring`."""
    if directory is None:
        return resources.files("caseflow").joinpath("data", "monitoring")
    return Path(directory) if isinstance(directory, str) else directory


def available_profiles(directory: Folder | None = None) -> list[str]:
    """Names of all monitoring profiles (`<name>.toml` files), sorted."""
    return sorted(p.name[:-5] for p in _folder(directory).iterdir() if p.name.endswith(".toml"))


def load_profile(name: str, directory: Folder | None = None) -> dict:
    """Read `<name>.toml` and validate it; raise FixtureError naming file, list and entry of a broken value."""
    if not isinstance(name, str) or not PROFILE_RE.fullmatch(name):
        raise FixtureError(f"invalid profile name {name!r}")
    file = _folder(directory).joinpath(f"{name}.toml")
    if not file.is_file():
        raise FixtureError(f"{name}.toml: no such monitoring profile in {_folder(directory)}")
    try:
        data = tomllib.loads(file.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FixtureError(f"{name}.toml: not valid UTF-8 TOML: {exc}") from exc
    return _Parser(f"{name}.toml").profile(data, name)


class _Parser:
    """Turns the TOML document into column dicts, checking every rule on the way."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, where: str, problem: str) -> FixtureError:
        """An error naming the file, the place in it and the problem."""
        return FixtureError(f"{self.file}: {where}: {problem}")

    def entry(self, raw: Any, where: str, spec: dict, nested: tuple[str, ...] = ()) -> dict:
        """The columns of one table; its keys without a column go to `details`, nested lists are left out."""
        if not isinstance(raw, dict):
            raise self.fail(where, "must be a table")
        if missing := {key for key, (_c, _k, required) in spec.items() if required} - raw.keys():
            raise self.fail(where, f"missing key(s) {', '.join(sorted(missing))}")
        row = {column: kind(self, raw[key], where, key) if key in raw else _empty(kind)
               for key, (column, kind, _r) in spec.items()}
        row["details"] = {key: value for key, value in raw.items() if key not in spec and key not in nested}
        return row

    def rows(self, raw: dict, key: str, where: str, spec: dict, nested: tuple[str, ...] = ()) -> list[dict]:
        """An optional array of tables, each entry named `where.key[i] 'code'` in errors."""
        if not isinstance(items := raw.get(key, []), list):
            raise self.fail(where, f"{key} must be an array of tables ([[...]])")
        out = []
        for i, item in enumerate(items):
            place = f"{where}{'.' if where else ''}{key}[{i}]"
            if isinstance(item, dict) and isinstance(item.get("code"), str):
                place += f" {item['code']!r}"
            out.append({**self.entry(item, place, spec, nested), "where": place})
        codes = [r["code"] for r in out if r.get("code")]
        if dup := next((c for i, c in enumerate(codes) if c in codes[:i]), None):
            raise self.fail(f"{where}{'.' if where else ''}{key}", f"duplicate code {dup!r}")
        return out

    def indicator(self, row: dict, goals: set[str]) -> None:
        """Check one indicator's goal, stages, baselines and targets against each other."""
        where, kind, stages = row["where"], row["value_kind"], set(row["breakdowns"])
        if row["goal_code"] and row["goal_code"] not in goals:
            raise self.fail(where, f"goal {row['goal_code']!r} is not a goal of the plan")
        for item in row["baselines"] + row["targets"]:
            if item["stage"] and item["stage"] not in stages:
                raise self.fail(item["where"], f"stage {item['stage']!r} is not one of the breakdowns")
        for base in row["baselines"]:
            if base["to_be_set"] and base["value"] is not None:
                raise self.fail(base["where"], "a baseline to be set has no value")
            if problem := value_problem(kind, base["value"]):
                raise self.fail(base["where"], problem)
        for target in row["targets"]:
            needs_value = target["kind"] in LEVEL_KINDS or target["kind"] == TargetKind.RELATIVE
            if needs_value and target["value"] is None:
                raise self.fail(target["where"], f"a target of kind {target['kind']!r} needs a value")
            if target["kind"] == TargetKind.DIRECTION and target["direction"] is None:
                raise self.fail(target["where"], "a target of kind 'direction' needs a direction")
            if target["kind"] in LEVEL_KINDS and (problem := value_problem(kind, target["value"])):
                raise self.fail(target["where"], problem)
            years = [b["year"] for b in row["baselines"]
                     if b["year"] is not None and b["stage"] in (None, target["stage"])]
            if problem := target_year_problem(target["year"], years):
                raise self.fail(target["where"], problem)

    def plan(self, raw: Any, indicators: set[str]) -> dict:
        """The plan with its goals, activities and tasks."""
        plan = self.entry(raw, "plan", PLAN, ("goals",))
        plan["goals"] = self.rows(raw, "goals", "plan", GOAL, ("activities",))
        activity_codes: list[str] = []
        for goal, raw_goal in zip(plan["goals"], raw.get("goals", []), strict=True):
            if unknown := [c for c in goal["indicator_codes"] if c not in indicators]:
                raise self.fail(goal["where"], f"unknown indicator(s) {', '.join(unknown)}")
            goal["activities"] = self.rows(raw_goal, "activities", goal["where"], ACTIVITY, ("tasks",))
            for activity, raw_activity in zip(goal["activities"], raw_goal.get("activities", []), strict=True):
                activity["tasks"] = self.rows(raw_activity, "tasks", activity["where"], TASK)
                for item in (activity, *activity["tasks"]):
                    if stray := sorted(set(item["years"]) - set(plan["years"])):
                        raise self.fail(item["where"], f"years {stray} are outside the plan's years")
                if activity["code"] in activity_codes:
                    raise self.fail(activity["where"], "duplicate activity code in this plan")
                activity_codes.append(activity["code"])
        plan["activity_codes"] = activity_codes
        return plan

    def profile(self, data: dict, name: str) -> dict:
        """The whole document."""
        meta = self.entry(data.get("meta"), "meta", {
            "profile": ("profile", _code, True), "name_lv": ("name_lv", _text, True),
            "name_en": ("name_en", _text, True), "seed": ("seed", _code, True)})
        if meta["profile"] != name:
            raise self.fail("meta", f"profile {meta['profile']!r} must match the file name {name!r}")
        if unknown := data.keys() - {"meta", "indicators", "plan", "statistics", "checks"}:
            raise self.fail("document", f"unknown key(s) {', '.join(sorted(unknown))}")
        indicators = self.rows(data, "indicators", "", INDICATOR, ("baselines", "targets"))
        for row, raw in zip(indicators, data.get("indicators", []), strict=True):
            row["baselines"] = self.rows(raw, "baselines", row["where"], BASELINE)
            row["targets"] = self.rows(raw, "targets", row["where"], TARGET)
        codes = {row["code"] for row in indicators}
        plan = self.plan(data.get("plan"), codes)
        for row in indicators:
            self.indicator(row, {goal["code"] for goal in plan["goals"]})
        plan["details"]["meta"] = data["meta"]
        statistics = self.rows(data, "statistics", "", STATISTIC, ("rows",))
        for table, raw in zip(statistics, data.get("statistics", []), strict=True):
            table["rows"] = self.rows(raw, "rows", table["where"], ROW)
            for row in table["rows"]:
                if len(row["values"]) != len(table["columns"]):
                    raise self.fail(row["where"], f"{len(row['values'])} values for {len(table['columns'])} columns")
        checks = self.rows(data, "checks", "", CHECK)
        known = {"statistic_code": {t["code"] for t in statistics}, "indicator_code": codes,
                 "activity_code": set(plan.pop("activity_codes"))}
        for check in checks:
            subjects = [column for column in CHECK_SUBJECTS.values() if check[column] is not None]
            if len(subjects) != 1:
                raise self.fail(check["where"], "needs exactly one of statistic, indicator, activity")
            if check[subjects[0]] not in known[subjects[0]]:
                raise self.fail(check["where"], f"{check[subjects[0]]!r} is not in this file")
        return {"name": name, "meta": meta, "indicators": indicators, "plan": plan, "statistics": statistics,
                "checks": checks}


def profile_counts(profile: dict) -> dict[str, int]:
    """How many rows of each kind a parsed profile writes."""
    goals = profile["plan"]["goals"]
    activities = [a for goal in goals for a in goal["activities"]]
    return {
        "indicators": len(profile["indicators"]),
        "baselines": sum(len(i["baselines"]) for i in profile["indicators"]),
        "targets": sum(len(i["targets"]) for i in profile["indicators"]),
        "goals": len(goals), "activities": len(activities), "tasks": sum(len(a["tasks"]) for a in activities),
        "statistics": len(profile["statistics"]), "statistic_rows": sum(len(t["rows"]) for t in profile["statistics"]),
        "checks": len(profile["checks"]),
    }


def _fill(row, entry: dict, municipality_id: int, position: int | None = None, skip: tuple[str, ...] = ()):
    """Set a model's columns from a parsed entry (nested lists and the error place left out)."""
    for key, value in entry.items():
        if key != "where" and key not in skip:
            setattr(row, key, value)
    row.municipality_id = municipality_id
    if position is not None:
        row.position = position
    return row


def _new(model, entry: dict, municipality_id: int, position: int | None = None, skip: tuple[str, ...] = ()):
    return _fill(model(), entry, municipality_id, position, skip)


def _by_code(rows) -> dict:
    return {row.code: row for row in rows}


def load_into(municipality_id: int, profile: dict) -> dict[str, int]:
    """Write a municipality's seed rows from a parsed profile, replacing earlier ones; flush, never commit."""
    indicators = _by_code(db.session.scalars(select(Indicator).where(Indicator.municipality_id == municipality_id)))
    stale = [row for code, row in indicators.items() if code not in {i["code"] for i in profile["indicators"]}]
    if stale and (measured := db.session.scalar(select(func.count()).select_from(IndicatorValue).where(
            IndicatorValue.indicator_id.in_([row.id for row in stale])))):
        codes = ", ".join(sorted(row.code for row in stale))
        raise FixtureError(f"{profile['name']}.toml: indicators {codes} are gone from the file but have "
                           f"{measured} recorded values; remove them first")
    for row in stale:
        db.session.delete(row)
    for position, entry in enumerate(profile["indicators"]):
        indicator = indicators.get(entry["code"]) or Indicator()
        _fill(indicator, entry, municipality_id, position, ("baselines", "targets"))
        indicator.baselines = [_new(IndicatorBaseline, b, municipality_id) for b in entry["baselines"]]
        indicator.targets = [_new(IndicatorTarget, t, municipality_id) for t in entry["targets"]]
        indicator.validate()
        db.session.add(indicator)
    _load_plan(municipality_id, profile["plan"])
    for model in (StatisticRow, StatisticTable, SeedCheck):
        db.session.execute(delete(model).where(model.municipality_id == municipality_id))
    for position, entry in enumerate(profile["statistics"]):
        table = _new(StatisticTable, entry, municipality_id, position, ("rows",))
        table.rows = [_new(StatisticRow, r, municipality_id, i) for i, r in enumerate(entry["rows"])]
        db.session.add(table)
    db.session.add_all(_new(SeedCheck, c, municipality_id, i) for i, c in enumerate(profile["checks"]))
    db.session.flush()
    return profile_counts(profile)


def _load_plan(municipality_id: int, entry: dict) -> None:
    """Version 1 of the plan, approved; goals and activities kept by code so their yearly records stay."""
    version = db.session.scalar(select(PlanVersion).where(
        PlanVersion.municipality_id == municipality_id, PlanVersion.number == 1)) or PlanVersion(number=1)
    _fill(version, entry, municipality_id, skip=("goals",))
    version.status = PlanStatus.APPROVED
    db.session.add(version)
    with db.session.no_autoflush:  # a goal or activity set aside is re-attached before the flush
        goals, version.goals = _by_code(version.goals), []
        for position, goal_entry in enumerate(entry["goals"]):
            goal = _fill(goals.get(goal_entry["code"]) or PlanGoal(), goal_entry, municipality_id, position,
                         ("activities",))
            activities, goal.activities = _by_code(goal.activities), []
            for index, activity_entry in enumerate(goal_entry["activities"]):
                activity = _fill(activities.get(activity_entry["code"]) or PlanActivity(), activity_entry,
                                 municipality_id, index, ("tasks",))
                activity.tasks = [_new(PlanTask, t, municipality_id, i) for i, t in enumerate(activity_entry["tasks"])]
                goal.activities.append(activity)
            version.goals.append(goal)
