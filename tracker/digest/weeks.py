"""ISO weeks as the digest counts them: Monday to Sunday in local time."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True, order=True)
class Week:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Week":
        """A week written as 2026-W48; ValueError for anything else."""
        match = WEEK_PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"not an ISO week: {text!r}")
        week = cls(int(match[1]), int(match[2]))
        week.monday  # raises ValueError for a week that does not exist
        return week

    @classmethod
    def of(cls, day: date) -> "Week":
        year, number, _ = day.isocalendar()
        return cls(year, number)

    @classmethod
    def last_finished(cls, today: date) -> "Week":
        return cls.of(today - timedelta(days=7))

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.number, 1)

    @property
    def next_monday(self) -> date:
        return self.monday + timedelta(days=7)

    def shifted(self, weeks: int) -> "Week":
        return Week.of(self.monday + timedelta(weeks=weeks))

    def __str__(self) -> str:
        return f"{self.year}-W{self.number:02d}"
