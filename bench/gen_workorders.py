"""Bulk-generate 1,000,000 work orders in one company on PostgreSQL (issue 4, "Speed").

Recreates the database, migrates, then in the company `bench` (owner 13900000000 / Bench-pass-2026):
3 dispatchers (13900000201…, role 管理员) and 60 engineers (13900000301…, role 服务工程师) in four
teams, six work-order types with the default flow, service options, 20,000 customers (COPY, as
gen_customers.py writes them), and the work orders spread over two years:

- status by age: older orders are mostly closed/finished/cancelled, the last weeks hold the open ones;
- types 维修 40 %, 安装 25 %, 保养 18 %, 巡检 10 %, 退换货 5 %, 其他 2 %; priorities mostly 中;
- assignees skewed (some engineers take far more orders), dispatchers, timestamps that follow the
  status, overdue/paused flags (异常) on a few open orders, 5 % with a collaborator;
- numbers as the service makes them (yymmdd + 4 digits per day), and the day counters set past them.

Rows go in with COPY; the table's secondary indexes are dropped for the load and rebuilt after it
(their definitions are read from pg_indexes, so they are exactly the migrations'), and triggers
(the deferred foreign-key checks) are off for the load (session_replication_role = replica), as a
bulk loader of known-consistent data does. Then VACUUM ANALYZE. Target: < 10 min on 2 cores.

    .venv/bin/python bench/gen_workorders.py --db bench_wo [--count 1000000] [--customers 20000]
"""

import argparse
import datetime as dt
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import gen_customers  # noqa: E402
from customer_data import define_custom_fields  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
SPAN_DAYS = 730
TYPES = [("维修", "#1677ff", 40), ("安装", "#52c41a", 25), ("保养", "#faad14", 18), ("巡检", "#13c2c2", 10),
         ("退换货", "#eb2f96", 5), ("其他", "#8c8c8c", 2)]
SERVICE_TYPES = ["保内", "保外", "合同服务"]
SERVICE_CONTENTS = ["上门维修", "设备安装", "定期保养", "故障排查", "配件更换"]
PRIORITIES = (["normal"] * 60) + (["high"] * 20) + (["low"] * 15) + (["urgent"] * 5)
DESCRIPTIONS = ["客户反映设备无法启动，需要上门检修", "新设备到货，预约上门安装调试", "季度例行保养",
                "设备运行异响，请尽快安排工程师", "更换滤芯及易损件", "年度巡检，检查运行记录"]
# (status, weight) by the order's age in days
OLD = [("closed", 75), ("finished", 10), ("settled", 5), ("visited", 4), ("cancelled", 6)]
RECENT = [("closed", 45), ("finished", 25), ("cancelled", 5), ("in_progress", 8), ("accepted", 5), ("assigned", 7),
          ("pending", 5)]
NEW = [("pending", 20), ("pooled", 3), ("assigned", 25), ("accepted", 15), ("in_progress", 20), ("finished", 12),
       ("closed", 3), ("cancelled", 2)]
OPEN = {"pending", "pooled", "assigned", "accepted", "in_progress"}
ASSIGNED_STATUSES = {"assigned", "accepted", "in_progress", "finished", "settled", "visited", "closed"}
DISPATCHERS = [(f"139000002{i:02d}", name) for i, name in enumerate(["调度甲", "调度乙", "调度丙"], start=1)]
ENGINEER_COUNT = 60

COLUMNS = ("id", "created_at", "updated_at", "fields", "number", "contact_name", "contact_phone", "address_text",
           "latitude", "longitude", "priority", "planned_at", "description", "attachments", "status", "is_paused",
           "is_overdue", "is_rejected", "awaiting_approval", "location_anomaly", "is_exception", "deadline_node",
           "deadline_at", "assigned_at", "accepted_at", "started_at", "finished_at", "closed_at", "cancelled_at",
           "total_amount", "version", "address_id", "assignee_id", "contact_id", "created_by_id", "customer_id",
           "dispatcher_id", "product_id", "service_content_id", "service_type_id", "tenant_id", "order_type_id")


def weighted(pairs):
    values = [value for value, _weight in pairs]
    weights = [weight for _value, weight in pairs]
    return values, weights


def set_up_company(customer_count):
    """Users, teams, types, service options and customers. Returns what the orders refer to."""
    from django.db import transaction

    from shouhou.accounts.models import Team
    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.services import types as type_services

    tenant, owner = common.bench_company()
    dispatchers = [common.bench_user(tenant, phone, name, ["manager"]) for phone, name in DISPATCHERS]
    engineers = [common.bench_user(tenant, f"13900003{i:03d}", f"工程师{i:02d}", ["engineer"])
                 for i in range(1, ENGINEER_COUNT + 1)]
    with tenant_context(tenant), transaction.atomic():
        for index, name in enumerate(["华东一组", "华东二组", "华南组", "华北组"]):
            team = Team.objects.create(tenant=tenant, name=name)
            team.members.set(engineers[index::4])
            team.leaders.set([engineers[index]])
        types = [type_services.save_type(actor=owner, name=name, color=color) for name, color, _w in TYPES]
        service_types = [type_services.save_service_option(actor=owner, kind="service_type", name=n) for n in SERVICE_TYPES]
        contents = [type_services.save_service_option(actor=owner, kind="service_content", name=n) for n in SERVICE_CONTENTS]
        define_custom_fields(owner)
        gen_customers.copy_rows(customer_count, tenant, owner, dispatchers)
    return {"tenant": tenant, "owner": owner, "dispatchers": dispatchers, "engineers": engineers, "types": types,
            "service_types": service_types, "contents": contents}


def customer_refs():
    """[(customer id, contact id, address id, contact name, phone, address text, lat, lng)]."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.id, (SELECT min(id) FROM customers_contact WHERE customer_id = c.id AND is_default),
                   (SELECT min(id) FROM customers_address WHERE customer_id = c.id AND is_default),
                   c.contact_name, c.contact_phone, c.province || c.city || c.district || c.address_detail,
                   c.latitude, c.longitude
            FROM customers_customer c ORDER BY c.id""")
        return cursor.fetchall()


def order_rows(count, refs, customers, seed=5):
    """Yield (work-order row, collaborator id or None); ids from 1, created_at ascending."""
    rng = random.Random(seed)
    tenant_id = refs["tenant"].pk
    type_ids, type_weights = [t.pk for t in refs["types"]], [w for _n, _c, w in TYPES]
    engineers = [user.pk for user in refs["engineers"]]
    engineer_weights = [1 / (rank + 3) for rank in range(len(engineers))]  # a long tail of busy people
    dispatchers = [user.pk for user in refs["dispatchers"]]
    creators = dispatchers + [refs["owner"].pk]
    service_types = [o.pk for o in refs["service_types"]] + [None]
    contents = [o.pk for o in refs["contents"]] + [None]
    tables = {name: weighted(pairs) for name, pairs in (("old", OLD), ("recent", RECENT), ("new", NEW))}
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=SPAN_DAYS)
    step = dt.timedelta(days=SPAN_DAYS) / count
    day_numbers = {}
    for index in range(1, count + 1):
        created = start + step * index
        age = (now - created).days
        statuses, weights = tables["old" if age > 60 else "recent" if age > 7 else "new"]
        status = rng.choices(statuses, weights)[0]
        day = created.astimezone(ZONE).strftime("%y%m%d")
        day_numbers[day] = day_numbers.get(day, 0) + 1
        customer = customers[rng.randrange(len(customers))]
        assignee = rng.choices(engineers, engineer_weights)[0] if status in ASSIGNED_STATUSES or (
            status == "cancelled" and rng.random() < 0.5) else None
        times = _times(status, created, rng)
        is_open = status in OPEN
        overdue = is_open and age > 2 and rng.random() < 0.08
        paused = status == "in_progress" and rng.random() < 0.03
        deadline = created + dt.timedelta(hours=rng.choice([4, 8, 24, 48])) if is_open else None
        finished = status in ("finished", "settled", "visited", "closed")
        row = (index, created, times["updated"], "{}", f"{day}{day_numbers[day]:04d}", customer[3], customer[4],
               customer[5], customer[6], customer[7], rng.choice(PRIORITIES),
               created + dt.timedelta(days=rng.randint(0, 5)) if rng.random() < 0.6 else None,
               rng.choice(DESCRIPTIONS), "[]", status, paused, overdue, False, False, False, overdue or paused,
               "" if deadline is None else "assign", deadline, times.get("assigned"), times.get("accepted"),
               times.get("started"), times.get("finished"), times.get("closed"), times.get("cancelled"),
               f"{rng.randint(0, 3000)}.00" if finished and rng.random() < 0.6 else "0.00", rng.randint(0, 6),
               customer[2], assignee, customer[1], rng.choice(creators), customer[0],
               rng.choice(dispatchers) if assignee else None, None, rng.choice(contents), rng.choice(service_types),
               tenant_id, rng.choices(type_ids, type_weights)[0])
        collaborator = rng.choice(engineers) if assignee and rng.random() < 0.05 else None
        if collaborator == assignee:
            collaborator = None
        yield row, collaborator
    order_rows.day_numbers = day_numbers


def _times(status, created, rng):
    """Timestamps of the steps the order went through to reach `status`."""
    chain = ["assigned", "accepted", "started", "finished", "closed"]
    reached = {"pending": 0, "pooled": 0, "assigned": 1, "accepted": 2, "in_progress": 3, "finished": 4,
               "settled": 4, "visited": 4, "closed": 5, "cancelled": 0}[status]
    times, moment = {}, created
    for step in chain[:reached]:
        moment += dt.timedelta(minutes=rng.randint(5, 60 * 24))
        times[step] = moment
    if status == "cancelled":
        moment += dt.timedelta(hours=rng.randint(1, 48))
        times["cancelled"] = moment
    times["updated"] = moment
    return times


def secondary_indexes(cursor):
    """(name, definition) of the work-order table's indexes that no constraint owns."""
    cursor.execute("""
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = 'workorders_workorder'
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""")
    return cursor.fetchall()


def load_orders(count, refs):
    from django.db import connection, transaction

    collaborators, customers = [], customer_refs()  # read before the COPY: it holds the connection
    with transaction.atomic(), connection.cursor() as wrapper:
        cursor = wrapper.cursor
        indexes = secondary_indexes(cursor)
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        with common.stopwatch() as copying:
            with cursor.copy(f"COPY workorders_workorder ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row, collaborator in order_rows(count, refs, customers):
                    copy.write_row(row)
                    if collaborator:
                        collaborators.append((row[0], collaborator))
            with cursor.copy("COPY workorders_workorder_collaborators (workorder_id, user_id) FROM STDIN") as copy:
                for pair in collaborators:
                    copy.write_row(pair)
        print(f"  COPY of {count:,} orders and {len(collaborators):,} collaborators: {copying():.0f} s", flush=True)
        with common.stopwatch() as indexing:
            for _name, definition in indexes:
                cursor.execute(definition)
        print(f"  rebuilt {len(indexes)} indexes: {indexing():.0f} s", flush=True)
        for table in ("workorders_workorder", "workorders_workorder_collaborators"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")


def set_day_counters(tenant):
    """The next order number of each generated day follows the generated ones (the service's counters)."""
    from shouhou.core.models import Counter
    from shouhou.core.tenancy import tenant_context

    with tenant_context(tenant):
        Counter.objects.bulk_create([Counter(tenant=tenant, key=f"workorder:{day}", value=value)
                                     for day, value in order_rows.day_numbers.items()])


def vacuum():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("workorders_workorder", "workorders_workorder_collaborators", "customers_customer",
                      "customers_contact", "customers_address"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_wo", help="PostgreSQL database name (dropped and recreated)")
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    if args.db == "sqlite":
        parser.error("the generator writes with COPY: give a PostgreSQL database name")
    common.recreate_database(args.db)
    common.setup(args.db)
    common.print_machine()
    with common.stopwatch() as total:
        with common.stopwatch() as migrating:
            common.migrate()
        print(f"  migrations: {migrating():.0f} s", flush=True)
        with common.stopwatch() as preparing:
            refs = set_up_company(args.customers)
        print(f"  users, teams, types, {args.customers:,} customers: {preparing():.0f} s", flush=True)
        load_orders(args.count, refs)
        set_day_counters(refs["tenant"])
        with common.stopwatch() as vacuuming:
            vacuum()
        print(f"  VACUUM ANALYZE: {vacuuming():.0f} s", flush=True)
    print(f"generated {args.count:,} work orders in {total():.0f} s (target < 600 s: "
          f"{'met' if total() < 600 else 'MISSED'}); load average now {common.load_average()}")


if __name__ == "__main__":
    main()
