"""Benchmark: 100 concurrent claims of one pooled order (工单池 接单, issue 10, "Speed": exactly one winner; the
losers' p95 ≤ 2× the p95 of 100 concurrent `GET /api/v1/me` on the same server, in the same run).

Needs the data of gen_workorders.py; adds the 2,000 engineers of dispatch_data.py on first use and turns the
pool on for the company `bench` (no daily cap, no team partition). 100 different engineers each get an API
token and a keep-alive connection to gunicorn as production runs it (scripts/serve.sh: gthread, 2 workers ×
8 threads, DEBUG off, PostgreSQL, jobs to Redis) on a free port of 127.0.0.1. Then, `--rounds` times:

1. the floor: the 100 engineers send `GET /api/v1/me` at the same moment (a barrier releases the threads);
2. the race: a new order (type 安装) is published to the pool, and the 100 engineers send
   `POST /api/v1/work-orders/{id}/claim` at the same moment.

Each race must end with exactly one 200 and 99 × 409 `conflict`, the order 已接受 with the winner as its
assignee and exactly one claim recorded (asserted). The first round warms every worker up and is not counted.
Latency is measured per request in the client (send to last byte), so a request that waits for a free
server thread or for the order's row lock counts that wait.

    .venv/bin/python bench/pool_claims.py --db bench_wo [--rounds 6] [--workers 2] [--threads 8]
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
import dispatch_data  # noqa: E402
import transitions  # noqa: E402

CLAIMANTS = 100
DISPATCHER_PHONE = "13900000201"
TARGET_RATIO = 2.0
TIMEOUT = 60


def prepare():
    """The pool on, 100 engineers with a token each: (dispatcher, {engineer id: key}, order type 安装)."""
    from django.db import transaction

    from shouhou.accounts.models import User
    from shouhou.accounts.services import create_api_token
    from shouhou.core import company_settings
    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.models import WorkOrderType

    tenant, owner = common.bench_company()
    dispatch_data.ensure(tenant)
    with tenant_context(tenant), transaction.atomic():
        company_settings.update_settings(actor=owner, values={
            "workorder.pool_enabled": True, "workorder.pool_daily_cap": 0, "workorder.pool_by_team": False,
            "workorder.pool_notify_km": 0.0, "workorder.pool_timeout_hours": 0.0})
        dispatcher = User.objects.get(phone=DISPATCHER_PHONE)
        engineers = list(User.objects.for_tenant().filter(phone__startswith=dispatch_data.PHONE_PREFIX)
                         .order_by("phone")[:CLAIMANTS])
        keys = {engineer.pk: create_api_token(user=engineer, name="bench pool")[1] for engineer in engineers}
        order_type = WorkOrderType.objects.get(name="安装")
    return tenant, dispatcher, keys, order_type


def pooled_order(tenant, dispatcher, order_type):
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.models import Customer
    from shouhou.workorders.services import orders as order_services

    with tenant_context(tenant):
        customer = Customer.objects.order_by("-pk").first()
        order = order_services.create_work_order(actor=dispatcher, order_type=order_type, customer=customer,
                                                 description="工单池抢单基准", to_pool=True)
    assert order.status == "pooled", order.status
    return order.pk


class Crowd:
    """One keep-alive connection and one thread per engineer; `burst` sends one request from each at once."""

    def __init__(self, port, keys):
        self.keys = list(keys.items())
        self.connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT) for _ in self.keys]
        for connection in self.connections:
            connection.connect()

    def burst(self, method, path, body=None):
        """[(user id, status, body, seconds)] of one request per engineer, released together."""
        barrier = threading.Barrier(len(self.keys))
        results = [None] * len(self.keys)
        payload = json.dumps(body).encode() if body is not None else None

        def one(index):
            user_id, key = self.keys[index]
            connection = self.connections[index]
            headers = {"Authorization": f"Bearer {key}"}
            if payload is not None:
                headers["Content-Type"] = "application/json"
            barrier.wait()
            started = time.perf_counter()
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                content = response.read()
                results[index] = (user_id, response.status, content, time.perf_counter() - started)
            except (OSError, http.client.HTTPException) as exc:  # reconnect for the next burst
                connection.close()
                results[index] = (user_id, 0, repr(exc).encode(), time.perf_counter() - started)

        threads = [threading.Thread(target=one, args=(i,)) for i in range(len(self.keys))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def close(self):
        for connection in self.connections:
            connection.close()


def check_race(tenant, order_id, results):
    """Exactly one winner, every loser a 409 `conflict`, and the order as the winner left it."""
    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.models import PoolClaim, WorkOrder

    winners = [r for r in results if r[1] == 200]
    losers = [r for r in results if r[1] != 200]
    assert len(winners) == 1, f"{len(winners)} winners: {[r[:2] for r in winners][:5]}"
    wrong = [(r[1], r[2][:200]) for r in losers if r[1] != 409 or json.loads(r[2]).get("code") != "conflict"]
    assert not wrong, f"{len(wrong)} losers without 409 conflict: {wrong[:3]}"
    with tenant_context(tenant):
        order = WorkOrder.objects.get(pk=order_id)
        claims = PoolClaim.objects.filter(order_id=order_id).count()
    assert (order.status, order.assignee_id, claims) == ("accepted", winners[0][0], 1), (
        order.status, order.assignee_id, claims)
    return winners[0], losers


def run(args):
    tenant, dispatcher, keys, order_type = prepare()
    orders = [pooled_order(tenant, dispatcher, order_type) for _ in range(args.rounds)]
    port = transitions.free_port()
    server = transitions.start_server(port, args.workers, args.threads, args.db, quiet=True)  # no line per 409
    rounds = []
    try:
        crowd = Crowd(port, keys)
        try:
            for index, order_id in enumerate(orders):
                floor = crowd.burst("GET", "/api/v1/me")
                bad = [r[:2] for r in floor if r[1] != 200]
                assert not bad, f"GET /api/v1/me failed: {bad[:3]}"
                race = crowd.burst("POST", f"/api/v1/work-orders/{order_id}/claim", {})
                winner, losers = check_race(tenant, order_id, race)
                if index:  # the first round warms the workers up
                    rounds.append(([r[3] for r in floor], [r[3] for r in losers], winner[3]))
        finally:
            crowd.close()
    finally:
        transitions.stop(server)
    print(f"gunicorn gthread {args.workers} workers × {args.threads} threads; {CLAIMANTS} engineers, each with "
          f"his own token and keep-alive connection; {len(rounds)} rounds counted after one warm-up; "
          f"load average {common.load_average()}")
    ratios = []
    for number, (floor, losers, winner) in enumerate(rounds, start=1):
        me_p95, loser_p95 = common.percentile(floor, 0.95) * 1000, common.percentile(losers, 0.95) * 1000
        ratios.append(loser_p95 / me_p95)
        print(f"  round {number}: GET /me p95 {me_p95:.0f} ms (median {statistics.median(floor) * 1000:.0f}); "
              f"claim: 1 winner in {winner * 1000:.0f} ms, {len(losers)} × 409 conflict p95 {loser_p95:.0f} ms "
              f"(median {statistics.median(losers) * 1000:.0f}); ratio {ratios[-1]:.2f}x")
    floor_all = [value for floor, _losers, _winner in rounds for value in floor]
    losers_all = [value for _floor, losers, _winner in rounds for value in losers]
    print("GET /api/v1/me, all rounds: " + common.format_summary(common.summary_ms(floor_all)))
    print("claim losers (409), all rounds: " + common.format_summary(common.summary_ms(losers_all)))
    print("exactly one winner in every round: yes; losers' p95 / GET /me p95: "
          + common.ratio_verdict(ratios, TARGET_RATIO))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_wo")
    parser.add_argument("--rounds", type=int, default=6, help="races (and floors) to run; the first is a warm-up")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if args.db == "sqlite":
        parser.error("the race needs PostgreSQL's row locks: give a PostgreSQL database name")
    if not 2 <= args.rounds <= 50:
        parser.error("--rounds must be between 2 and 50")
    common.setup(args.db)
    common.print_machine()
    run(args)
    common.flush_bench_queue()


if __name__ == "__main__":
    main()
