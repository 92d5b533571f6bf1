"""Put a taxonomy profile (caseflow/data/taxonomy/<profile>.toml) into a municipality's lists."""
from __future__ import annotations

from sqlalchemy import select

from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup, RiskItem
from caseflow.cases.taxonomy_data import load_profile
from caseflow.extensions import db

_LISTS = {
    ListKind.CATEGORY: "categories", ListKind.NOTICED_VIA: "noticed_via", ListKind.OUTCOME: "outcomes",
    ListKind.DROPOUT_REASON: "dropout_reasons", ListKind.MEASURE_TYPE: "measure_types",
    ListKind.SUBJECT: "subjects",
}


def install_profile(municipality_id: int, profile: str = "default") -> int:
    """Add or update the profile's entries for a municipality (by code); return how many were added."""
    data = load_profile(profile)
    added = 0
    existing = {(e.kind, e.code): e for e in db.session.scalars(
        select(ListEntry).where(ListEntry.municipality_id == municipality_id))}
    for kind, attribute in _LISTS.items():
        for position, entry in enumerate(getattr(data, attribute)):
            row = existing.get((str(kind), entry.code))
            if row is None:
                row = ListEntry(municipality_id=municipality_id, kind=str(kind), code=entry.code)
                db.session.add(row)
                added += 1
            row.label_lv, row.label_en, row.position = entry.lv, entry.en, position
            row.needs_subject = bool(entry.needs_subject)
    groups = {g.code: g for g in db.session.scalars(
        select(RiskGroup).where(RiskGroup.municipality_id == municipality_id))}
    for position, group in enumerate(data.risk_groups):
        row = groups.get(group.code)
        if row is None:
            row = RiskGroup(municipality_id=municipality_id, code=group.code, label_lv=group.lv,
                            label_en=group.en, position=position)
            db.session.add(row)
            db.session.flush()
            added += 1
        row.label_lv, row.label_en, row.position = group.lv, group.en, position
        items = {i.code: i for i in row.items}
        for item_position, item in enumerate(group.items):
            item_row = items.get(item.code)
            if item_row is None:
                item_row = RiskItem(group_id=row.id, code=item.code)
                db.session.add(item_row)
                added += 1
            item_row.label_lv, item_row.label_en = item.lv, item.en
            item_row.position, item_row.is_other = item_position, item.other
    db.session.flush()
    return added
