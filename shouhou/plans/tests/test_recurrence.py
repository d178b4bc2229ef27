"""Plan arithmetic: month ends, leap days, intervals, weekdays, end date and count (dateutil.rrule)."""

from datetime import date

from shouhou.plans import recurrence


def occurrences(until=date(2030, 12, 31), **options):
    return list(recurrence.dates(recurrence.rule(**options), until=until))


def test_monthly_on_the_31st_falls_on_each_month_end():
    assert occurrences(freq="monthly", interval=1, start_date=date(2025, 1, 31), until=date(2025, 6, 30)) == [
        date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30), date(2025, 5, 31),
        date(2025, 6, 30)]


def test_monthly_day_30_in_a_leap_february():
    assert occurrences(freq="monthly", interval=1, start_date=date(2024, 1, 5), day_of_month=30,
                       until=date(2024, 3, 31)) == [date(2024, 1, 30), date(2024, 2, 29), date(2024, 3, 30)]


def test_a_yearly_plan_on_29_february_runs_on_28_february_in_common_years():
    assert occurrences(freq="monthly", interval=12, start_date=date(2024, 2, 29), until=date(2028, 12, 31)) == [
        date(2024, 2, 29), date(2025, 2, 28), date(2026, 2, 28), date(2027, 2, 28), date(2028, 2, 29)]


def test_quarterly_on_a_day():
    assert occurrences(freq="monthly", interval=3, start_date=date(2026, 1, 1), day_of_month=15,
                       count=4) == [date(2026, 1, 15), date(2026, 4, 15), date(2026, 7, 15), date(2026, 10, 15)]


def test_every_two_weeks_on_monday_and_thursday_with_a_count():
    assert occurrences(freq="weekly", interval=2, start_date=date(2026, 12, 7), weekdays=[3, 0], count=5) == [
        date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 21), date(2026, 12, 24), date(2027, 1, 4)]


def test_weekly_without_weekdays_uses_the_start_dates_weekday():
    assert occurrences(freq="weekly", interval=1, start_date=date(2026, 12, 9), count=2) == [
        date(2026, 12, 9), date(2026, 12, 16)]


def test_every_n_days_until_an_end_date_inclusive():
    assert occurrences(freq="daily", interval=3, start_date=date(2026, 2, 26), end_date=date(2026, 3, 7)) == [
        date(2026, 2, 26), date(2026, 3, 1), date(2026, 3, 4), date(2026, 3, 7)]


def test_dates_after_a_day_and_the_first_on_or_after():
    plan_rule = recurrence.rule(freq="daily", interval=7, start_date=date(2026, 1, 1))
    assert list(recurrence.dates(plan_rule, until=date(2026, 1, 22), after=date(2026, 1, 9))) == [
        date(2026, 1, 15), date(2026, 1, 22)]
    assert recurrence.first_on_or_after(plan_rule, date(2026, 1, 8)) == date(2026, 1, 8)
    assert recurrence.first_on_or_after(plan_rule, date(2026, 1, 9)) == date(2026, 1, 15)
    finished = recurrence.rule(freq="daily", interval=1, start_date=date(2026, 1, 1), count=2)
    assert recurrence.first_on_or_after(finished, date(2026, 1, 3)) is None
