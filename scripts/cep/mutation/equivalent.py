"""Code mutants the features cannot kill, each with the reason, reviewed by hand.

EQUIVALENT: no ticket, moment or line of input tells them from the code as written (a cache's size, a shortcut
whose general path gives the same answer, a table laid out larger than needed, a value never read). They are
left out of the kill rate. UNOBSERVABLE_HERE: they do change what cep does, but not with this process's
definition (say, an opening off the hour, or a zone whose clocks change) or not in what
`cep route` prints as JSON Lines; they count as survivors, printed with their reason. Unit tests under
tests/routing/ guard them.

A mutant is named by its module, its line as written, the column and the change (and, for the same change at the
same spot of identical lines, which of them), not by line number: an edit to the line takes it off these lists,
and it is run and counted again."""

from __future__ import annotations

from .code import CodeMutant

CACHE = "a cache's size or its clearing: what is remembered is recomputed the same"
SHORTCUT = "a shortcut dropped or refused: the general path it saves gives the same answer"
LARGER_TABLE = "the calendar lays out a year more than asked for (or lays out again what it has): the same days"
TEXT_FALLBACK = (
    "the day's time then reads 24 h or more, and such a time is written from the moment itself: the same text"
)
NEVER_READ = "the first table laid out replaces this value before anything reads it"
TABLE_END = "the table's end moves later: " + TEXT_FALLBACK
NO_DEADLINE_BEFORE_START = (
    "a deadline is its clock's start plus a positive target, and the start's year is laid out first: no deadline "
    "falls at or before the table's first second, so the table never grows backwards here"
)
UNDER_A_DAY = (
    "a time of day from a day found by its midnight, or from an opening plus at most a business day, is under 24 h: "
    "the bound is never met"
)
ALWAYS_OPEN_NO_HOURS = "only an always-open calendar has no opening or closing hour, and it returns before reading one"

_CLOCK_LINE = (
    '_CLOCK = [b"%02d:%02d" % divmod(minute, 60) for minute in range(24 * 60)]  # the parts of a time of day, written'
)
_END_LINE = "end = datetime.combine(date(max(self._years) + 1, 1, 1), time.min, self.zone)"
_LISTED: list[tuple[str, str, int, str, str] | tuple[str, str, int, str, str, int]] = [
    ("router", "self.path = lru_cache(maxsize=4096)(self._path)", 39, "4096 → 4097", CACHE),
    ("calendars", "_MOMENTS_KEPT = 200_000  # deadlines remembered per calendar", 17, "200000 → 200001", CACHE),
    (
        "calendars",
        _CLOCK_LINE,
        65,
        "24 → 25",
        "a longer table of the times of a day: a time of day is never past 23:59",
    ),
    (
        "calendars",
        _CLOCK_LINE,
        70,
        "60 → 61",
        "a longer table of the times of a day: a time of day is never past 23:59",
    ),
    (
        "calendars",
        '_SECONDS = [b":%02d" % second for second in range(60)]',
        51,
        "60 → 61",
        "a longer table of seconds: a second is never past 59",
    ),
    ("calendars", "self._opens = calendar.opens or time(0)", 46, "0 → 1", ALWAYS_OPEN_NO_HOURS),
    (
        "calendars",
        "self._bounds: list[int] = [0]  # offsets at the start of day i (and at the end of the last day)",
        36,
        "0 → 1",
        NEVER_READ,
    ),
    ("calendars", "self._first_day = 0  # ordinal of day 0 of the table", 27, "0 → 1", NEVER_READ),
    (
        "calendars",
        "if utc is not None and utc == self.zone.utcoffset(datetime.combine(day, time.max)):",
        16,
        "IsNot → Is",
        SHORTCUT + " (every day is laid out as a day whose clocks change)",
    ),
    (
        "calendars",
        "if utc is not None and utc == self.zone.utcoffset(datetime.combine(day, time.max)):",
        13,
        "branch dropped",
        SHORTCUT + " (every day is laid out as a day whose clocks change)",
    ),
    ("calendars", "for y in range(min(year, *known), max(year, *known) + 1):", 63, "1 → 2", LARGER_TABLE),
    (
        "calendars",
        "before = sum(sum(self._years[y].seconds) for y in self._years if y < self._anchor)",
        74,
        "Lt → LtE",
        "every offset moves by the same number of seconds: offsets are only compared and subtracted",
    ),
    ("calendars", _END_LINE, 56, "1 → 2", TABLE_END),
    ("calendars", _END_LINE, 59, "1 → 2", TABLE_END),
    ("calendars", _END_LINE, 62, "1 → 2", TABLE_END),
    (
        "calendars",
        "i = bisect_right(self._midnights, unix_time) - 1",
        56,
        "1 → 2",
        "the day before is found, or the table laid out again: " + TEXT_FALLBACK,
    ),
    ("calendars", "if not 0 <= i < len(self._open_days):", 16, "0 → 1", LARGER_TABLE),
    ("calendars", "if not 0 <= i < len(self._open_days):", 16, "LtE → Lt", LARGER_TABLE),
    ("calendars", "if not 0 <= i < len(self._open_days):", 20, "0 → 1", LARGER_TABLE),
    ("calendars", "if not 0 <= i < len(self._open_days):", 20, "LtE → Lt", LARGER_TABLE),
    ("calendars", "if 0 <= i < len(self._utc) and moment.utcoffset() == self._utc[i]:", 12, "0 → 1", SHORTCUT),
    ("calendars", "if 0 <= i < len(self._utc) and moment.utcoffset() == self._utc[i]:", 12, "LtE → Lt", SHORTCUT),
    ("calendars", "if 0 <= i < len(self._utc) and moment.utcoffset() == self._utc[i]:", 9, "branch dropped", SHORTCUT),
    ("calendars", "elif self.always_open:", 9, "branch dropped", SHORTCUT),
    ("calendars", "while offset > self._bounds[-1]:", 38, "1 → 2", LARGER_TABLE),
    ("calendars", "while offset > self._bounds[-1]:", 15, "Gt → GtE", LARGER_TABLE),
    ("calendars", "self._cover(max(self._years) + 1)", 44, "1 → 2", LARGER_TABLE),
    ("calendars", "while offset <= self._bounds[0]:", 38, "0 → 1", LARGER_TABLE),
    ("calendars", "while offset <= self._bounds[0]:", 15, "LtE → Lt", NO_DEADLINE_BEFORE_START),
    ("calendars", "self._cover(min(self._years) - 1)", 44, "1 → 2", NO_DEADLINE_BEFORE_START),
    ("calendars", "if known is not None:", 9, "branch dropped", CACHE),
    ("calendars", "if len(self._moments) >= _MOMENTS_KEPT:", 12, "GtE → Gt", CACHE),
    ("calendars", "if len(self._moments) >= _MOMENTS_KEPT:", 9, "branch dropped", CACHE),
    ("calendars", "if len(self._texts) >= _MOMENTS_KEPT:", 16, "GtE → Gt", CACHE),
    ("calendars", "if len(self._texts) >= _MOMENTS_KEPT:", 13, "branch dropped", CACHE),
    ("calendars", "if day and wall < 86_400:", 27, "86400 → 86401", UNDER_A_DAY),
    ("calendars", "if day and wall < 86_400:", 20, "Lt → LtE", UNDER_A_DAY),
    ("calendars", "if day and wall < 86_400:", 9, "branch dropped", SHORTCUT + " (the time written from the moment)"),
    (
        "calendars",
        "if self.is_open_day(day) and local.time() < (self.calendar.closes or time(0)):",
        83,
        "0 → 1",
        ALWAYS_OPEN_NO_HOURS,
    ),
    (
        "calendars",
        "if self.always_open:",
        9,
        "branch dropped",
        CACHE + " (iso(): the texts of an always-open calendar)",
        2,
    ),
    (
        "tickets",
        "if _BASIC.issuperset(raw):  # the common case at triage: nothing more to read",
        9,
        "branch dropped",
        SHORTCUT,
    ),
]

_HERE: list[tuple[str, str, int, str, str] | tuple[str, str, int, str, str, int]] = [
    (
        "calendars",
        "if utc is not None and utc == self.zone.utcoffset(datetime.combine(day, time.max)):",
        36,
        "Eq → NotEq",
        "the layout of a day whose clocks change; the process's zones keep one UTC offset all year",
    ),
    (
        "calendars",
        "if self.always_open:",
        9,
        "branch dropped",
        "next_opening() of an always-open calendar; only the fix window asks, and its calendar keeps hours here",
        4,
    ),
    (
        "calendars",
        "day += timedelta(days=1)",
        35,
        "1 → 2",
        "three closed weekdays in a row from the day after a window's day; the process's holidays have none",
        1,
    ),
    (
        "router",
        "self.review_calendar.seconds(review.target) if self.review_calendar and review.target else 0",
        104,
        "0 → 1",
        "a review clock without a calendar or a target; the process's review clock has both",
    ),
    (
        "calendars",
        "self._open_seconds = self._opens.hour * 3600 + self._opens.minute * 60",
        77,
        "60 → 61",
        "an opening's minutes; the process's calendars open on the hour",
    ),
    (
        "calendars",
        "if self.is_open_day(day) and local.time() < (self.calendar.closes or time(0)):",
        38,
        "Lt → LtE",
        "the next opening asked at closing time; the fix window asks it only at midnight",
    ),
    (
        "calendars",
        "return calendar.next_opening(datetime.combine(window.date() + timedelta(days=1), time(0), calendar.zone))",
        91,
        "0 → 1",
        "the next opening after 01:00 rather than 00:00; the process's calendars open later than 01:00",
    ),
    (
        "tickets",
        "def read_tickets(lines: Iterable[bytes], name: str, process: Process, first: int = 1)"
        " -> Iterator[Ticket | Problem]:",
        84,
        "1 → 2",
        "read_tickets serves `cep route --format table`; the features read the JSON Lines cep route prints",
    ),
    (
        "tickets",
        "if item is not None:",
        12,
        "IsNot → Is",
        "read_tickets serves `cep route --format table`; the features read the JSON Lines cep route prints",
    ),
    (
        "tickets",
        "if item is not None:",
        9,
        "branch dropped",
        "read_tickets serves `cep route --format table`; the features read the JSON Lines cep route prints",
    ),
]


def _keyed(entries: list[tuple[str, str, int, str, str] | tuple[str, str, int, str, str, int]]) -> dict:
    """Each entry keyed as CodeMutant.key: the last number, when given, says which of identical lines it is."""
    return {(f"routing/{e[0]}.py", e[1], e[2], e[3], e[5] if len(e) > 5 else 0): e[4] for e in entries}


EQUIVALENT = _keyed(_LISTED)
UNOBSERVABLE_HERE = _keyed(_HERE)


def equivalent_reason(mutant: CodeMutant) -> str | None:
    return EQUIVALENT.get(mutant.key)


def unobservable_reason(mutant: CodeMutant) -> str | None:
    return UNOBSERVABLE_HERE.get(mutant.key)
