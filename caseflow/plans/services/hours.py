"""Log the hours a measure was delivered on a day, and take back a mistaken entry."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from caseflow.access import Actor, Permission, can
from caseflow.core.i18n import format_date_lv
from caseflow.db import local_today
from caseflow.extensions import db
from caseflow.plans import selectors
from caseflow.plans.models import DeliveredHours, DeliveryMode, PlanMeasure
from caseflow.plans.services.common import PlanError, check_hours, record

#: the most hours of one measure on one day
MAX_DAY_HOURS = Decimal("8")
#: the most hours one person delivers on one day, all measures together
MAX_PERSON_DAY_HOURS = Decimal("10")


def _check_day(measure: PlanMeasure, on: date | None) -> date:
    plan = measure.plan
    if on is None:
        raise PlanError("on", _l("Enter the date the support took place."))
    if on > local_today():
        raise PlanError("on", _l("Hours can be logged only once delivered: the date cannot be in the future."))
    if not plan.starts_on <= on <= plan.ends_on:
        raise PlanError("on", _l("Enter a date within the plan's period (%(start)s – %(end)s).",
                                 start=format_date_lv(plan.starts_on), end=format_date_lv(plan.ends_on)))
    return on


def log_hours(*, actor: Actor, measure: PlanMeasure, on: date | None, hours: Decimal | None,
              mode: str | None) -> DeliveredHours:
    """Log hours of a measure of an active plan on a past day within the plan's period."""
    if not can(actor, Permission.HOURS_LOG, measure):
        raise PlanError("hours", _l("You do not deliver this measure, so you cannot log its hours."))
    if measure.plan.is_evaluated:
        raise PlanError("hours", _l("The plan has been evaluated; hours can no longer be logged."))
    on = _check_day(measure, on)
    hours = check_hours("hours", hours, maximum=MAX_DAY_HOURS,
                        too_many=_l("At most %(max)s hours a day can be logged for one measure.", max=8))
    already = selectors.day_total(measure.id, on)
    if already + hours > MAX_DAY_HOURS:
        raise PlanError("hours", _l(
            "%(logged)s hours are already logged for %(date)s; at most %(left)s more can be added "
            "(8 a day for one measure).", logged=format_decimal(already), date=format_date_lv(on),
            left=format_decimal(MAX_DAY_HOURS - already)))
    if measure.deliverer_id is not None:
        person = selectors.person_day_total(measure.deliverer_id, on)
        if person + hours > MAX_PERSON_DAY_HOURS:
            raise PlanError("hours", _l(
                "Support of %(logged)s hours in all is already logged for this person on %(date)s; "
                "one person cannot deliver more than %(max)s hours a day.",
                logged=format_decimal(person), date=format_date_lv(on), max=10))
    if mode not in set(DeliveryMode):
        raise PlanError("mode", _l("Choose whether the support was in person or remote."))

    entry = DeliveredHours(measure_id=measure.id, on=on, hours=hours, mode=mode, logged_by_id=actor.user_id)
    db.session.add(entry)
    db.session.flush()
    record("plan.hours_log", measure.plan, object_type="DeliveredHours", object_id=entry.id,
           measure_id=measure.id)
    return entry


def remove_hours(*, actor: Actor, measure: PlanMeasure, entry: DeliveredHours) -> None:
    """Take back one's own mistaken entry while the plan is active."""
    if entry.measure_id != measure.id or entry.logged_by_id != actor.user_id:
        raise PlanError("hours", _l("Only the person who logged these hours can remove them."))
    if measure.plan.is_evaluated:
        raise PlanError("hours", _l("The plan has been evaluated; its hours can no longer change."))
    record("plan.hours_remove", measure.plan, object_type="DeliveredHours", object_id=entry.id,
           measure_id=measure.id)
    measure.deliveries.remove(entry)
    db.session.flush()
