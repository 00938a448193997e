"""Business-time arithmetic: offsets, deadlines, openings, holidays and the bug-fix window."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec.structs import replace

from cep.definition.durations import parse_duration
from cep.definition.model import Calendar, Process
from cep.problems import Location
from cep.routing.calendars import BusinessCalendar, fix_window_start

JHB = ZoneInfo("Africa/Johannesburg")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JHB)


def office(process: Process) -> BusinessCalendar:
    return BusinessCalendar(process.calendar("business-hours"))


def test_deadline_lands_at_closing_not_next_opening(process: Process) -> None:
    cal = office(process)
    assert cal.add(at("2026-11-30T08:00"), parse_duration("1 business day")) == at("2026-11-30T17:00")
    assert cal.add(at("2026-11-30T17:00"), parse_duration("1 business hour")) == at("2026-12-01T09:00")


def test_offsets_ignore_closed_time(process: Process) -> None:
    cal = office(process)
    assert cal.open_between(at("2026-11-27T16:00"), at("2026-11-30T09:00")) == 2 * 3600
    assert cal.open_between(at("2026-12-15T08:00"), at("2026-12-17T08:00")) == 9 * 3600  # 16 Dec is closed
    assert cal.open_between(at("2026-11-28T10:00"), at("2026-11-29T10:00")) == 0
    assert cal.open_between(at("2026-11-30T10:00"), at("2026-11-30T09:00")) == 0


def test_next_opening(process: Process) -> None:
    cal = office(process)
    assert cal.next_opening(at("2026-11-30T10:00")) == at("2026-11-30T10:00")
    assert cal.next_opening(at("2026-11-30T06:00")) == at("2026-11-30T08:00")
    assert cal.next_opening(at("2026-11-30T17:00")) == at("2026-12-01T08:00")
    assert cal.next_opening(at("2026-12-24T18:00")) == at("2026-12-28T08:00")  # Christmas, Goodwill, weekend


def test_south_african_holidays_include_sunday_substitutes(process: Process) -> None:
    days = dict(office(process).holidays_in([2025, 2026]))
    assert datetime(2025, 4, 28).date() in days  # Freedom Day on a Sunday, observed Monday
    assert datetime(2026, 12, 16).date() in days
    assert not office(process).is_open_day(datetime(2026, 12, 16).date())


def test_fix_window(process: Process) -> None:
    cal = office(process)
    wednesday = lambda moment: fix_window_start(at(moment), 2, time(8), cal)  # noqa: E731
    assert wednesday("2026-12-03T10:00") == at("2026-12-09T08:00")
    assert wednesday("2026-12-09T07:59") == at("2026-12-09T08:00")
    assert wednesday("2026-12-09T08:00") == at("2026-12-09T08:00")
    assert wednesday("2026-12-09T08:01") == at("2026-12-16T08:00").replace(day=17)  # 16 Dec closed → Thu
    assert wednesday("2026-12-10T10:00") == at("2026-12-17T08:00")


def test_always_open_calendar(process: Process) -> None:
    cal = BusinessCalendar(process.calendar("24x7"))
    start = datetime(2026, 12, 26, 23, 30, tzinfo=UTC)
    assert cal.add(start, parse_duration("1 hour")) == start + timedelta(hours=1)
    assert cal.add(start, parse_duration("1 hour")).tzinfo == JHB


def test_daylight_saving_zone_keeps_wall_clock_hours() -> None:
    berlin = Calendar(
        "berlin",
        "Berlin",
        "Europe/Berlin",
        "",
        False,
        None,
        (0, 1, 2, 3, 4),
        time(9),
        time(17),
        Location("t"),
    )
    cal = BusinessCalendar(berlin)
    zone = ZoneInfo("Europe/Berlin")
    friday = datetime(2026, 3, 27, 16, 0, tzinfo=zone)  # clocks go forward on Sunday 29 March
    assert cal.add(friday, parse_duration("2 business hours")) == datetime(2026, 3, 30, 10, 0, tzinfo=zone)


@pytest.fixture(scope="module")
def shared_office(process: Process) -> BusinessCalendar:
    return office(process)


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)),
    minutes=st.integers(min_value=1, max_value=60 * 9 * 40),
)
def test_adding_then_measuring_gives_back_the_duration_and_its_text(
    shared_office: BusinessCalendar, start: datetime, minutes: int
) -> None:
    cal = shared_office
    start = start.replace(second=0, microsecond=0)
    due = cal.add(start, parse_duration(f"{minutes} minutes"))
    assert cal.open_between(start, due) == minutes * 60
    assert cal.iso(cal.offset(start) + minutes * 60) == due.isoformat().encode()
    assert cal.is_open_day(due.date())
    assert time(8) < due.timetz().replace(tzinfo=None) <= time(17)


def test_offsets_agree_whichever_year_is_asked_first(process: Process) -> None:
    anchored_late, anchored_early = office(process), office(process)
    anchored_late.offset(at("2027-06-01T10:00"))  # the table starts in 2027 and must grow backwards
    anchored_early.offset(at("2020-06-01T10:00"))
    new_year = (at("2024-12-31T16:00"), at("2025-01-02T09:00"))  # 1 January is a public holiday
    for cal in (anchored_late, anchored_early):
        assert cal.open_between(*new_year) == 2 * 3600
        assert cal.add(new_year[0], parse_duration("2 business hours")) == new_year[1]


@pytest.mark.parametrize("day", ["2026-03-29", "2026-10-25"])  # Berlin's clocks change on these Sundays
def test_deadline_texts_on_days_the_clocks_change(day: str) -> None:
    every_day = (0, 1, 2, 3, 4, 5, 6)
    berlin = Calendar(
        "b", "Berlin", "Europe/Berlin", "", False, None, every_day, time(0, 30), time(23, 30), Location("t")
    )
    cal = BusinessCalendar(berlin)
    start = cal.offset(datetime.fromisoformat(f"{day}T00:00+00:00") - timedelta(days=1))
    offsets = range(start, start + 3 * 23 * 3600, 900)
    texts = [cal.iso(offset).decode() for offset in offsets]
    assert texts == [cal.moment(offset).isoformat() for offset in offsets]
    assert {text[19:] for text in texts} == {"+01:00", "+02:00"}


@pytest.mark.parametrize("zone", ["Africa/Johannesburg", "Europe/Berlin", "Asia/Kolkata", "Australia/Lord_Howe"])
def test_around_the_clock_deadline_texts(zone: str) -> None:
    # Berlin changes its clocks on 29 March 2026; Kolkata is +05:30; Lord Howe moves by half an hour.
    every_day = (0, 1, 2, 3, 4, 5, 6)
    cal = BusinessCalendar(Calendar("all", "All", zone, "", True, None, every_day, None, None, Location("t")))
    start = cal.offset(datetime(2026, 3, 28, tzinfo=UTC))
    offsets = range(start, start + 10 * 86_400, 7 * 60 + 1)
    assert [cal.iso(offset).decode() for offset in offsets] == [cal.moment(offset).isoformat() for offset in offsets]


@pytest.mark.parametrize("zone", ["America/Havana", "Australia/Lord_Howe", "Pacific/Chatham", "Europe/Berlin"])
def test_every_day_of_a_year_is_laid_out_where_the_zone_puts_it(zone: str) -> None:
    # Havana changes its clocks at midnight, so some of its days start at 01:00; Chatham is +12:45 or +13:45.
    every_day = (0, 1, 2, 3, 4, 5, 6)
    cal = BusinessCalendar(Calendar("all", "All", zone, "", True, None, every_day, None, None, Location("t")))
    tz = ZoneInfo(zone)
    for n in range(366):
        day = datetime(2026, 1, 1, tzinfo=tz) + timedelta(days=n)
        for wall in (day, day + timedelta(hours=12), day + timedelta(hours=23, minutes=59, seconds=59)):
            moment = wall.astimezone(UTC).astimezone(tz)  # a time the clocks skip is read as the zone reads it
            assert cal.offset(wall) == cal.offset(moment) == int(moment.timestamp())
            assert cal.iso(cal.offset(moment)).decode() == moment.isoformat()


_BERLIN_OFFICE = Calendar(
    "b", "Berlin", "Europe/Berlin", "DE", False, None, (0, 1, 2, 3, 4, 5, 6), time(1), time(23), Location("t")
)
_WRITTEN_WITH = [timedelta(hours=h) for h in (-5, 0, 1, 2, 3)] + [timedelta(hours=5, minutes=30)]


@settings(max_examples=300, deadline=None)
@given(  # Berlin's clocks change in March and October; a ticket's time may be written with any UTC offset
    moment=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)),
    calendar=st.sampled_from(["office", "berlin", "berlin around the clock"]),
)
def test_offsets_do_not_depend_on_the_utc_offset_a_time_is_written_with(
    shared_office: BusinessCalendar, moment: datetime, calendar: str
) -> None:
    berlin = _BERLIN_OFFICE if calendar == "berlin" else replace(_BERLIN_OFFICE, always_open=True)
    cal = shared_office if calendar == "office" else BusinessCalendar(berlin)
    cal.iso(cal.offset(moment))  # an around-the-clock calendar lays out its days when it first writes a time
    written = [moment.astimezone(cal.zone)] + [moment.astimezone(timezone(shift)) for shift in _WRITTEN_WITH]
    assert {cal.offset(text) for text in written} == {cal.offset(moment)}
