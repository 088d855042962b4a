"""Key moments: the list, the month calendar and each user's iCalendar feed."""
