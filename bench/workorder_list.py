"""Benchmark: the work-order list page of 20 with its tab counts and one filter (issue 4, "Speed").

Needs the data of gen_workorders.py (1,000,000 work orders in the company `bench`). The console list
(/work-orders/list/) is requested through Django's test Client as the company's administrator, filtered
by one work-order type (安装 by default, a quarter of the orders), on the 全部 tab — the whole stack:
middleware, session, permissions, the list's queries (page, tab counts), template rendering. Then the
raw SQL of the same page — the same 20 rows with what they show (type, customer, assignee, product,
service options, creator, collaborators) and the nine tab counts (one count per status, summed into the
status tabs, and the count of 异常) — is timed through connection.cursor.
Reports both medians and their ratio (target ≤ 60 ms).

    .venv/bin/python bench/workorder_list.py --db bench_wo [--requests 40] [--type 安装] [--tab all]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

WARM_UP = 5
PAGE_SIZE = 20

RAW_ROWS = """
SELECT o.*, t.name, t.color, c.name, a.name,
       (SELECT name FROM products_product WHERE id = o.product_id),
       (SELECT name FROM workorders_serviceoption WHERE id = o.service_type_id),
       (SELECT name FROM workorders_serviceoption WHERE id = o.service_content_id),
       (SELECT name FROM accounts_user WHERE id = o.created_by_id)
FROM workorders_workorder o
JOIN workorders_workordertype t ON t.id = o.order_type_id
JOIN customers_customer c ON c.id = o.customer_id
LEFT JOIN accounts_user a ON a.id = o.assignee_id
WHERE o.tenant_id = %(tenant)s AND o.order_type_id = %(type)s {tab}
ORDER BY o.created_at DESC
LIMIT %(limit)s
"""
RAW_COLLABORATORS = """
SELECT x.workorder_id, u.id, u.name FROM workorders_workorder_collaborators x JOIN accounts_user u ON u.id = x.user_id
WHERE x.workorder_id = ANY(%(ids)s)
"""
RAW_STATUS_COUNTS = """
SELECT status, count(*) FROM workorders_workorder WHERE tenant_id = %(tenant)s AND order_type_id = %(type)s
GROUP BY status
"""
RAW_EXCEPTION_COUNT = """
SELECT count(*) FROM workorders_workorder
WHERE tenant_id = %(tenant)s AND order_type_id = %(type)s AND is_exception
  AND status IN ('pending', 'pooled', 'assigned', 'accepted', 'in_progress')
"""
TABS = [("待指派", {"pending"}), ("已指派", {"assigned"}), ("已接受", {"accepted"}), ("进行中", {"in_progress"}),
        ("异常", None), ("全部", "*"), ("已完成", {"finished", "settled", "visited"}), ("已关闭", {"closed"}),
        ("已取消", {"cancelled"})]
TAB_SQL = {"all": "", "pending": "AND o.status = 'pending'", "in_progress": "AND o.status = 'in_progress'",
           "closed": "AND o.status = 'closed'"}


def page_url(type_id, tab):
    from django.urls import reverse

    params = {"type": type_id, "page_size": PAGE_SIZE}
    if tab != "all":
        params["tab"] = tab
    return reverse("workorders:list") + "?" + urlencode(params)


def time_view(client, url, requests):
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200
    durations = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        durations.append(time.perf_counter() - started)
        assert response.status_code == 200
    return durations, response


def raw_page(cursor, params, tab):
    cursor.execute(RAW_ROWS.format(tab=TAB_SQL[tab]), params)
    rows = cursor.fetchall()
    cursor.execute(RAW_COLLABORATORS, {"ids": [row[0] for row in rows]})
    cursor.fetchall()
    cursor.execute(RAW_STATUS_COUNTS, params)
    per_status = dict(cursor.fetchall())
    cursor.execute(RAW_EXCEPTION_COUNT, params)
    exceptions = cursor.fetchone()[0]
    counts = [exceptions if statuses is None else sum(n for status, n in per_status.items()
                                                      if statuses == "*" or status in statuses)
              for _label, statuses in TABS]
    return rows, counts


def time_raw(params, tab, requests):
    from django.db import connection

    durations = []
    with connection.cursor() as cursor:
        for _ in range(WARM_UP):
            raw_page(cursor, params, tab)
        for _ in range(requests):
            started = time.perf_counter()
            rows, counts = raw_page(cursor, params, tab)
            durations.append(time.perf_counter() - started)
    return durations, rows, counts


def heap_fetches(params):
    """The 'Heap Fetches' of the status count's index-only scan (0 while the visibility map is fresh)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE) " + RAW_STATUS_COUNTS, params)
        lines = [row[0].strip() for row in cursor.fetchall()]
    return next((line for line in lines if line.startswith("Heap Fetches")), "no index-only scan")


def vacuum_if_autovacuum_is_off(params):
    """Vacuum the table when this server runs without autovacuum (the CI machines turn it off in
    conf.d/90-ci.conf): in production autovacuum keeps the visibility map fresh after every 1,000 changed
    rows (migration workorders 0003), which keeps the status count index-only."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return
        fetches = heap_fetches(params)
        cursor.execute("VACUUM workorders_workorder")
    print(f"autovacuum is off on this server; status counts before a VACUUM: {fetches}; vacuumed the table "
          "as autovacuum would")


def queries_of_one_request(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


def run(requests, type_name, tab, show_queries):
    from django.test import Client

    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.models import WorkOrder, WorkOrderType

    tenant, owner = common.bench_company()
    with tenant_context(tenant):
        order_type = WorkOrderType.objects.get(name=type_name)
        total = WorkOrder.objects.count()
    params = {"tenant": tenant.pk, "type": order_type.pk, "limit": PAGE_SIZE}
    vacuum_if_autovacuum_is_off(params)
    client = Client()
    client.force_login(owner)
    url = page_url(order_type.pk, tab)
    view_times, response = time_view(client, url, requests)
    page = response.content.decode()
    raw_times, rows, counts = time_raw(params, tab, requests)
    numbers = [row[4] for row in rows]  # o.number is the table's fifth column
    missing = [number for number in numbers if number not in page]
    assert not missing, f"the page lacks orders the raw SQL found: {missing[:3]}"
    queries = queries_of_one_request(client, url)
    view_ms, raw_ms = statistics.median(view_times) * 1000, statistics.median(raw_times) * 1000
    labels = [label for label, _statuses in TABS]
    print(f"work orders in the company: {total:,}; of type {type_name}: {counts[5]:,}; load average "
          f"{common.load_average()}")
    print("tab counts: " + ", ".join(f"{label} {count:,}" for label, count in zip(labels, counts, strict=True)))
    print(f"page: GET {url}")
    print("view (test Client, whole stack): " + common.format_summary(common.summary_ms(view_times)))
    print("raw SQL (rows + collaborators + counts): " + common.format_summary(common.summary_ms(raw_times)))
    print(f"queries per page view: {len(queries)}; status counts: {heap_fetches(params)}")
    print(f"median view {view_ms:.1f} ms, raw SQL {raw_ms:.1f} ms, ratio {view_ms / raw_ms:.1f}x   "
          f"target ≤ 60 ms: {'met' if view_ms <= 60 else 'MISSED'}")
    if show_queries:
        for query in queries:
            print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:300]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_wo")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--type", default="安装", help="the work-order type to filter by")
    parser.add_argument("--tab", default="all", choices=sorted(TAB_SQL))
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one page view")
    args = parser.parse_args()
    common.setup(args.db)
    common.print_machine()
    run(args.requests, args.type, args.tab, args.show_queries)


if __name__ == "__main__":
    main()
