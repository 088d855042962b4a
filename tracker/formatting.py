"""Dutch formats for dates, times, amounts and enum values in templates."""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_currency, format_date, format_datetime, format_decimal

from .labels import label

DATE_FORMAT = "EEE d MMM y"
DATETIME_FORMAT = "EEE d MMM y HH:mm"


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    """A UTC moment as wall-clock time in the municipality's time zone."""
    return moment.astimezone(local_zone())


def from_local(day: date, clock) -> datetime:
    """The UTC moment of a wall-clock date and time in the municipality."""
    return datetime.combine(day, clock, tzinfo=local_zone()).astimezone(timezone.utc)


def local_today() -> date:
    return datetime.now(local_zone()).date()


def nl_date(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return format_date(value, DATE_FORMAT)


def nl_datetime(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, DATETIME_FORMAT)


def nl_time(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "HH:mm")


def nl_amount(value) -> str:
    return "" if value is None else format_currency(value, "EUR")


def nl_number(value) -> str:
    return "" if value is None else format_decimal(value)


def iso_week(value) -> str:
    if isinstance(value, datetime):
        value = to_local(value).date()
    year, week, _ = value.isocalendar()
    return f"week {week} ({year})"


def init_app(app):
    app.jinja_env.filters.update(
        nl_date=nl_date, nl_datetime=nl_datetime, nl_time=nl_time, nl_amount=nl_amount,
        nl_number=nl_number, iso_week=iso_week, label=label,
    )
    app.jinja_env.globals["timedelta"] = timedelta
    app.context_processor(lambda: {"today": local_today()})
