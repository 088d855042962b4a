"""Dutch formats for dates, amounts and weeks; UTC stored, Amsterdam shown."""

from datetime import date, datetime, time, timezone
from decimal import Decimal

import pytest

from tracker.formatting import from_local, iso_week, nl_amount, nl_date, nl_datetime, nl_number, to_local


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


def test_dates_read_as_dutch_users_write_them(request_context):
    assert nl_date(date(2026, 11, 30)) == "ma 30 nov 2026"
    assert nl_date(date(2026, 3, 1)) == "zo 1 mrt 2026"


def test_amounts_and_numbers_in_dutch_notation(request_context):
    assert nl_amount(Decimal("1234.50")) == "€\u00a01.234,50"  # a non-breaking space keeps € with its amount
    assert nl_number(250000) == "250.000"


def test_iso_week_numbers(request_context):
    assert iso_week(date(2026, 11, 30)) == "week 49 (2026)"
    assert iso_week(date(2027, 1, 1)) == "week 53 (2026)"


@pytest.mark.parametrize("moment, shown", [
    (datetime(2026, 3, 29, 0, 30, tzinfo=timezone.utc), "zo 29 mrt 2026 01:30"),  # just before the change
    (datetime(2026, 3, 29, 1, 30, tzinfo=timezone.utc), "zo 29 mrt 2026 03:30"),  # just after: summer time
    (datetime(2026, 10, 25, 0, 30, tzinfo=timezone.utc), "zo 25 okt 2026 02:30"),
    (datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc), "zo 25 okt 2026 02:30"),  # the hour that repeats
])
def test_utc_moments_show_in_amsterdam_time_across_the_clock_change(request_context, moment, shown):
    assert nl_datetime(moment) == shown


def test_a_late_evening_in_amsterdam_is_that_day_not_the_next(request_context):
    moment = datetime(2026, 6, 30, 22, 30, tzinfo=timezone.utc)  # 00:30 on 1 July in Amsterdam
    assert nl_date(moment) == "wo 1 jul 2026"
    assert to_local(moment).date() == date(2026, 7, 1)


def test_wall_clock_time_becomes_utc(request_context):
    assert from_local(date(2026, 1, 15), time(9, 0)) == datetime(2026, 1, 15, 8, 0, tzinfo=timezone.utc)
    assert from_local(date(2026, 7, 15), time(9, 0)) == datetime(2026, 7, 15, 7, 0, tzinfo=timezone.utc)
