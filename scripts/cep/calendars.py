"""Business-time arithmetic: a calendar's open seconds as a number line, so deadlines are a lookup, not a walk.

Every moment maps to its *offset*: the open seconds of the calendar between a fixed origin and that moment.
Offsets of whole days are precomputed year by year (holidays from the `holidays` package), so adding
"4 business hours" is one bisection, whatever the distance.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from .durations import Duration
from .model import Calendar

_FIRST_YEAR = 2000  # offsets count from 1 January of this year; earlier moments count as that day
_MOMENTS_KEPT = 200_000  # deadlines remembered per calendar


class BusinessCalendar:
    """Open time of one calendar: opening hours on open weekdays, closed on public holidays."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.time_zone)
        self.always_open = calendar.always_open
        self.day_seconds = calendar.business_day_seconds
        self._opens = calendar.opens or time(0)
        self._open_seconds = self._opens.hour * 3600 + self._opens.minute * 60
        self._origin = date(_FIRST_YEAR, 1, 1)
        self._last_year = _FIRST_YEAR - 1
        self._open_days: list[bool] = []
        self._ends: list[int] = []  # _ends[i]: open seconds from the origin to the end of day i
        self._openings: list[datetime] = []  # _openings[i]: day i at opening time, in the calendar's zone
        self._moments: dict[int, datetime] = {}  # deadlines repeat (clocks started while closed share one)
        self._texts: dict[int, str] = {}

    @cached_property
    def _holidays(self):  # a holidays.HolidayBase, filled year by year as days are asked for
        import holidays

        return holidays.country_holidays(self.calendar.holidays) if self.calendar.holidays else {}

    def holidays_in(self, years: Iterable[int]) -> list[tuple[date, str]]:
        """Public holidays of the given years, in date order, with their names."""
        wanted = set(years)
        for year in wanted:
            self._holidays.get(date(year, 1, 1))  # makes the library compute that year
        return sorted((day, name) for day, name in self._holidays.items() if day.year in wanted)

    def is_open_day(self, day: date) -> bool:
        return self.always_open or (day.weekday() in self.calendar.days and day not in self._holidays)

    def _extend_to(self, year: int) -> None:
        day = date(self._last_year + 1, 1, 1)
        closed = {d for d, _ in self.holidays_in(range(day.year, year + 1))}  # one lookup per year, not per day
        total = self._ends[-1] if self._ends else 0
        while day.year <= year:
            is_open = self.always_open or (day.weekday() in self.calendar.days and day not in closed)
            total += self.day_seconds if is_open else 0
            self._open_days.append(is_open)
            self._ends.append(total)
            self._openings.append(datetime.combine(day, self._opens, self.zone))
            day += timedelta(days=1)
        self._last_year = year

    def _index(self, day: date) -> int:
        self._extend_to(day.year + 1)
        return (day - self._origin).days

    def offset(self, moment: datetime) -> int:
        """Open seconds from the origin to `moment` (an aware datetime)."""
        if self.always_open:
            return int(moment.timestamp())
        local = moment.astimezone(self.zone)
        day = local.date()
        i = (day - self._origin).days if day.year <= self._last_year else self._index(day)
        if i <= 0:
            return 0
        before = self._ends[i - 1]
        if not self._open_days[i]:
            return before
        into = local.hour * 3600 + local.minute * 60 + local.second - self._open_seconds
        return before + min(max(into, 0), self.day_seconds)

    def moment(self, offset: int) -> datetime:
        """The earliest moment whose offset is `offset`: a deadline falls at closing time, not next opening."""
        known = self._moments.get(offset)
        if known is not None:
            return known
        if self.always_open:
            found = datetime.fromtimestamp(offset, UTC).astimezone(self.zone)
        else:
            while not self._ends or offset > self._ends[-1]:
                self._extend_to(self._last_year + 1)
            i = bisect_left(self._ends, offset)
            before = self._ends[i - 1] if i else 0
            found = self._openings[i] + timedelta(seconds=offset - before)
        if len(self._moments) >= _MOMENTS_KEPT:
            self._moments.clear()
        self._moments[offset] = found
        return found

    def text(self, offset: int) -> str:
        """`moment(offset)` in ISO 8601, remembered: deadlines repeat across tickets."""
        known = self._texts.get(offset)
        if known is None:
            if len(self._texts) >= _MOMENTS_KEPT:
                self._texts.clear()
            known = self._texts[offset] = self.moment(offset).isoformat()
        return known

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when the calendar is open then, else the next opening."""
        if self.always_open:
            return moment
        local = moment.astimezone(self.zone)
        day = local.date()
        if self.is_open_day(day) and local.time() < (self.calendar.closes or time(0)):
            return max(local, datetime.combine(day, self._opens, self.zone))
        day += timedelta(days=1)
        while not self.is_open_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, self._opens, self.zone)

    def seconds(self, duration: Duration) -> int:
        return duration.seconds(self.day_seconds)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline `duration` of open time after `start` (a clock starting while closed starts at opening)."""
        return self.moment(self.offset(start) + self.seconds(duration))

    def open_between(self, start: datetime, end: datetime) -> int:
        """Open seconds between two moments (0 when end is before start)."""
        return max(self.offset(end) - self.offset(start), 0)


def fix_window_start(handover: datetime, weekday: int, opens: time, calendar: BusinessCalendar) -> datetime:
    """The first `weekday` at `opens` at or after `handover` (in the calendar's zone); if that day is closed,
    the calendar's next opening after it."""
    local = handover.astimezone(calendar.zone)
    day = local.date() + timedelta(days=(weekday - local.weekday()) % 7)
    window = datetime.combine(day, opens, calendar.zone)
    if window < local:
        window += timedelta(days=7)
    if calendar.is_open_day(window.date()):
        return window
    return calendar.next_opening(datetime.combine(window.date() + timedelta(days=1), time(0), calendar.zone))
