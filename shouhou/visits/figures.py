"""满意度统计 for the reports: good and bad rates of the visits (manual and automatic answers alike) per
engineer, team, work-order type or period, within the actor's work-order scope. One grouped query."""

from django.db.models import Count, Q
from django.db.models.functions import TruncDay, TruncMonth, TruncWeek

from .queries import visible_visits

GROUPS = {
    "engineer": ("engineer_id", "engineer__name"),
    "team": ("engineer__teams__id", "engineer__teams__name"),
    "type": ("order__order_type_id", "order__order_type__name"),
}
PERIODS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}


def satisfaction(actor, *, by="engineer", start=None, end=None, kind=None, engineer=None):
    """[{key, name, total, good, fair, bad, good_rate, bad_rate}] grouped `by` engineer, team, type or a
    period ("day", "week", "month" of the answer's time in the active time zone); `start`/`end` bound the
    answers' time (aware datetimes), `kind` "manual" / "auto" takes one kind only. Rates are fractions
    0–1; answers without a level (a survey that did not ask it) are left out."""
    visits = visible_visits(actor).filter(~Q(level=""))
    if start is not None:
        visits = visits.filter(created_at__gte=start)
    if end is not None:
        visits = visits.filter(created_at__lt=end)
    if kind:
        visits = visits.filter(kind=kind)
    if engineer is not None:
        visits = visits.filter(engineer=engineer)
    if by in PERIODS:
        visits = visits.annotate(bucket=PERIODS[by]("created_at"))
        key_field = name_field = "bucket"
    else:
        key_field, name_field = GROUPS[by]
    rows = (visits.order_by().values(key_field, name_field)
            .annotate(total=Count("pk"), good=Count("pk", filter=Q(level="good")),
                      fair=Count("pk", filter=Q(level="fair")), bad=Count("pk", filter=Q(level="bad"))))
    result = []
    for row in rows:
        total = row["total"]
        key = row[key_field]
        name = row[name_field]
        result.append({"key": key.isoformat() if hasattr(key, "isoformat") else key,
                       "name": name.date().isoformat() if hasattr(name, "date") else (name or ""),
                       "total": total, "good": row["good"], "fair": row["fair"], "bad": row["bad"],
                       "good_rate": round(row["good"] / total, 4) if total else 0.0,
                       "bad_rate": round(row["bad"] / total, 4) if total else 0.0})
    return sorted(result, key=lambda r: (str(r["key"]) if by in PERIODS else -r["total"], str(r["name"])))
