"""Locale and time zone: Latvian first, English second; dates as dd.mm.yyyy. in Europe/Riga."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, session
from flask_babel import format_datetime
from flask_login import current_user


def select_locale() -> str:
    """The signed-in user's language, else the browser session's choice, else Latvian."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("lang")
    return chosen if chosen in languages else current_app.config["DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Every time is shown in the configured zone (Europe/Riga)."""
    return current_app.config["TIMEZONE"]


def format_date_lv(value: date | datetime | None) -> str:
    """Format a date the Latvian way: 23.11.2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"])).date()
    return value.strftime("%d.%m.%Y.")


def format_datetime_lv(value: datetime | None) -> str:
    """Format a timestamp in Riga time: 23.11.2026. 14:05."""
    if value is None:
        return ""
    local = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return local.strftime("%d.%m.%Y. %H:%M")


def install(app: Flask) -> None:
    """Register date filters."""
    app.jinja_env.filters["date"] = format_date_lv
    app.jinja_env.filters["datetime"] = format_datetime_lv
    app.jinja_env.filters["babel_datetime"] = format_datetime
