"""A case opened from the warning list starts with what the signals say: how noticed, categories, risks."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from caseflow.access import Actor, Permission, scope
from caseflow.cases.taxonomy import ListEntry, ListKind, RiskGroup, RiskItem
from caseflow.extensions import db
from caseflow.warning import rules
from caseflow.warning.models import WarningSignal
from caseflow.warning.selectors import not_dismissed


def prefill_case_form(form, actor: Actor, pupil_id: int) -> bool:
    """Tick the entries matching the pupil's signals at the actor's school and write them in the summary."""
    signals = list(db.session.scalars(scope(select(WarningSignal), actor, Permission.WARNING_LIST, WarningSignal)
                                      .where(WarningSignal.pupil_id == pupil_id,
                                             WarningSignal.school_id == actor.institution_id, not_dismissed())
                                      .order_by(WarningSignal.rule)))
    if not signals:
        return False
    found = [rules.RULES[s.rule] for s in signals if s.rule in rules.RULES]
    entries = {(e.kind, e.code): e.id for e in db.session.scalars(select(ListEntry).where(
        ListEntry.municipality_id == actor.municipality_id, ListEntry.is_active.is_(True)))}
    items = {i.code: i.id for i in db.session.scalars(select(RiskItem).join(RiskGroup).where(
        RiskGroup.municipality_id == actor.municipality_id, RiskItem.is_active.is_(True),
        RiskGroup.is_active.is_(True)))}
    form.noticed_via.data = sorted({entries[(str(ListKind.NOTICED_VIA), r.noticed_via)] for r in found
                                    if (str(ListKind.NOTICED_VIA), r.noticed_via) in entries})
    form.categories.data = sorted({entries[(str(ListKind.CATEGORY), c)] for r in found for c in r.categories
                                   if (str(ListKind.CATEGORY), c) in entries})
    form.risks.data = sorted({items[c] for r in found for c in r.risk_items if c in items})
    lines = [rules.label(s.rule) + ": " + rules.describe(s.rule, s.value, s.threshold) for s in signals]
    form.summary.data = _("Early-warning signals from school data:") + "\n" + "\n".join(f"– {line}" for line in lines)
    return True
