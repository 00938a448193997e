"""Business-time arithmetic: a calendar's open seconds as a number line, so deadlines are a lookup, not a walk.

Every moment maps to its *offset*: the open seconds of the calendar between a fixed origin and that moment.
Offsets of whole days are precomputed year by year (holidays from the `holidays` package), so adding
"4 business hours" is one bisection, whatever the distance.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate, chain
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .. import cache
from ..definition.durations import Duration
from ..definition.model import Calendar

_MOMENTS_KEPT = 200_000  # deadlines remembered per calendar
_CLOCK = [b"%02d:%02d" % divmod(minute, 60) for minute in range(24 * 60)]  # the parts of a time of day, written
_SECONDS = [b":%02d" % second for second in range(60)]
_UNIX_DAY = date(1970, 1, 1).toordinal()


def public_holidays(country: str, year: int) -> dict[date, str]:
    """A country's public holidays of one year, by date, as the `holidays` library names them; kept in the cache,
    as importing the library takes longer than routing 5,000 tickets."""
    key = (country.encode(), str(year).encode())
    kept = cache.load("holidays", *key)
    if kept is None:
        import holidays

        found = holidays.country_holidays(country, years=year)
        kept = sorted((day.toordinal(), name) for day, name in found.items() if day.year == year)
        cache.store("holidays", kept, *key)
    return {date.fromordinal(day): name for day, name in kept}


class _Year(NamedTuple):
    """One year of a calendar, day by day: open or not, open seconds, the Unix time of its start, its opening
    moment, its UTC offset, and its ISO date and UTC offset as text (both None if the clocks change that day)."""

    open: list[bool]
    seconds: list[int]
    midnights: list[int]
    openings: list[datetime]
    utc: list[timedelta | None]
    stamps: list[tuple[bytes, bytes] | None]


class BusinessCalendar:
    """Open time of one calendar: opening hours on open weekdays, closed on public holidays."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.zone = ZoneInfo(calendar.time_zone)
        self.always_open = calendar.always_open
        self.day_seconds = calendar.business_day_seconds
        self._opens = calendar.opens or time(0)
        self._open_seconds = self._opens.hour * 3600 + self._opens.minute * 60
        # The day table covers whole years, grown either way on demand. Offsets count from 1 January of the
        # first year asked for (earlier days get negative offsets), so they stay valid as the table grows.
        self._anchor: int | None = None
        self._years: dict[int, _Year] = {}
        self._bounds: list[int] = [0]  # offsets at the start of day i (and at the end of the last day)
        self._first_day = 0  # ordinal of day 0 of the table
        self._midnights: list[int] = []  # Unix times of day i's start (and of the end of the last day)
        self._open_days: list[bool] = []
        self._openings: list[datetime] = []  # day i at opening time, in the calendar's zone
        self._utc: list[timedelta | None] = []  # day i's UTC offset; None if it changes
        self._stamps: list[tuple[bytes, bytes] | None] = []  # day i's ISO date and UTC offset; None if it changes
        self._moments: dict[int, datetime] = {}  # deadlines repeat (clocks started while closed share one)
        self._texts: dict[int, bytes] = {}
        self._holiday_years: dict[int, dict[date, str]] = {}

    def _holidays_of(self, year: int) -> dict[date, str]:
        found = self._holiday_years.get(year)
        if found is None:
            country = self.calendar.holidays
            found = self._holiday_years[year] = public_holidays(country, year) if country else {}
        return found

    def holidays_in(self, years: Iterable[int]) -> list[tuple[date, str]]:
        """Public holidays of the given years, in date order, with their names."""
        return sorted(holiday for year in set(years) for holiday in self._holidays_of(year).items())

    def is_open_day(self, day: date) -> bool:
        return self.always_open or (day.weekday() in self.calendar.days and day not in self._holidays_of(day.year))

    def _year(self, year: int) -> _Year:
        closed = {} if self.always_open else self._holidays_of(year)
        row = _Year([], [], [], [], [], [])
        day = date(year, 1, 1)
        suffixes: dict[timedelta, bytes] = {}  # a UTC offset as ISO 8601 writes it
        while day.year == year:
            is_open = self.always_open or (day.weekday() in self.calendar.days and day not in closed)
            opening = datetime.combine(day, self._opens, self.zone)
            utc = self.zone.utcoffset(datetime.combine(day, time.min))
            row.open.append(is_open)
            row.seconds.append(self.day_seconds if is_open else 0)
            row.openings.append(opening)
            if utc is not None and utc == self.zone.utcoffset(datetime.combine(day, time.max)):
                # The same offset all day, as on all but two days a year: its start needs no zone arithmetic.
                row.midnights.append((day.toordinal() - _UNIX_DAY) * 86_400 - int(utc.total_seconds()))
                suffix = suffixes.get(utc)
                if suffix is None:
                    suffix = suffixes[utc] = opening.isoformat()[19:].encode()
                row.utc.append(utc)
                row.stamps.append((day.isoformat().encode() + b"T", suffix))
            else:
                row.midnights.append(int(datetime.combine(day, time.min, self.zone).timestamp()))
                row.utc.append(None)
                row.stamps.append(None)
            day += timedelta(days=1)
        return row

    def _cover(self, year: int) -> None:
        """Rebuild the day table so that it includes `year` (rare: once per year a run meets)."""
        if self._anchor is None:
            self._anchor = year
        known = self._years or {year: None}
        for y in range(min(year, *known), max(year, *known) + 1):
            if y not in self._years:
                self._years[y] = self._year(y)
        rows = [self._years[y] for y in sorted(self._years)]
        joined = lambda column: list(chain.from_iterable(getattr(row, column) for row in rows))  # noqa: E731
        before = sum(sum(self._years[y].seconds) for y in self._years if y < self._anchor)
        self._bounds = list(accumulate(joined("seconds"), initial=-before))
        end = datetime.combine(date(max(self._years) + 1, 1, 1), time.min, self.zone)
        self._midnights = [*joined("midnights"), int(end.timestamp())]
        self._first_day = date(min(self._years), 1, 1).toordinal()
        self._open_days, self._openings, self._utc, self._stamps = (
            joined(column) for column in ("open", "openings", "utc", "stamps")
        )

    def _day_of(self, unix_time: int) -> int:
        """The day of the table that holds `unix_time`, growing the table to hold it."""
        i = bisect_right(self._midnights, unix_time) - 1
        if not 0 <= i < len(self._open_days):
            self._cover(datetime.fromtimestamp(unix_time, self.zone).year)
            i = bisect_right(self._midnights, unix_time) - 1
        return i

    def offset(self, moment: datetime) -> int:
        """Open seconds from the calendar's origin to `moment` (an aware datetime)."""
        i = moment.toordinal() - self._first_day
        if 0 <= i < len(self._utc) and moment.utcoffset() == self._utc[i]:
            # Written with the calendar's own UTC offset that day, as most tickets are: its clock reads as it stands
            # (converting it to the zone would take half the time spent here).
            local = moment
        elif self.always_open:
            return int(moment.timestamp())
        else:
            local = moment.astimezone(self.zone)
            i = local.toordinal() - self._first_day
            if not 0 <= i < len(self._open_days):
                self._cover(local.year)
                i = local.toordinal() - self._first_day
        wall = local.hour * 3600 + local.minute * 60 + local.second
        if self.always_open:
            return self._midnights[i] + wall  # its Unix time: the clocks do not change that day
        if not self._open_days[i]:
            return self._bounds[i]
        return self._bounds[i] + min(max(wall - self._open_seconds, 0), self.day_seconds)

    def _locate(self, offset: int) -> tuple[int, int]:
        """(day, open seconds into it) of the earliest moment whose offset is `offset`."""
        assert self._years, "offsets come from offset(), which sets the origin"
        while offset > self._bounds[-1]:
            self._cover(max(self._years) + 1)
        while offset <= self._bounds[0]:
            self._cover(min(self._years) - 1)
        i = bisect_left(self._bounds, offset) - 1
        return i, offset - self._bounds[i]

    def moment(self, offset: int) -> datetime:
        """The earliest moment whose offset is `offset`: a deadline falls at closing time, not next opening."""
        known = self._moments.get(offset)
        if known is not None:
            return known
        if self.always_open:
            found = datetime.fromtimestamp(offset, UTC).astimezone(self.zone)
        else:
            i, into = self._locate(offset)
            found = self._openings[i] + timedelta(seconds=into)
        if len(self._moments) >= _MOMENTS_KEPT:
            self._moments.clear()
        self._moments[offset] = found
        return found

    def iso(self, offset: int) -> bytes:
        """`moment(offset)` in ISO 8601, as ASCII bytes to write into JSON Lines; remembered where deadlines repeat
        across tickets: when closed time makes clocks started at different moments end together."""
        if self.always_open:
            return self._iso(offset)  # deadlines around the clock seldom repeat: remembering them costs more
        known = self._texts.get(offset)
        if known is None:
            if len(self._texts) >= _MOMENTS_KEPT:
                self._texts.clear()
            known = self._texts[offset] = self._iso(offset)
        return known

    def _iso(self, offset: int) -> bytes:
        # Written from the day's date and UTC offset and the time of day: no datetime to build.
        if self.always_open:
            i = self._day_of(offset)  # offsets are Unix times here
            wall = offset - self._midnights[i]
        else:
            i, into = self._locate(offset)
            wall = self._open_seconds + into
        day = self._stamps[i]
        if day and wall < 86_400:
            minute, second = divmod(wall, 60)
            return b"".join((day[0], _CLOCK[minute], _SECONDS[second], day[1]))
        return self.moment(offset).isoformat().encode()

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
