"""Return visits for the demo company (issue 12, "Demo data"): manual visits (人工回访) with ratings, tags and
notes on part of the finished and closed orders, and SMS surveys — answered, open and expired — on others,
made through visits.services. Orders that already have a visit are left alone, so seeding twice adds
nothing."""

import datetime as dt
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from shouhou.core.errors import DomainError
from shouhou.visits import answers, services, tokens
from shouhou.visits.models import Survey, Visit
from shouhou.workorders import flow
from shouhou.workorders.models import WorkOrder

MANUAL_SHARE, SURVEY_SHARE = 0.45, 0.3
MAX_ORDERS = 240
NOTES = ["客户表示师傅准时到达，处理很快", "客户希望下次提前电话联系", "设备已恢复正常，客户满意", "客户反映等待时间有点长",
         "客户对服务态度很认可", ""]


def _answer(rng):
    level = rng.choices(["good", "fair", "bad"], weights=[7, 2, 1])[0]
    base = {"good": 5, "fair": 4, "bad": 2}[level]
    positive, negative = answers.tags()
    pool = positive if level == "good" else (negative if level == "bad" else positive + negative)
    return {"level": level,
            "scores": {name: max(1, min(5, base - rng.choice([0, 0, 1]))) for name in answers.dimensions()},
            "tags": rng.sample(pool, k=min(len(pool), rng.choice([1, 1, 2]))) if pool else [],
            "note": rng.choice(NOTES)}


def seed(actor, *, seed=12):
    """Visit part of the finished orders (once); returns (manual visits, surveys) made."""
    orders = list(WorkOrder.objects.filter(status__in=flow.DONE_STATUSES)
                  .exclude(Exists(Visit.objects.filter(order=OuterRef("pk"))))
                  .exclude(Exists(Survey.objects.filter(order=OuterRef("pk"))))
                  .select_related("order_type", "assignee").order_by("-finished_at", "pk")[:MAX_ORDERS])
    manual = surveys = 0
    now = timezone.now()
    for order in orders:
        rng = random.Random(f"{seed}:{order.pk}")  # the same draw for an order on every run: a rerun adds nothing
        draw = rng.random()
        if draw < MANUAL_SHARE:
            try:
                services.record_visit(actor=actor, order=order, answer=_answer(rng))
            except DomainError:  # the type's 回访 node waits at another status, or asks for an approval
                continue
            manual += 1
        elif draw < MANUAL_SHARE + SURVEY_SHARE and order.contact_phone:
            sent = (order.finished_at or now) + dt.timedelta(minutes=rng.randint(1, 30))
            survey = services.open_survey(order, order.contact_phone, now=sent)
            if survey is None:
                continue
            surveys += 1
            state = rng.random()
            if state < 0.7 and survey.expires_at > now:
                services.submit_survey(token=tokens.token_for(survey.nonce), answer=_answer(rng))
    return manual, surveys
