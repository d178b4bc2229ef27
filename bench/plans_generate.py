"""Benchmark: 10,000 due plan occurrences turned into work orders by two consumers at once (issue 10,
"Speed": ≤ 60 s, none twice).

The database is recreated and migrated. The company `bench` gets one engineer (the plans' assignee), one
work-order type 保养 and `--plans` customers, each with a daily plan (计划任务, dispatch to the engineer)
whose `--per-plan` occurrences are all due at the run's "now" (now = today + per-plan − 1 days), so
plans × per-plan occurrences (default 200 × 50 = 10,000) are due at once.

Then, timed, `--consumers` processes (default 2) start together and each runs the periodic job
(`plans.tasks.run_due_plans(now)`, the same code huey runs every ten minutes) until it creates nothing
more. Afterwards the script checks that every occurrence has exactly one order (PlanOccurrence rows,
orders of the type, no (plan, date) twice, every order assigned) and prints the wall time.

The floor, measured in the same run, is the same number of processes creating the same kind of orders
directly through `workorders.services.orders.create_work_order(assignee=…)` (保存并派单: created and
assigned, the work of an occurrence without the plan's bookkeeping): `--floor` orders in all (default
2,000), reported per order and extrapolated to the plans' count.

    .venv/bin/python bench/plans_generate.py --db bench_plans [--plans 200 --per-plan 50 --consumers 2
        --floor 2000]
"""

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

ENGINEER_PHONE = "13900000301"
TYPE_NAME = "保养"
RUN_LIMIT_SECONDS = 900


def prepare(plan_count, per_plan):
    """The engineer, the type and the plans; answers the `now` at which every occurrence is due."""
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers import services as customer_services
    from shouhou.plans import services as plan_services
    from shouhou.workorders.services import types as type_services

    tenant, owner = common.bench_company()
    engineer = common.bench_user(tenant, ENGINEER_PHONE, "保养工程师", ["engineer"])
    with tenant_context(tenant):
        order_type = type_services.save_type(actor=owner, name=TYPE_NAME)
        today = plan_services.company_today(tenant)
        for index in range(plan_count):
            customer = customer_services.create_customer(
                actor=owner, name=f"计划客户{index:04d}", owner_ids=[owner.pk],
                contacts=[{"name": f"联系人{index}", "phone": f"139{index:08d}"}],
                addresses=[{"province": "上海市", "city": "上海市", "district": "浦东新区",
                            "detail": f"张江路 {index + 1} 号", "latitude": "31.2", "longitude": "121.6"}])
            plan_services.create_plan(
                actor=owner, name=f"每日保养{index:04d}", order_type=order_type, customer=customer, freq="daily",
                start_date=today, count=per_plan, dispatch_mode="assignee", assignee=engineer)
    noon = dt.datetime.combine(today + dt.timedelta(days=per_plan - 1), dt.time(12, 0))
    from shouhou.core.working_hours import zone_of

    return noon.replace(tzinfo=zone_of(tenant))


def consume(now_iso):
    """A consumer process: the periodic job until it creates nothing more. Prints {created, seconds}."""
    from shouhou.plans import tasks

    now = dt.datetime.fromisoformat(now_iso)
    created = 0
    cpu = cpu_now()
    with common.stopwatch() as elapsed:
        for _round in range(100):
            done = tasks.run_due_plans(now)
            created += done
            if not done:
                break
    print(json.dumps({"created": created, "seconds": elapsed(), "cpu": cpu_now() - cpu}), flush=True)


def cpu_now():
    """CPU seconds so far of this process and its PostgreSQL backend (what the load of the other work on the
    shared cores inflates far less than the wall clock)."""
    return time.process_time() + common.backend_cpu()


def floor(count):
    """A floor process: `count` orders created and assigned directly (保存并派单)."""
    from shouhou.accounts.models import User
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.models import Customer
    from shouhou.workorders.models import WorkOrderType
    from shouhou.workorders.services import orders as order_services

    tenant, owner = common.bench_company()
    with tenant_context(tenant):
        engineer = User.objects.get(phone=ENGINEER_PHONE)
        order_type = WorkOrderType.objects.get(name=TYPE_NAME)
        customers = list(Customer.objects.order_by("pk")[:200])
        planned = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        cpu = cpu_now()
        with common.stopwatch() as elapsed:
            for index in range(count):
                order_services.create_work_order(actor=owner, order_type=order_type,
                                                 customer=customers[index % len(customers)], planned_at=planned,
                                                 assignee=engineer)
    print(json.dumps({"created": count, "seconds": elapsed(), "cpu": cpu_now() - cpu}), flush=True)


def run_children(db, role, argument, processes):
    """Start `processes` children at once; answers (wall seconds, [their JSON answers])."""
    command = [sys.executable, __file__, "--db", db, f"--{role}", str(argument)]
    started = time.perf_counter()
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=os.environ.copy())
                for _index in range(processes)]
    answers = []
    for child in children:
        out, _err = child.communicate(timeout=RUN_LIMIT_SECONDS)
        if child.returncode != 0:
            raise SystemExit(f"a {role} process failed ({child.returncode})")
        answers.append(json.loads(out.strip().splitlines()[-1]))
    return time.perf_counter() - started, answers


def check(plan_count, per_plan, floor_count):
    """Every occurrence once, with one assigned order; answers the occurrence count."""
    from django.db.models import Count

    from shouhou.core.models import Tenant
    from shouhou.core.tenancy import tenant_context
    from shouhou.plans.models import PlanOccurrence
    from shouhou.workorders.models import WorkOrder

    tenant = Tenant.objects.get(slug=common.BENCH_COMPANY_SLUG)
    with tenant_context(tenant):
        occurrences = PlanOccurrence.objects.count()
        twice = (PlanOccurrence.objects.values("plan", "date").annotate(n=Count("id")).filter(n__gt=1).count())
        orders = WorkOrder.objects.filter(order_type__name=TYPE_NAME).count()
        with_order = PlanOccurrence.objects.exclude(order=None).values("order").distinct().count()
        unassigned = WorkOrder.objects.filter(order_type__name=TYPE_NAME, assignee=None).count()
    expected = plan_count * per_plan
    print(f"check: {occurrences} occurrences (expected {expected}), {twice} (plan, date) twice, "
          f"{with_order} distinct orders on them, {orders} orders of the type (expected {expected + floor_count}), "
          f"{unassigned} unassigned")
    assert occurrences == expected == with_order and twice == 0, "occurrences wrong"
    assert orders == expected + floor_count and unassigned == 0, "orders wrong"
    return occurrences


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_plans")
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--per-plan", type=int, default=50)
    parser.add_argument("--consumers", type=int, default=2)
    parser.add_argument("--floor", type=int, default=2000, help="orders created directly, in all (0: none)")
    parser.add_argument("--consume", help=argparse.SUPPRESS)  # child: the consumer, with the run's now
    parser.add_argument("--floor-part", type=int, help=argparse.SUPPRESS)  # child: a floor process
    args = parser.parse_args()
    if not (1 <= args.plans <= 10_000 and 1 <= args.per_plan <= 500 and 1 <= args.consumers <= 8
            and 0 <= args.floor <= 20_000):
        raise SystemExit("out of range: --plans 1..10000, --per-plan 1..500, --consumers 1..8, --floor 0..20000")
    if args.consume or args.floor_part:
        common.setup(args.db)
        consume(args.consume) if args.consume else floor(args.floor_part)
        return

    common.print_machine()
    common.recreate_database(args.db)
    common.setup(args.db)
    common.migrate()
    with common.stopwatch() as elapsed:
        now = prepare(args.plans, args.per_plan)
    print(f"prepared {args.plans} plans × {args.per_plan} due occurrences in {elapsed():.1f} s; now = {now}")
    common.flush_bench_queue()

    wall, answers = run_children(args.db, "consume", now.isoformat(), args.consumers)
    work = max(answer["seconds"] for answer in answers)
    created = [answer["created"] for answer in answers]
    total = sum(created)
    print(f"plans: {args.consumers} consumers created {created} = {total} orders; wall {wall:.1f} s "
          f"(with process start), slowest consumer {work:.1f} s; {work / max(total, 1) * 1000:.2f} ms per order, "
          f"{total / work:.0f} orders/s; CPU (processes + their PostgreSQL backends) "
          f"{sum(answer['cpu'] for answer in answers) / max(total, 1) * 1000:.2f} ms per order")

    floor_total = 0
    if args.floor:
        part = args.floor // args.consumers
        floor_wall, floor_answers = run_children(args.db, "floor-part", part, args.consumers)
        floor_work = max(answer["seconds"] for answer in floor_answers)
        floor_total = part * args.consumers
        per_order = floor_work / floor_total
        print(f"floor: {args.consumers} processes created {floor_total} orders directly (保存并派单) in "
              f"{floor_work:.1f} s; {per_order * 1000:.2f} ms per order, {floor_total / floor_work:.0f} orders/s; "
              f"for {total} orders: {per_order * total:.1f} s; plans / floor = "
              f"{(work / max(total, 1)) / per_order:.2f}×; CPU {sum(a['cpu'] for a in floor_answers) / floor_total * 1000:.2f} "
              f"ms per order")
    check(args.plans, args.per_plan, floor_total)
    common.flush_bench_queue()
    print(f"load average {common.load_average()}")


if __name__ == "__main__":
    main()
