"""Durations written the way people write them: '4 business hours', '3 business days', '30 minutes'."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"\s*([0-9]+)\s+(business\s+)?(minute|hour|day)s?\s*", re.ASCII)  # 0-9 only: not '٣'
_UNIT_SECONDS = {"minute": 60, "hour": 3600}
_CALENDAR_SECONDS = {"minute": 60, "hour": 3600, "day": 86_400}
# No time goal of a support process runs longer than a year; bounding it keeps every deadline computable.
LONGEST_DAYS = 366
EXAMPLES = "'4 business hours', '3 business days' or '30 minutes'"


@dataclass(frozen=True)
class Duration:
    """An amount of minutes, hours or days; `business` durations count only a calendar's open time."""

    amount: int
    unit: str
    business: bool
    text: str

    def seconds(self, business_day_seconds: int) -> int:
        """Length in counted seconds; a day is a business day on business calendars, 24 hours otherwise."""
        if self.unit == "day":
            return self.amount * (business_day_seconds if self.business else 86_400)
        return self.amount * _UNIT_SECONDS[self.unit]

    def __str__(self) -> str:
        return self.text


def parse_duration(text: str) -> Duration:
    """Parse a duration; raise ValueError with a message that shows the accepted forms."""
    match = _PATTERN.fullmatch(text)
    if not match:
        raise ValueError(f"cannot read duration '{text}': write it like {EXAMPLES}")
    digits, business, unit = match.groups()
    significant = digits.lstrip("0")
    if not significant:
        raise ValueError(f"duration '{text}' is zero: a time goal must be longer than that")
    written = " ".join(text.split())
    # More than nine digits is far more than a year in any unit (and int() refuses thousands of digits).
    if len(significant) > 9 or int(significant) * _CALENDAR_SECONDS[unit] > LONGEST_DAYS * 86_400:
        raise ValueError(f"duration '{written}' is longer than {LONGEST_DAYS} days: a time goal is met within a year")
    amount = int(significant)
    return Duration(amount, unit, business is not None, written)
