"""Benchmark: the customer list page of 20 with a search and a custom-field filter (issue 3, "Speed").

Needs the data of gen_customers.py (100,000 customers in the company `bench`). The page is requested
through Django's test Client as the company's administrator — the whole stack: middleware, session,
permissions, the list's queries, template rendering — and timed around each request. Then the raw
SQL of the same page (the same 20 rows with their team, creator and owners, the total and the tab
counts) is timed through connection.cursor. Reports both medians and their ratio (target ≤ 40 ms).

    .venv/bin/python bench/customer_list.py --db bench_cus [--requests 40] [--q 星辰] [--level a]
"""

import argparse
import json
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
SELECT c.*, t.id, t.name, u.id, u.name
FROM customers_customer c
LEFT JOIN accounts_team t ON t.id = c.service_team_id
LEFT JOIN accounts_user u ON u.id = c.created_by_id
WHERE c.tenant_id = %(tenant)s AND (c.name {like} %(like)s OR c.number {like} %(like)s)
  AND c.fields @> %(filter)s::jsonb
ORDER BY c.created_at DESC
LIMIT %(limit)s
"""
RAW_OWNERS = """
SELECT o.customer_id, u.id, u.name FROM customers_customer_owners o JOIN accounts_user u ON u.id = o.user_id
WHERE o.customer_id = ANY(%(ids)s)
"""
RAW_COUNTS = """
SELECT count(*), count(*) FILTER (WHERE c.status = 'active'), count(*) FILTER (WHERE c.status = 'potential'),
       count(*) FILTER (WHERE c.status = 'inactive')
FROM customers_customer c
WHERE c.tenant_id = %(tenant)s AND (c.name {like} %(like)s OR c.number {like} %(like)s)
  AND c.fields @> %(filter)s::jsonb
"""


def page_url(q, level):
    from django.urls import reverse

    return reverse("customers:list") + "?" + urlencode({"q": q, "f_cf_level": level, "page_size": PAGE_SIZE})


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


def raw_page(cursor, params):
    # as customers.queries.search_condition: case-insensitive only for text with letters that have a case
    like = "LIKE" if params["text"].upper() == params["text"].lower() else "ILIKE"
    cursor.execute(RAW_ROWS.format(like=like), params)
    rows = cursor.fetchall()
    raw_page.name_column = [column.name for column in cursor.description].index("name")
    cursor.execute(RAW_OWNERS, {"ids": [row[0] for row in rows]})
    cursor.fetchall()
    cursor.execute(RAW_COUNTS.format(like=like), params)
    return rows, cursor.fetchone()


def time_raw(tenant, q, level, requests):
    from django.db import connection

    params = {"tenant": tenant.pk, "text": q, "like": f"%{q}%", "filter": json.dumps({"level": level}),
              "limit": PAGE_SIZE}
    durations = []
    with connection.cursor() as cursor:
        for _ in range(WARM_UP):
            raw_page(cursor, params)
        for _ in range(requests):
            started = time.perf_counter()
            rows, counts = raw_page(cursor, params)
            durations.append(time.perf_counter() - started)
    return durations, rows, counts


def queries_of_one_request(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return captured.captured_queries


def run(db, requests, q, level, show_queries):
    from django.test import Client

    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.models import Customer

    tenant, owner = common.bench_company()
    with tenant_context(tenant):
        total = Customer.objects.count()
    client = Client()
    client.force_login(owner)
    url = page_url(q, level)
    view_times, response = time_view(client, url, requests)
    page = response.content.decode()
    raw_times, rows, counts = time_raw(tenant, q, level, requests)
    missing = [row[raw_page.name_column] for row in rows if row[raw_page.name_column] not in page]
    assert not missing, f"the page lacks rows the raw SQL found: {missing[:3]}"
    queries = queries_of_one_request(client, url)
    view_ms, raw_ms = statistics.median(view_times) * 1000, statistics.median(raw_times) * 1000
    print(f"customers in the company: {total:,}; matching the search and filter: {counts[0]:,} "
          f"(tabs active/potential/inactive: {counts[1]:,}/{counts[2]:,}/{counts[3]:,}); load average "
          f"{common.load_average()}")
    print(f"page: GET {url}")
    print("view (test Client, whole stack): " + common.format_summary(common.summary_ms(view_times)))
    print("raw SQL (rows + owners + counts): " + common.format_summary(common.summary_ms(raw_times)))
    print(f"queries per page view: {len(queries)}")
    print(f"median view {view_ms:.1f} ms, raw SQL {raw_ms:.1f} ms, ratio {view_ms / raw_ms:.1f}x   "
          f"target ≤ 40 ms: {'met' if view_ms <= 40 else 'MISSED'}")
    if show_queries:
        for query in queries:
            print(f"  {float(query['time']) * 1000:7.2f} ms  {query['sql'][:300]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_cus")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--q", default="星辰", help="the search text")
    parser.add_argument("--level", default="a", help="the 客户等级 filter value")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of one page view")
    args = parser.parse_args()
    common.setup(args.db)
    common.print_machine()
    run(args.db, args.requests, args.q, args.level, args.show_queries)


if __name__ == "__main__":
    main()
