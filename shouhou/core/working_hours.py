"""Working time (SYS-10 工作时间维护): add N hours of a company's working time to a moment.

`add_working_hours` is pure: it counts only the working days (ISO weekdays, Monday = 1) between the
start and end time of the day, on the wall clock of the given time zone. Friday 17:00 + 4 h with
Mon–Fri 09:00–18:00 is Monday 12:00; a start outside the hours counts from the next working moment.
An unusable schedule (no working days, an end time not after the start time) falls back to the wall
clock, so a deadline is never lost. Its loop is bounded: whole weeks are skipped arithmetically and at
most a week of days is walked, whatever the number of hours.

`timeout_schedule(tenant)` reads the company's settings: the schedule work-order timeouts count in
when `working_hours.count_timeouts` and `working_hours.enabled` are both on, else None (wall clock).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from . import company_settings
from .tenancy import require_tenant

DEFAULT_ZONE = "Asia/Shanghai"
_MAX_DAY_STEPS = 15  # after the week skip at most 7 days are left to walk; the cap only guards the loop


@dataclass(frozen=True)
class Schedule:
    """A usable working-hours schedule: working weekdays (1–7), a daily start < end, a time zone."""

    days: frozenset[int]
    start: time
    end: time
    tz: tzinfo

    def add(self, start, hours):
        return add_working_hours(start, hours, days=self.days, start_time=self.start, end_time=self.end,
                                 tz=self.tz)


def add_working_hours(start: datetime, hours: float, *, days, start_time: time, end_time: time,
                      tz: tzinfo) -> datetime:
    """The moment `hours` hours of working time after `start` (aware), in `start`'s time zone.

    Working time is counted on the local wall clock of `tz`: each working day contributes the span from
    `start_time` to `end_time`. No working days, or `end_time` not after `start_time`, mean no usable
    schedule: the hours are then added on the wall clock, as they are when the schedule is so thin that
    the moment would fall after the year 9999. Hours of 0 or less give `start` itself.
    """
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("add_working_hours needs an aware datetime")
    remaining = timedelta(hours=hours)
    if remaining <= timedelta(0):
        return start
    days = frozenset(day for day in days if isinstance(day, int) and 1 <= day <= 7)
    if not days or end_time <= start_time:
        return start + remaining
    try:
        return _add(start, remaining, days, start_time, end_time, tz)
    except OverflowError:  # a schedule so thin that the deadline would leave the calendar (year 9999)
        return start + remaining


def _add(start, remaining, days, start_time, end_time, tz):
    daily = datetime.combine(date.min, end_time) - datetime.combine(date.min, start_time)
    local = start.astimezone(tz).replace(tzinfo=None)
    day = local.date()
    # 1. the rest of today's window, when the start falls on a working day before its end time
    if day.isoweekday() in days and local.time() < end_time:
        cursor = max(local, datetime.combine(day, start_time))
        left_today = datetime.combine(day, end_time) - cursor
        if remaining <= left_today:
            return _aware(cursor + remaining, tz, start)
        remaining -= left_today
    # 2. from the next working morning on: whole weeks at once, keeping 0 < remaining <= one week, so an
    #    exact number of weeks ends at the end of a working day rather than at the next morning
    day = _next_working_day(day + timedelta(days=1), days)
    week = daily * len(days)
    weeks, rest = divmod(remaining, week)
    if not rest:
        weeks -= 1
    if weeks > 0:
        day += timedelta(weeks=weeks)  # same weekday, so still a working day
        remaining -= week * weeks
    # 3. then day by day: at most len(days) working days are needed
    for _step in range(_MAX_DAY_STEPS):
        if day.isoweekday() in days:
            if remaining <= daily:
                return _aware(datetime.combine(day, start_time) + remaining, tz, start)
            remaining -= daily
        day += timedelta(days=1)
    raise AssertionError("unreachable: the week skip leaves at most one week of working time")


def _next_working_day(day, days):
    for _step in range(7):
        if day.isoweekday() in days:
            return day
        day += timedelta(days=1)
    raise AssertionError("unreachable: days is not empty")


def _aware(local, tz, start):
    """A local wall-clock time in `tz` as an aware datetime in the start's time zone."""
    return local.replace(tzinfo=tz).astimezone(start.tzinfo)


def zone_of(tenant):
    """The company's time zone (Tenant.time_zone), Asia/Shanghai when unset or unknown."""
    try:
        return ZoneInfo(tenant.time_zone or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def schedule_of(tenant=None):
    """The company's working-hours schedule, or None when it is off or unusable."""
    tenant = tenant or require_tenant()
    values = company_settings.values(tenant, group="working_hours")
    if not values["working_hours.enabled"]:
        return None
    start, end = _parse_time(values["working_hours.start"]), _parse_time(values["working_hours.end"])
    days = frozenset(day for day in _ints(values["working_hours.days"]) if 1 <= day <= 7)
    if start is None or end is None or end <= start or not days:
        return None
    return Schedule(days=days, start=start, end=end, tz=zone_of(tenant))


def timeout_schedule(tenant=None):
    """The schedule work-order timeouts count in, or None for the wall clock.

    Reads one setting when 工单超时仅按工作时间计算 (working_hours.count_timeouts) is off (the usual case), so a deadline stays cheap.
    """
    tenant = tenant or require_tenant()
    if not company_settings.get("working_hours.count_timeouts", tenant):
        return None
    return schedule_of(tenant)


def _parse_time(value):
    try:
        hour, minute = str(value).split(":")[:2]
        return time(int(hour), int(minute))
    except (TypeError, ValueError):
        return None


def _ints(values):
    out = []
    for value in values if isinstance(values, (list, tuple)) else ():
        try:
            out.append(int(value))
        except (TypeError, ValueError):
            continue
    return out
