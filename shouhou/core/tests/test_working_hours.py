"""Working time (SYS-10): `add_working_hours` against hand-worked examples and a minute-by-minute
reference, its wall-clock fallbacks, time zones, and `timeout_schedule` reading the company settings."""

import time as clock
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shouhou.core import company_settings, working_hours
from shouhou.core.working_hours import Schedule, add_working_hours

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
MON_FRI = (1, 2, 3, 4, 5)
NINE, SIX = time(9, 0), time(18, 0)  # 9 working hours a day, 45 a week


def at(day, hour=0, minute=0, tz=SHANGHAI):
    """A moment in March 2026 (the 2nd is a Monday), in `tz`."""
    return datetime(2026, 3, day, hour, minute, tzinfo=tz)


def add(start, hours, days=MON_FRI, start_time=NINE, end_time=SIX, tz=SHANGHAI):
    return add_working_hours(start, hours, days=days, start_time=start_time, end_time=end_time, tz=tz)


def test_the_calendar_of_these_tests():
    assert [at(day).isoweekday() for day in (2, 6, 7, 8, 9)] == [1, 5, 6, 7, 1]


# --- hand-worked examples ---------------------------------------------------------------------------

@pytest.mark.parametrize("start, hours, expected", [
    # the same day
    (at(2, 10), 3, at(2, 13)),
    (at(2, 9), 9, at(2, 18)),  # a whole day ends at its end time, not at the next morning
    (at(2, 14, 30), 3.5, at(2, 18)),
    # across the evening
    (at(2, 16), 4, at(3, 11)),
    (at(2, 17, 59), 1, at(3, 9, 59)),
    # across the weekend: the example
    (at(6, 17), 4, at(9, 12)),
    (at(6, 9), 10, at(9, 10)),
    # starting outside the hours counts from the next working moment
    (at(2, 20), 2, at(3, 11)),
    (at(2, 18), 1, at(3, 10)),  # the end time itself is outside
    (at(2, 7, 30), 1, at(2, 10)),
    (at(3, 0, 0), 9, at(3, 18)),
    (at(6, 23, 30), 1, at(9, 10)),  # Friday night
    # starting on a non-working day
    (at(7, 11), 1, at(9, 10)),  # Saturday
    (at(8, 23, 59), 0.5, at(9, 9, 30)),  # Sunday night
    # fractional hours
    (at(2, 17, 30), 1.25, at(3, 9, 45)),
    (at(2, 9), 0.5, at(2, 9, 30)),
    (at(2, 10), 1 / 60, at(2, 10, 1)),
    # several weeks: an exact number of weeks ends on a Friday evening
    (at(2, 9), 45, at(6, 18)),
    (at(2, 9), 135, at(20, 18)),
    (at(2, 9), 136, at(23, 10)),
    (at(6, 17), 46, at(13, 18)),
    (at(7, 12), 90, at(20, 18)),
])
def test_working_hours_examples(start, hours, expected):
    assert add(start, hours) == expected


def test_other_schedules():
    # Mon, Wed, Sat 08:00–12:00 (4 h a day, 12 a week)
    days = (1, 3, 6)
    morning = {"days": days, "start_time": time(8), "end_time": time(12)}
    assert add(at(2, 11), 2, **morning) == at(4, 9)  # Monday 11:00 → Wednesday 09:00
    assert add(at(4, 13), 5, **morning) == at(9, 9)  # Wednesday afternoon → Saturday 4 h, Monday 1 h
    assert add(at(2, 8), 12 * 10, **morning) == at(2, 8) + timedelta(weeks=9, days=5, hours=4)  # Sat 12:00
    # every day of the week, 00:00–23:59
    assert add(at(7, 23, 58), 1, days=range(1, 8), start_time=time(0), end_time=time(23, 59)) == at(8, 0, 59)


def test_a_long_timeout_is_fast_and_exact():
    """A year of timeout in a thin schedule (one hour on Sundays) is 8,760 weeks away — skipped, not walked."""
    begun = clock.perf_counter()
    result = add(at(2, 9), 24 * 365, days=(7,), start_time=time(10), end_time=time(11))
    assert clock.perf_counter() - begun < 0.05
    assert result == at(8, 11) + timedelta(weeks=24 * 365 - 1)
    assert add(at(2, 9), 24 * 365) == at(2, 9) + timedelta(weeks=194, days=3, hours=3)  # 8760 = 194×45 + 30


def test_a_deadline_past_the_calendar_falls_back_to_the_wall_clock():
    thin = {"days": (7,), "start_time": time(9), "end_time": time(9, 1)}  # one minute a week
    assert add(at(2, 9), 24 * 365, **thin) == at(2, 9) + timedelta(hours=24 * 365)


# --- fallbacks ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("schedule", [
    {"days": ()},
    {"days": (0, 8)},  # no real weekday
    {"start_time": time(18), "end_time": time(9)},  # a night shift across midnight is not supported
    {"start_time": time(9), "end_time": time(9)},
])
def test_an_unusable_schedule_counts_on_the_wall_clock(schedule):
    assert add(at(6, 17), 4, **schedule) == at(6, 21)
    assert add(at(7, 3), 2.5, **schedule) == at(7, 5, 30)


def test_no_hours_is_the_start_and_a_naive_start_is_refused():
    assert add(at(7, 11), 0) == at(7, 11)
    assert add(at(7, 11), -3) == at(7, 11)
    with pytest.raises(ValueError):
        add(datetime(2026, 3, 2, 10), 1)


# --- time zones -------------------------------------------------------------------------------------

def test_hours_count_in_the_companys_time_zone():
    # Friday 17:00 in Shanghai is 09:00 UTC; four working hours later it is Monday 12:00 in Shanghai
    start = datetime(2026, 3, 6, 9, 0, tzinfo=UTC)
    result = add(start, 4)
    assert result == datetime(2026, 3, 9, 4, 0, tzinfo=UTC) == at(9, 12)
    assert result.tzinfo is UTC  # the answer comes in the start's time zone
    # Sunday 23:00 UTC is already Monday 07:00 in Shanghai: a working day
    assert add(datetime(2026, 3, 8, 23, 0, tzinfo=UTC), 1) == at(9, 10)
    # the same UTC moment in another company's zone is Friday evening there
    assert add(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), 4, tz=ZoneInfo("America/New_York")) == datetime(
        2026, 3, 6, 18, 0, tzinfo=UTC)  # 04:00 in New York: Friday 09:00–13:00 there (UTC−5)


def test_working_hours_stay_on_the_local_clock_across_a_daylight_saving_change():
    # Berlin moves to summer time on Sunday 29 March 2026: Friday 17:00 (UTC+1) + 4 h = Monday 12:00 (UTC+2)
    result = add(datetime(2026, 3, 27, 17, 0, tzinfo=BERLIN), 4, tz=BERLIN)
    assert result == datetime(2026, 3, 30, 12, 0, tzinfo=BERLIN) == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)


# --- against a minute-by-minute reference -----------------------------------------------------------

def reference(start, minutes, days, start_time, end_time):
    """Count working minutes one by one (skipping the non-working stretches), on naive local times."""
    moment = start
    while minutes:
        if moment.isoweekday() not in days or moment.time() >= end_time:
            moment = datetime.combine(moment.date() + timedelta(days=1), time(0))
        elif moment.time() < start_time:
            moment = datetime.combine(moment.date(), start_time)
        else:
            moment += timedelta(minutes=1)
            minutes -= 1
    return moment


@st.composite
def schedules(draw):
    days = draw(st.sets(st.integers(1, 7), min_size=1))
    start = draw(st.integers(0, 24 * 60 - 2))
    end = draw(st.integers(start + 1, 24 * 60 - 1))
    return sorted(days), time(*divmod(start, 60)), time(*divmod(end, 60))


@settings(max_examples=300, deadline=None)
@given(schedule=schedules(), offset=st.integers(0, 21 * 24 * 60), minutes=st.integers(1, 40 * 60))
def test_agrees_with_counting_minute_by_minute(schedule, offset, minutes):
    days, start_time, end_time = schedule
    local = datetime(2026, 3, 2) + timedelta(minutes=offset)
    result = add(local.replace(tzinfo=SHANGHAI), minutes / 60, days=days, start_time=start_time,
                 end_time=end_time)
    assert result == reference(local, minutes, days, start_time, end_time).replace(tzinfo=SHANGHAI)


# --- the company's schedule -------------------------------------------------------------------------

ON = {"working_hours.count_timeouts": True}


@pytest.mark.django_db
@pytest.mark.parametrize("stored, expected", [
    ({}, None),  # off by default
    ({"working_hours.count_timeouts": False, "working_hours.enabled": True}, None),
    ({**ON, "working_hours.enabled": False}, None),  # counting needs working hours in use
    (ON, Schedule(frozenset(MON_FRI), NINE, SIX, SHANGHAI)),  # the defaults: Mon–Fri 09:00–18:00
    ({**ON, "working_hours.days": [6, "7", "x", 9], "working_hours.start": "08:30", "working_hours.end": "12:00"},
     Schedule(frozenset({6, 7}), time(8, 30), time(12), SHANGHAI)),
    ({**ON, "working_hours.days": []}, None),  # unusable stored values: the wall clock
    ({**ON, "working_hours.start": "18:00", "working_hours.end": "09:00"}, None),
    ({**ON, "working_hours.end": "late"}, None),
])
def test_timeout_schedule_reads_the_company_settings(tenant, stored, expected):
    tenant.settings = stored
    assert working_hours.timeout_schedule() == expected


@pytest.mark.django_db
def test_timeout_schedule_uses_the_companys_time_zone(tenant):
    tenant.settings = ON
    tenant.time_zone = "Europe/Berlin"
    assert working_hours.timeout_schedule(tenant).tz == BERLIN
    tenant.time_zone = "Mars/Olympus_Mons"
    assert working_hours.timeout_schedule(tenant).tz == SHANGHAI
    tenant.time_zone = ""
    schedule = working_hours.timeout_schedule(tenant)
    assert schedule.tz == SHANGHAI and schedule.add(at(6, 17), 4) == at(9, 12)


@pytest.mark.django_db
def test_timeout_schedule_reads_one_setting_when_off(tenant, monkeypatch):
    """The deadline of every flow action asks; with the switch off it must cost one dict lookup."""
    reads = []
    real_get = company_settings.get
    monkeypatch.setattr(company_settings, "get", lambda key, t=None: reads.append(key) or real_get(key, t))
    monkeypatch.setattr(company_settings, "values", lambda *a, **k: pytest.fail("read the whole group"))
    assert working_hours.timeout_schedule(tenant) is None
    assert reads == ["working_hours.count_timeouts"]


def test_default_zone_is_shanghai():
    class Company:
        time_zone = None

    assert working_hours.zone_of(Company()) == SHANGHAI
