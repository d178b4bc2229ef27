"""Plan arithmetic (WO-22): the occurrence dates of a recurrence, with dateutil.rrule.

Every N days; every N weeks on chosen weekdays (0 = Monday … 6 = Sunday; none = the start date's
weekday); every N months on a day (none = the start date's day). A day past a month's end falls on that
month's last day (31 → 30 April, 28/29 February), so a plan on the 31st or on 29 February still runs every
month. Dates only: the company's time zone decides which day "today" is (services.company_today).
"""

from datetime import date, datetime

from dateutil import rrule

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
FREQS = {DAILY: rrule.DAILY, WEEKLY: rrule.WEEKLY, MONTHLY: rrule.MONTHLY}


def rule(*, freq, interval, start_date, weekdays=(), day_of_month=None, end_date=None, count=None):
    """The dateutil rule of a plan (until `end_date` inclusive, or `count` occurrences in all)."""
    options = {"dtstart": datetime.combine(start_date, datetime.min.time()), "interval": max(int(interval or 1), 1)}
    if freq == WEEKLY:
        options["byweekday"] = sorted(set(weekdays)) or [start_date.weekday()]
    elif freq == MONTHLY:
        day = day_of_month or start_date.day
        if day > 28:  # the last of the days 28…day this month has: 31 → 30 April, 29 February or 28
            options["bymonthday"] = tuple(range(28, day + 1))
            options["bysetpos"] = -1
        else:
            options["bymonthday"] = day
    if count:
        options["count"] = count
    elif end_date:
        options["until"] = datetime.combine(end_date, datetime.min.time())
    return rrule.rrule(FREQS[freq], **options)


def dates(plan_rule, *, until, after=None):
    """The occurrence dates up to `until` inclusive (and, when given, on or after `after`)."""
    for moment in plan_rule:
        day = moment.date()
        if day > until:
            return
        if after is None or day >= after:
            yield day


def first_on_or_after(plan_rule, day: date):
    moment = plan_rule.after(datetime.combine(day, datetime.min.time()), inc=True)
    return moment.date() if moment else None
