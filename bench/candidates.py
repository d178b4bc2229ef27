"""Benchmark: ranked candidates (派单推荐) of one order among 2,000 engineers and 1,000,000 orders (issue 10,
"Speed": ≤ 50 ms and ≤ 3× the raw SQL of the same rows).

Needs the data of gen_workorders.py; adds the 2,000 engineers of dispatch_data.py on first use. The order is a
new 维修 order (the type requires the skill 空调维修) at a customer in 上海, planned two hours from now. Timed, in
this process, one after the other in the same run:

- the query function alone: `workorders.queries.candidates.ranked_candidates(dispatcher, order)`;
- the API: `GET /api/v1/work-orders/{id}/candidates` through Django's test Client with the dispatcher's
  Bearer token — the whole stack (middleware, token, the order's scoped read, the ranking, the JSON);
- the raw SQL of the same rows through connection.cursor: the order, the roles that see work orders, the
  type's required skills, every eligible person with his work status (one statement), the located teams and
  their memberships (one each), and their open orders today / this week / within two hours (one grouped
  statement).

Every eligible person is ranked; the function answers the best 500 (candidates.MAX_CANDIDATES), the API its
default `limit` (100, the phone's list). The script checks
that the answer is drawn from the people the raw SQL finds, and prints the medians, their ratios and the
statements of one API request.

    .venv/bin/python bench/candidates.py --db bench_wo [--requests 40] [--show-queries]
"""

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import dispatch_data  # noqa: E402

WARM_UP = 5
DISPATCHER_PHONE = "13900000201"
TARGET_MS = 50
TARGET_RATIO = 3

RAW_ORDER = """
SELECT o.*, t.name FROM workorders_workorder o JOIN workorders_workordertype t ON t.id = o.order_type_id
WHERE o.tenant_id = %(tenant)s AND o.id = %(order)s
"""
RAW_ROLES = """
SELECT id FROM accounts_role WHERE tenant_id = %(tenant)s AND permissions @> '["workorder.view"]'::jsonb
"""
RAW_SKILLS = """
SELECT s.id, s.name FROM workorders_workordertype_required_skills r JOIN accounts_skill s ON s.id = r.skill_id
WHERE r.workordertype_id = %(type)s ORDER BY s.sort_order, s.id
"""
RAW_PEOPLE = """
SELECT u.id, u.name, u.phone, u.last_latitude, u.last_longitude, u.last_located_at, w.name
FROM accounts_user u
LEFT JOIN accounts_workstatus w ON w.id = u.work_status_id
WHERE u.tenant_id = %(tenant)s AND u.is_active AND u.id <> %(assignee)s
  AND EXISTS (SELECT 1 FROM accounts_user_roles r WHERE r.user_id = u.id AND r.role_id = ANY(%(roles)s))
  AND NOT EXISTS (SELECT 1 FROM unnest(%(skills)s::bigint[]) AS need(skill_id)
                  WHERE NOT EXISTS (SELECT 1 FROM accounts_user_skills s
                                    WHERE s.user_id = u.id AND s.skill_id = need.skill_id))
ORDER BY u.name, u.id
LIMIT %(limit)s
"""
RAW_TEAMS = """
SELECT id, latitude, longitude, name FROM accounts_team
WHERE tenant_id = %(tenant)s AND latitude IS NOT NULL AND longitude IS NOT NULL ORDER BY sort_order, id
"""
RAW_MEMBERS = """
SELECT user_id, team_id FROM accounts_team_members WHERE team_id = ANY(%(teams)s)
"""
RAW_LOADS = """
SELECT assignee_id,
       count(*) FILTER (WHERE planned_at >= %(day)s AND planned_at < %(day)s + interval '1 day'),
       count(*) FILTER (WHERE planned_at >= %(week)s AND planned_at < %(week)s + interval '7 days'),
       count(*) FILTER (WHERE planned_at > %(planned)s - interval '2 hours' AND planned_at < %(planned)s + interval '2 hours')
FROM workorders_workorder
WHERE tenant_id = %(tenant)s AND assignee_id = ANY(%(people)s)
  AND status IN ('assigned', 'accepted', 'in_progress') AND planned_at IS NOT NULL AND id <> %(order)s
GROUP BY assignee_id
"""


def the_order(tenant, dispatcher):
    """A new 维修 order at a customer in 上海, planned two hours from now (created once, then reused)."""
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.models import Customer
    from shouhou.workorders.models import WorkOrder, WorkOrderType
    from shouhou.workorders.services import orders as order_services

    with tenant_context(tenant):
        order_type = WorkOrderType.objects.get(name="维修")
        order = WorkOrder.objects.filter(description="派单推荐基准", status="pending").order_by("-pk").first()
        if order is None:
            customer = (Customer.objects.filter(city="上海市", latitude__isnull=False).order_by("pk").first())
            order = order_services.create_work_order(
                actor=dispatcher, order_type=order_type, customer=customer, description="派单推荐基准",
                planned_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
        return WorkOrder.objects.select_related("order_type", "customer").get(pk=order.pk)


def raw_candidates(cursor, params):
    cursor.execute(RAW_ORDER, params)
    cursor.fetchone()
    cursor.execute(RAW_ROLES, params)
    roles = [row[0] for row in cursor.fetchall()]
    cursor.execute(RAW_SKILLS, params)
    skills = [row[0] for row in cursor.fetchall()]
    cursor.execute(RAW_PEOPLE, {**params, "roles": roles, "skills": skills})
    people = cursor.fetchall()
    cursor.execute(RAW_TEAMS, params)
    teams = cursor.fetchall()
    cursor.execute(RAW_MEMBERS, {"teams": [row[0] for row in teams]})
    cursor.fetchall()
    cursor.execute(RAW_LOADS, {**params, "people": [row[0] for row in people]})
    loads = cursor.fetchall()
    return people, loads


CPU = {}  # label -> CPU ms per call (this process + its PostgreSQL backend)


def timed(function, requests, label):
    """Wall-clock seconds of each call; CPU[label] the mean CPU of a call, which the other work on shared cores
    inflates far less than wall-clock time."""
    for _ in range(WARM_UP):
        function()
    durations = []
    cpu_before, backend_before = time.process_time(), common.backend_cpu()
    for _ in range(requests):
        started = time.perf_counter()
        function()
        durations.append(time.perf_counter() - started)
    used = time.process_time() - cpu_before + common.backend_cpu() - backend_before
    CPU[label] = used / requests * 1000
    return durations


def run(requests, show_queries):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from shouhou.accounts.models import User
    from shouhou.accounts.services import create_api_token
    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.models import WorkOrder
    from shouhou.workorders.queries import candidates as candidate_queries

    tenant, _owner = common.bench_company()
    dispatch_data.ensure(tenant)
    with tenant_context(tenant):
        dispatcher = User.objects.get(phone=DISPATCHER_PHONE)
        order = the_order(tenant, dispatcher)
        total = WorkOrder.objects.count()
        engineers = User.objects.for_tenant().filter(roles__system_key="engineer").count()
        _token, key = create_api_token(user=dispatcher, name="bench candidates")

        def function():
            return candidate_queries.ranked_candidates(dispatcher, order)

        function_times = timed(function, requests, "function")
        ranked = function()
    client = Client(headers={"Authorization": f"Bearer {key}"})
    url = f"/api/v1/work-orders/{order.pk}/candidates"

    def api():
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    api_times = timed(api, requests, "API")
    answer = json.loads(api().content)
    with CaptureQueriesContext(connection) as captured:
        api()
    zone = ZoneInfo(tenant.time_zone or "Asia/Shanghai")
    today = timezone.localtime(timezone.now(), zone).date()
    day = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    params = {"tenant": tenant.pk, "order": order.pk, "type": order.order_type_id, "assignee": order.assignee_id or 0,
              "limit": candidate_queries.MAX_PEOPLE, "day": day, "week": day - dt.timedelta(days=today.weekday()),
              "planned": order.planned_at}
    with connection.cursor() as cursor:
        raw_times = timed(lambda: raw_candidates(cursor, params), requests, "raw")
        people, loads = raw_candidates(cursor, params)
    eligible = {row[0] for row in people}
    assert {c.user_id for c in ranked} <= eligible and len(ranked) == min(len(eligible),
                                                                          candidate_queries.MAX_CANDIDATES), (
        "the function and the raw SQL differ")
    assert [c["user_id"] for c in answer] == [c.user_id for c in ranked[:len(answer)]], "the API and the function differ"
    function_ms, api_ms, raw_ms = (statistics.median(times) * 1000 for times in (function_times, api_times, raw_times))
    print(f"work orders in the company: {total:,}; engineers: {engineers:,}; load average {common.load_average()}")
    print(f"order {order.number} (维修, requires 空调维修), planned {order.planned_at:%Y-%m-%d %H:%M} UTC: "
          f"{len(people):,} eligible people ranked ({sum(1 for row in people if row[5]):,} with a reported position), "
          f"{len(loads):,} with open orders, the best {len(ranked)} answered; best: {ranked[0].name} score {ranked[0].score} "
          f"({'; '.join(str(r) for r in ranked[0].reasons)})")
    print("function alone: " + common.format_summary(common.summary_ms(function_times)))
    print(f"API {url}: " + common.format_summary(common.summary_ms(api_times))
          + f"; {len(captured.captured_queries)} statements; {len(api().content) / 1024:.0f} KB")
    print("raw SQL (order, roles, skills, people, located teams, their members, loads): " + common.format_summary(common.summary_ms(raw_times)))
    for label, value in (("function", function_ms), ("API", api_ms)):
        ok = value <= TARGET_MS and value / raw_ms <= TARGET_RATIO
        print(f"median {label} {value:.1f} ms, raw SQL {raw_ms:.1f} ms, ratio {value / raw_ms:.1f}x   "
              f"target ≤ {TARGET_MS} ms and ≤ {TARGET_RATIO}x: {'met' if ok else 'MISSED'}")
    print("CPU per call (this process + its PostgreSQL backend): " + ", ".join(
        f"{label} {ms:.1f} ms" for label, ms in CPU.items())
        + f"; ratios function {CPU['function'] / CPU['raw']:.1f}x, API {CPU['API'] / CPU['raw']:.1f}x")
    if show_queries:
        for query in captured.captured_queries:
            print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:400]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_wo")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one API request")
    args = parser.parse_args()
    common.setup(args.db)
    common.print_machine()
    run(args.requests, args.show_queries)
    common.flush_bench_queue()


if __name__ == "__main__":
    main()
