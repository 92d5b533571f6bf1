"""Read and validate a municipality's taxonomy profile (case lists, risk factors) from TOML data."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

#: the flat lists of a profile, in file order
LISTS = ("categories", "noticed_via", "outcomes", "dropout_reasons", "measure_types", "subjects")
#: categories every profile must offer (DOMAIN.md: "Case categories are wider than truancy")
REQUIRED_CATEGORIES = frozenset({
    "unexcused_absence", "behaviour", "violence_school", "violence_family", "violence_online",
    "addiction", "offences", "vagrancy", "neglect", "without_parental_care",
    "compulsory_correctional_measures", "neet",
})
SUBJECT_MEASURE = "subject_consultation"
CODE_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
#: column sizes of list_entries / risk_groups / risk_items (caseflow/cases/taxonomy.py)
CODE_MAX, LABEL_MAX, ITEM_LABEL_MAX = 60, 200, 300

Folder = Path | str | Traversable


class TaxonomyError(ValueError):
    """A taxonomy file is missing or breaks a rule; the message names file, list and entry."""


@dataclass(frozen=True)
class Entry:
    """One entry of a flat list (category, outcome, measure type, subject, ...)."""

    code: str
    lv: str
    en: str
    needs_subject: bool = False


@dataclass(frozen=True)
class RiskItem:
    """One risk factor; an `other` item needs a free-text description."""

    code: str
    lv: str
    en: str
    other: bool = False


@dataclass(frozen=True)
class RiskGroup:
    """A group of risk factors, ending with exactly one `other` item."""

    code: str
    lv: str
    en: str
    items: tuple[RiskItem, ...]


@dataclass(frozen=True)
class Taxonomy:
    """All lists of one municipality profile."""

    profile: str
    name_lv: str
    name_en: str
    categories: tuple[Entry, ...]
    noticed_via: tuple[Entry, ...]
    outcomes: tuple[Entry, ...]
    dropout_reasons: tuple[Entry, ...]
    measure_types: tuple[Entry, ...]
    subjects: tuple[Entry, ...]
    risk_groups: tuple[RiskGroup, ...]
    sources: tuple[str, ...] = ()


def _folder(directory: Folder | None) -> Traversable:
    """The given folder, or the packaged `caseflow/data/taxonomy`."""
    if directory is None:
        return resources.files("caseflow").joinpath("data", "taxonomy")
    return Path(directory) if isinstance(directory, str) else directory


def available_profiles(directory: Folder | None = None) -> list[str]:
    """Names of all profiles (`<name>.toml` files), sorted."""
    return sorted(p.name[:-5] for p in _folder(directory).iterdir() if p.name.endswith(".toml"))


def load_profile(name: str, directory: Folder | None = None) -> Taxonomy:
    """Read `<name>.toml` and validate it; raise TaxonomyError on any broken rule."""
    if not isinstance(name, str) or not CODE_RE.fullmatch(name):
        raise TaxonomyError(f"invalid profile name {name!r}")
    file = _folder(directory).joinpath(f"{name}.toml")
    if not file.is_file():
        raise TaxonomyError(f"{name}.toml: no such taxonomy profile in {_folder(directory)}")
    try:
        data = tomllib.loads(file.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{name}.toml: not valid UTF-8 TOML: {exc}") from exc
    return _Parser(f"{name}.toml").taxonomy(data, name)


class _Parser:
    """Turns the TOML document into a Taxonomy, checking every rule on the way."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.item_codes: set[str] = set()

    def fail(self, where: str, problem: str) -> TaxonomyError:
        """An error naming the file, the place in it and the problem."""
        return TaxonomyError(f"{self.file}: {where}: {problem}")

    def table(self, value: Any, where: str, required: set[str], optional: set[str]) -> dict:
        """Check that `value` is a table with all required and no unknown keys."""
        if not isinstance(value, dict):
            raise self.fail(where, "must be a table")
        if missing := required - value.keys():
            raise self.fail(where, f"missing key(s) {', '.join(sorted(missing))}")
        if unknown := value.keys() - required - optional:
            raise self.fail(where, f"unknown key(s) {', '.join(sorted(unknown))}")
        return value

    def text(self, value: Any, where: str, key: str, limit: int = LABEL_MAX) -> str:
        """A non-empty string without outer spaces, at most `limit` characters."""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{key} must be a non-empty string")
        if value != value.strip() or len(value) > limit:
            raise self.fail(where, f"{key} must have no outer spaces and at most {limit} characters")
        return value

    def flag(self, row: dict, where: str, key: str) -> bool:
        """An optional TOML boolean, false when absent."""
        if not isinstance(value := row.get(key, False), bool):
            raise self.fail(where, f"{key} must be true or false")
        return value

    def labelled(self, raw: Any, where: str, optional: set[str], limit: int) -> tuple[dict, str, str, str]:
        """The common part of entries, groups and items: code, lv, en."""
        row = self.table(raw, where, {"code", "lv", "en"}, optional)
        code = row["code"]
        if not isinstance(code, str) or not CODE_RE.fullmatch(code) or len(code) > CODE_MAX:
            raise self.fail(where, f"code {code!r} must be ascii snake_case, at most {CODE_MAX} long")
        where = f"{where} {code!r}"
        return row, code, self.text(row["lv"], where, "lv", limit), self.text(row["en"], where, "en", limit)

    def rows(self, data: dict, key: str) -> list:
        """A non-empty array of tables."""
        if not isinstance(rows := data[key], list) or not rows:
            raise self.fail(key, "must be a non-empty array of tables ([[...]])")
        return rows

    def entries(self, data: dict, key: str) -> tuple[Entry, ...]:
        """One flat list: unique codes, an `other` entry only last, the list's own rules."""
        out: list[Entry] = []
        optional = {"needs_subject"} if key == "measure_types" else set()
        for i, raw in enumerate(self.rows(data, key)):
            row, code, lv, en = self.labelled(raw, f"{key}[{i}]", optional, LABEL_MAX)
            where = f"{key}[{i}] {code!r}"
            needs = self.flag(row, where, "needs_subject")
            if any(e.code == code for e in out):
                raise self.fail(where, "duplicate code in this list")
            if key == "measure_types" and needs != (code == SUBJECT_MEASURE):
                raise self.fail(where, f"needs_subject must be true on {SUBJECT_MEASURE!r} and false elsewhere")
            out.append(Entry(code, lv, en, needs))
        codes = [e.code for e in out]
        if "other" in codes[:-1]:
            raise self.fail(f"{key} 'other'", "the 'other' entry must be last")
        if key == "measure_types" and SUBJECT_MEASURE not in codes:
            raise self.fail(key, f"missing {SUBJECT_MEASURE!r}")
        if key == "categories" and (missing := REQUIRED_CATEGORIES - set(codes)):
            raise self.fail(key, f"missing required categories {', '.join(sorted(missing))}")
        return tuple(out)

    def group(self, raw: Any, where: str) -> RiskGroup:
        """One risk group: item codes unique in the file, exactly one `other` item and it is last."""
        row, code, lv, en = self.labelled(raw, where, {"items"}, LABEL_MAX)
        where = f"{where} {code!r}"
        if not isinstance(row.get("items"), list) or len(row["items"]) < 2:
            raise self.fail(where, "items must list at least one risk and the 'other' item")
        items: list[RiskItem] = []
        for i, raw_item in enumerate(row["items"]):
            item, icode, ilv, ien = self.labelled(raw_item, f"{where} items[{i}]", {"other"}, ITEM_LABEL_MAX)
            item_where = f"{where} items[{i}] {icode!r}"
            if icode in self.item_codes:
                raise self.fail(item_where, "duplicate item code in this file")
            self.item_codes.add(icode)
            items.append(RiskItem(icode, ilv, ien, self.flag(item, item_where, "other")))
        if (found := sum(i.other for i in items)) != 1 or not items[-1].other:
            raise self.fail(where, f"must end with exactly one 'other = true' item (found {found})")
        return RiskGroup(code, lv, en, tuple(items))

    def taxonomy(self, data: dict, name: str) -> Taxonomy:
        """The whole document."""
        self.table(data, "document", {"meta", *LISTS, "risk_groups"}, set())
        meta = self.table(data["meta"], "meta", {"profile", "name_lv", "name_en", "sources"}, set())
        if meta["profile"] != name:
            raise self.fail("meta", f"profile {meta['profile']!r} must match the file name {name!r}")
        if not isinstance(meta["sources"], list) or not meta["sources"]:
            raise self.fail("meta", "sources must be a non-empty array of strings")
        sources = tuple(self.text(s, "meta", "sources[]", 500) for s in meta["sources"])
        lists = {key: self.entries(data, key) for key in LISTS}
        groups = [self.group(raw, f"risk_groups[{i}]") for i, raw in enumerate(self.rows(data, "risk_groups"))]
        codes = [g.code for g in groups]
        if dup := next((c for i, c in enumerate(codes) if c in codes[:i]), None):
            raise self.fail("risk_groups", f"duplicate group code {dup!r}")
        return Taxonomy(
            profile=name,
            name_lv=self.text(meta["name_lv"], "meta", "name_lv"),
            name_en=self.text(meta["name_en"], "meta", "name_en"),
            risk_groups=tuple(groups),
            sources=sources,
            **lists,
        )
