"""Time expressions in questions ("this week", "in March", "in 2021") resolved against "today",
and the days articles name ("on Tuesday", "yesterday") against the article's date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS.pop("may", None)  # "may" is far more often a verb; "in May" is handled below
_MONTH_WORDS = "|".join(sorted((calendar.month_name[i] for i in range(1, 13)), key=len))
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}


@dataclass(frozen=True)
class DateWindow:
    """Articles dated in [start, end + DATE_SLACK] fit the question and rank higher; none is
    left out.

    A named month or year is as often when the event happened as when it was reported ("hit a
    record high last year", asked in January, is answered by this year's news), and article
    dates are often approximate.
    """

    start: date
    end: date

    def fits(self, day: date) -> bool:
        """In the window, or within the slack past its end."""
        return self.start <= day <= self.end + DATE_SLACK


# Article dates run late: a crawler's "first seen" day, a time zone ahead. Windows reach this
# far past their end.
DATE_SLACK = timedelta(days=2)
RECENT_DAYS = 7


def in_window(day: date | None, window: DateWindow | None) -> bool:
    """Is `day` known and inside `window`, when there is one?"""
    return window is not None and day is not None and window.fits(day)


def recent(today: date) -> DateWindow:
    """The news of the week up to today: what a question with no time expression is about."""
    return DateWindow(today - timedelta(days=RECENT_DAYS), today)


def parse_iso(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month_window(year: int, month: int) -> DateWindow:
    last = calendar.monthrange(year, month)[1]
    return DateWindow(date(year, month, 1), date(year, month, last))


def _year_window(year: int) -> DateWindow:
    return DateWindow(date(year, 1, 1), date(year, 12, 31))


def resolve(question: str, today: date) -> DateWindow | None:
    """The date window a question's time expression names, or None when it names none or one
    still to come ("will open in 2024": when the event is due, not when the news was written)."""
    window = _named_window(question, today)
    return None if window is None or window.start > today else window


def _named_window(question: str, today: date) -> DateWindow | None:
    q = question.lower()
    if re.search(r"\btoday\b|\btonight\b", q):
        return DateWindow(today - timedelta(days=1), today)
    if re.search(r"\byesterday\b", q):
        day = today - timedelta(days=1)
        return DateWindow(day - timedelta(days=1), day)
    if re.search(r"\b(this|past) week\b|\bthis weekend\b", q):
        return DateWindow(today - timedelta(days=7), today)
    if re.search(r"\blast week\b", q):
        return DateWindow(today - timedelta(days=14), today - timedelta(days=5))
    if re.search(r"\bthis month\b", q):
        return DateWindow(today.replace(day=1), today)
    if re.search(r"\blast month\b", q):
        first = today.replace(day=1) - timedelta(days=1)
        return _month_window(first.year, first.month)
    if re.search(r"\bthis year\b", q):
        return DateWindow(date(today.year, 1, 1), today)
    if re.search(r"\blast year\b", q):
        return _year_window(today.year - 1)
    named = re.search(rf"\b(?i:in|during|since|of)\s+({_MONTH_WORDS})(?:\s+(\d{{4}}))?\b", question)
    if named:
        month = MONTHS[named.group(1).lower()] if named.group(1).lower() != "may" else 5
        year = int(named.group(2)) if named.group(2) else today.year
        if not named.group(2) and (year, month) > (today.year, today.month):
            year -= 1  # "in March" asked in February means last March
        return _month_window(year, month)
    year_match = re.search(r"\b(?:in|during|of)\s+((?:19|20)\d{2})\b", q)
    if year_match:
        return _year_window(int(year_match.group(1)))
    return None


def day_of(expression: str, published: date, *, ahead: bool = False) -> date | None:
    """The day an article's relative expression names ("on Tuesday", "yesterday", "last
    night"), counted from the article's date: for a weekday the last one on or before it, or
    the next one after it when the sentence looks ahead ("will meet on Tuesday")."""
    words = expression.lower().split()
    if words[-1] == "yesterday" or words[-2:] == ["last", "night"]:
        return published - timedelta(days=1)
    weekday = _WEEKDAYS.get(words[-1])
    if weekday is None:
        return None
    if ahead:
        return published + timedelta(days=(weekday - published.weekday() - 1) % 7 + 1)
    return published - timedelta(days=(published.weekday() - weekday) % 7)
