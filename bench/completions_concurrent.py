"""Benchmark: 50 concurrent completions drawing on the same personal stock row (issue 11, "Speed": on-hand
never below zero, the ledger sums equal on-hand exactly, p95 no worse than 2× an uncontended completion's
p95 measured in the same run).

Works on its own database (default `bench_parts`, made afresh unless --keep): the company `bench`, a
work-order type 维修 (accept and start on), a warehouse, one part (sale price 100) and one service item,
and `--concurrency` + 1 engineers with an API token each. gunicorn runs as in production
(scripts/serve.sh: gthread, 2 workers × 8 threads, DEBUG off, PostgreSQL, jobs to Redis) on a free port of
127.0.0.1. Each round (the first one warms the workers up and is not counted):

1. the floor, uncontended: 50 orders, each assigned to a different engineer who holds 2 of the part, are
   completed at the same moment (a barrier releases the 50 client threads), each with 1 part and 1
   service item — the same concurrency and the same work as the race, but no two completions share a
   stock row;
2. the race: 50 orders of ONE engineer, who holds `--stock` units (fewer than 50: the last completions
   must be refused), completed at the same moment with the same lines: they all draw on his one
   personal stock row.

After each round it asserts: the race's successes equal the units held (every other completion a 400
naming the shortage, its order still 进行中), the row's on-hand is never below zero (0 after the race),
and for every stock row the sum of its movements equals its on-hand (`ledger_differences()` empty, on-hand
= the ledger's last balance). Latency is per request in the client (send to last byte), so waiting for a
server thread or for the stock row's lock counts. A single completion alone, sequentially, is printed too.

    .venv/bin/python bench/completions_concurrent.py [--db bench_parts] [--rounds 4] [--concurrency 50]
        [--stock 40] [--workers 2] [--threads 8] [--keep]
"""

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import transitions  # noqa: E402

TARGET_RATIO = 2.0
TIMEOUT = 120
PHONE_PREFIX = "1390000"  # engineers 13900001000 …
CONTENT = "更换故障部件，设备运行正常。"


class Setup:
    """The company's type, stock and people, and the services to make each round's orders."""

    def __init__(self, concurrency):
        from shouhou.accounts.services import create_api_token
        from shouhou.core.tenancy import tenant_context
        from shouhou.customers import services as customer_services
        from shouhou.parts import services as part_services
        from shouhou.products.services import create_product
        from shouhou.workorders import flow
        from shouhou.workorders.services import types as type_services

        self.tenant, self.owner = common.bench_company()
        self.engineers = [common.bench_user(self.tenant, f"{PHONE_PREFIX}{1000 + i}", f"工程师{i:02d}", ["engineer"])
                          for i in range(concurrency + 1)]
        with tenant_context(self.tenant):
            config = flow.default_flow()
            config["accept"]["enabled"] = config["start"]["enabled"] = True
            self.order_type = type_services.save_type(actor=self.owner, name=f"维修{time.time_ns() % 10 ** 6}",
                                                      flow=config)
            self.warehouse = part_services.create_warehouse(actor=self.owner, name=f"总仓{time.time_ns() % 10 ** 6}")
            self.part = part_services.create_part(actor=self.owner, name="压缩机", sale_price="100.00",
                                                  number=f"BJ{time.time_ns() % 10 ** 9}")
            self.item = part_services.create_service_item(actor=self.owner, name="更换压缩机工时", sale_price="300",
                                                          number=f"FW{time.time_ns() % 10 ** 9}")
            self.customer = customer_services.create_customer(actor=self.owner, name=f"基准客户{time.time_ns() % 10 ** 9}",
                                                            geocode=False, addresses=[{"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "碧波路 690 号"}])
            self.product = create_product(actor=self.owner, name="空调室外机", customer_id=self.customer.pk,
                                          number=f"BENCH-{time.time_ns()}")
            self.keys = {e.pk: create_api_token(user=e, name="bench parts")[1] for e in self.engineers}

    def give(self, engineer, quantity):
        """Stock in at the warehouse and allocate `quantity` to the engineer's personal stock."""
        from shouhou.core.tenancy import tenant_context
        from shouhou.parts import services as part_services

        with tenant_context(self.tenant):
            lines = [{"part_id": self.part.pk, "quantity": quantity}]
            part_services.stock_in(actor=self.owner, warehouse_id=self.warehouse.pk, lines=lines, reason="基准入库")
            part_services.allocate(actor=self.owner, warehouse_id=self.warehouse.pk, holder_id=engineer.pk,
                                   lines=lines, reason="基准分配")

    def started_order(self, engineer):
        """A 维修 order assigned to `engineer`, accepted and started (进行中)."""
        from shouhou.core.tenancy import tenant_context
        from shouhou.workorders.services import actions as order_actions
        from shouhou.workorders.services import orders as order_services

        with tenant_context(self.tenant):
            order = order_services.create_work_order(actor=self.owner, order_type=self.order_type,
                                                     customer=self.customer, product=self.product,
                                                     description="并发完工基准", assignee=engineer)
            order = order_actions.accept(actor=engineer, order=order)
            order = order_actions.start(actor=engineer, order=order)
        assert order.status == "in_progress", order.status
        return order.pk

    def body(self):
        return {"content": CONTENT, "parts": [{"part_id": self.part.pk, "quantity": "1"}],
                "service_items": [{"service_item_id": self.item.pk, "quantity": "1"}]}


def burst(port, requests):
    """[(status, body, seconds)] of one POST per (path, key, body), all released together."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT) for _ in requests]
    for connection in connections:
        connection.connect()
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def one(index):
        path, key, body = requests[index]
        payload = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        barrier.wait()
        started = time.perf_counter()
        try:
            connections[index].request("POST", path, body=payload, headers=headers)
            response = connections[index].getresponse()
            results[index] = (response.status, response.read(), time.perf_counter() - started)
        except (OSError, http.client.HTTPException) as exc:
            results[index] = (0, repr(exc).encode(), time.perf_counter() - started)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for connection in connections:
        connection.close()
    return results


def complete_path(order_id):
    return f"/api/v1/work-orders/{order_id}/complete"


def check(setup, race_orders, results, stock):
    """The race's outcome against the database: successes = units held, refusals are shortages, the row
    at 0 and never below it, every row's movements summing to its on-hand."""
    from django.db.models import Min, Sum

    from shouhou.core.tenancy import tenant_context
    from shouhou.parts import services as part_services
    from shouhou.parts.models import StockLevel, StockMovement
    from shouhou.workorders.models import WorkOrder

    won = [r for r in results if r[0] == 200]
    refused = [r for r in results if r[0] != 200]
    assert len(won) == stock, f"{len(won)} completions went through with {stock} units held"
    wrong = [(r[0], r[1][:200]) for r in refused if r[0] != 400 or "parts.0.quantity" not in json.loads(r[1])
             .get("details", {})]
    assert not wrong, f"refusals that are not the shortage: {wrong[:3]}"
    racer = setup.engineers[0]
    with tenant_context(setup.tenant):
        statuses = sorted(WorkOrder.objects.filter(pk__in=race_orders).values_list("status", flat=True))
        assert statuses.count("finished") == stock and statuses.count("in_progress") == len(race_orders) - stock
        level = StockLevel.objects.get(part=setup.part, holder=racer)
        moves = StockMovement.objects.filter(part=setup.part, holder=racer)
        summed = moves.aggregate(total=Sum("quantity"), lowest=Min("balance"))
        assert level.quantity == 0 and level.reserved == 0, (level.quantity, level.reserved)
        assert summed["total"] == level.quantity and summed["lowest"] >= 0, summed
        last = moves.order_by("-pk").values_list("balance", flat=True).first()
        assert last == level.quantity, (last, level.quantity)
        assert part_services.ledger_differences() == [], part_services.ledger_differences()[:3]
        used = moves.filter(kind="used_on_order", work_order_id__in=race_orders).count()
        assert used == stock, used
    return won, refused


def one_round(setup, port, concurrency, stock):
    floor_people = setup.engineers[1:concurrency + 1]
    for engineer in floor_people:
        setup.give(engineer, 2)
    floor_orders = [setup.started_order(engineer) for engineer in floor_people]
    racer = setup.engineers[0]
    setup.give(racer, stock)
    race_orders = [setup.started_order(racer) for _ in range(concurrency)]
    body = setup.body()
    floor = burst(port, [(complete_path(o), setup.keys[e.pk], body) for o, e in zip(floor_orders, floor_people,
                                                                                      strict=True)])
    bad = [(r[0], r[1][:200]) for r in floor if r[0] != 200]
    assert not bad, f"uncontended completions failed: {bad[:3]}"
    race = burst(port, [(complete_path(o), setup.keys[racer.pk], body) for o in race_orders])
    won, refused = check(setup, race_orders, race, stock)
    return [r[2] for r in floor], [r[2] for r in won], [r[2] for r in refused]


def single(setup, port, count):
    """`count` completions one after another (nothing else running): the plain latency of one."""
    engineer = setup.engineers[1]
    setup.give(engineer, count)
    orders = [setup.started_order(engineer) for _ in range(count)]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    timings = []
    for order_id in orders:
        started = time.perf_counter()
        connection.request("POST", complete_path(order_id), body=json.dumps(setup.body()).encode(),
                           headers={"Authorization": f"Bearer {setup.keys[engineer.pk]}",
                                    "Content-Type": "application/json"})
        response = connection.getresponse()
        content = response.read()
        assert response.status == 200, content[:200]
        timings.append(time.perf_counter() - started)
    connection.close()
    return timings


def run(args):
    setup = Setup(args.concurrency)
    port = transitions.free_port()
    server = transitions.start_server(port, args.workers, args.threads, args.db, quiet=True)  # no line per 400
    rounds = []
    try:
        alone = single(setup, port, 12)[2:]
        for index in range(args.rounds):
            floor, won, refused = one_round(setup, port, args.concurrency, args.stock)
            if index:  # the first round warms every worker up
                rounds.append((floor, won, refused))
    finally:
        transitions.stop(server)
    print(f"gunicorn gthread {args.workers} workers × {args.threads} threads; {args.concurrency} concurrent "
          f"completions per burst (1 part + 1 service item each), the racer holding {args.stock}; "
          f"{len(rounds)} rounds counted after one warm-up; load average {common.load_average()}")
    print("a single completion alone (sequential): " + common.format_summary(common.summary_ms(alone)))
    ratios = []
    for number, (floor, won, refused) in enumerate(rounds, start=1):
        race = won + refused
        floor_p95, race_p95 = common.percentile(floor, 0.95) * 1000, common.percentile(race, 0.95) * 1000
        ratios.append(race_p95 / floor_p95)
        print(f"  round {number}: uncontended p95 {floor_p95:.0f} ms (median {statistics.median(floor) * 1000:.0f}); "
              f"same row: {len(won)} completed + {len(refused)} × 400 shortage, p95 {race_p95:.0f} ms "
              f"(completed p95 {common.percentile(won, 0.95) * 1000:.0f}, refused p95 "
              f"{common.percentile(refused, 0.95) * 1000:.0f}); ratio {ratios[-1]:.2f}x")
    floor_all = [v for floor, _won, _refused in rounds for v in floor]
    race_all = [v for _floor, won, refused in rounds for v in won + refused]
    for label, values in ((f"uncontended ({args.concurrency} rows)", floor_all), ("same stock row", race_all)):
        print(f"{label}, all rounds: " + common.format_summary(common.summary_ms(values)))
    print("on-hand never below zero, ledger = on-hand, successes = units held: yes in every round; same-row p95 / "
          "uncontended p95: " + common.ratio_verdict(ratios, TARGET_RATIO))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_parts")
    parser.add_argument("--rounds", type=int, default=4, help="bursts to run; the first is a warm-up")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--stock", type=int, default=40, help="units the racer holds (fewer than --concurrency)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true", help="reuse the database instead of making it afresh")
    args = parser.parse_args()
    if args.db == "sqlite":
        parser.error("the race needs PostgreSQL's row locks: give a PostgreSQL database name")
    if not 2 <= args.rounds <= 20 or not 2 <= args.concurrency <= 200 or not 1 <= args.stock < args.concurrency:
        parser.error("--rounds 2–20, --concurrency 2–200, --stock 1 … concurrency − 1")
    common.configure(args.db)
    if not args.keep:
        common.recreate_database(args.db)
    common.setup(args.db)
    if not args.keep:
        common.migrate()
    common.print_machine()
    run(args)
    common.flush_bench_queue()


if __name__ == "__main__":
    main()
