"""Reporting periods in local days, and their edges as UTC moments.

Figures count contactmomenten by the municipality's calendar: a week starts
on Monday at midnight in Europe/Amsterdam, whatever the offset to UTC that
day, so buckets are compared against UTC moments computed here rather than
by date arithmetic in SQL (which differs per database and ignores DST).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import case

from ..formatting import from_local

# The dates a period may span: far enough for any history, near enough that
# every day has a UTC moment on both sides.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
MAX_DAYS = 5 * 366


def start_of(day: date) -> datetime:
    """The UTC moment a local day begins."""
    return from_local(day, time())


@dataclass(frozen=True)
class Period:
    """From `first` to `last`, both local days, both included."""

    first: date
    last: date

    @classmethod
    def last_year(cls, today: date) -> "Period":
        """The twelve months up to and including today: the default."""
        return cls(_same_day_a_year_before(today) + timedelta(days=1), today)

    @property
    def starts_at(self) -> datetime:
        return start_of(self.first)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return start_of(self.last + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def window(self, days: int) -> datetime:
        """The start of the last `days` days of the period (counted back from its last day)."""
        return start_of(self.last - timedelta(days=days - 1))

    def weeks(self) -> list[date]:
        """The Mondays of the weeks the period touches."""
        monday = self.first - timedelta(days=self.first.weekday())
        return [monday + timedelta(weeks=n) for n in range((self.last - monday).days // 7 + 1)]

    def months(self) -> list[date]:
        """The first days of the months the period touches."""
        months, month = [], self.first.replace(day=1)
        while month <= self.last:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months

    def week_edges(self) -> list[datetime]:
        return self._edges(self.weeks())

    def month_edges(self) -> list[datetime]:
        return self._edges(self.months())

    def _edges(self, starts: list[date]) -> list[datetime]:
        """The UTC moments between buckets (the first bucket's start is the period's)."""
        return [start_of(day) for day in starts[1:]]


def _same_day_a_year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def bucket(column, edges: list[datetime]):
    """SQL: the number of the bucket a moment falls in, 0 for the first;
    `edges` are the moments where each next bucket begins."""
    if not edges:
        return case((column.is_not(None), 0))
    return case(*[(column < edge, number) for number, edge in enumerate(edges)], else_=len(edges))


@dataclass(frozen=True)
class Preset:
    key: str
    label: str
    period: Period


def presets(today: date, labels: dict[str, str]) -> list[Preset]:
    """The periods a director picks most, as links above the form."""
    spans = {
        "4w": Period(today - timedelta(weeks=4) + timedelta(days=1), today),
        "13w": Period(today - timedelta(weeks=13) + timedelta(days=1), today),
        "12m": Period.last_year(today),
        "jaar": Period(date(today.year, 1, 1), today),
        "vorig-jaar": Period(date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }
    return [Preset(key, labels[key], spans[key]) for key in spans]
