"""Benchmark: work-order transitions over the API (issue 4, "Speed": ≥ 150 per second on 2 cores).

Needs the data of gen_workorders.py (the company `bench` with 1,000,000 orders). The script creates
`--orders` pending orders (type 维修) through the service, one API token for the dispatcher 调度甲 and one
per engineer, then starts gunicorn as in production (gthread, DEBUG off, PostgreSQL, jobs to Redis)
on a free port of 127.0.0.1, and drives every order through

    POST /api/v1/work-orders/{id}/assign    (dispatcher, Bearer token)   {"assignee_id": …}
    POST /api/v1/work-orders/{id}/accept    (the engineer)
    POST /api/v1/work-orders/{id}/start     (the engineer)
    POST /api/v1/work-orders/{id}/complete  (the engineer)                {"content": …}

from a pool of client threads, each with its own keep-alive connection (an order's four steps run in
order, different orders in parallel). It reports transitions per second and latency percentiles per
action, checks every order ended 已完成, and — in this process, not in gunicorn — profiles one request
of each action (cProfile) and counts its SQL statements. With --consumer the job consumer runs beside
gunicorn and delivers the events (notifications) while the benchmark runs, as it would in production.

    .venv/bin/python bench/transitions.py --db bench_wo [--orders 400] [--clients 8] [--workers 2]
        [--threads 4] [--consumer] [--profile-only]
"""

import argparse
import cProfile
import http.client
import io
import json
import os
import pstats
import queue
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

ACTIONS = ("assign", "accept", "start", "complete")
DISPATCHER_PHONE = "13900000201"
ENGINEERS = 8  # the orders are spread over this many engineers
RUN_LIMIT_SECONDS = 600
COMPLETE_BODY = {"content": "已更换故障部件，设备运行正常。"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare(order_count):
    """Pending orders and the tokens: (order ids, dispatcher key, {engineer id: key}, engineer of each order).

    Each order is as a dispatcher would file it: a customer, one of its products, a service type and a
    service content (the API's answer names all of them)."""
    from shouhou.accounts.models import User
    from shouhou.accounts.services import create_api_token
    from shouhou.core.permissions import has_perm
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.models import Customer
    from shouhou.products.services import create_product
    from shouhou.workorders.models import ServiceOption, WorkOrderType
    from shouhou.workorders.services import orders as order_services

    tenant, owner = common.bench_company()
    with tenant_context(tenant):
        dispatcher = User.objects.get(phone=DISPATCHER_PHONE)
        engineers = list(User.objects.for_tenant().filter(phone__startswith="13900003").order_by("phone")[:ENGINEERS])
        assert has_perm(dispatcher, "workorder.assign") and all(has_perm(e, "workorder.execute") for e in engineers)
        order_type = WorkOrderType.objects.get(name="维修")
        service_type = ServiceOption.objects.filter(kind="service_type").order_by("pk").first()
        content = ServiceOption.objects.filter(kind="service_content").order_by("pk").first()
        customers = list(Customer.objects.order_by("-pk")[:order_count])
        orders = []
        for i in range(order_count):
            customer = customers[i % len(customers)]
            product = create_product(actor=owner, name="空调室外机", customer_id=customer.pk,
                                     number=f"BENCH-{time.time_ns()}-{i}")
            orders.append(order_services.create_work_order(
                actor=dispatcher, order_type=order_type, customer=customer, product=product,
                service_type=service_type, service_content=content, description="基准测试工单"))
        _token, dispatcher_key = create_api_token(user=dispatcher, name="bench")
        keys = {engineer.pk: create_api_token(user=engineer, name="bench")[1] for engineer in engineers}
    assignees = [engineers[i % len(engineers)].pk for i in range(order_count)]
    return [order.pk for order in orders], dispatcher_key, keys, assignees


def start_server(port, workers, threads, db, *, quiet=False):
    """gunicorn as in production; `quiet`: its stderr discarded (django.request warns of every 4xx)."""
    env = {**os.environ, "DATABASE_URL": common.database_url(db), "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1",
           "SECRET_KEY": os.environ["SECRET_KEY"]}
    command = [str(common.ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--worker-class", "gthread", "--workers", str(workers), "--threads", str(threads),
               "--keep-alive", "30", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=common.ROOT, env=env, start_new_session=True,
                              stderr=subprocess.DEVNULL if quiet else None)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.3)
    stop(server)
    raise RuntimeError("gunicorn did not start")


def start_consumer(db):
    env = {**os.environ, "DATABASE_URL": common.database_url(db), "DEBUG": "0"}
    return subprocess.Popen([sys.executable, "manage.py", "run_huey", "--workers", "2"], cwd=common.ROOT, env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL)


def stop(process):
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def cpu_seconds(*matches):
    """CPU seconds (user + system) used so far by the processes whose command line contains one of `matches`."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if any(match in command for match in matches):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_snapshot(db):
    """CPU seconds so far of gunicorn, of PostgreSQL (the backends of `db` and the WAL writer, checkpointer and
    background writer), of the job consumer and of this client process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"gunicorn": cpu_seconds("gunicorn"),
            "postgres": cpu_seconds(f" {db} 127.0.0.1", "walwriter", "checkpointer", "background writer"),
            "consumer": cpu_seconds("run_huey"), "client": usage.ru_utime + usage.ru_stime}


class Driver:
    """Client threads taking orders from a queue and posting their four actions over keep-alive."""

    def __init__(self, port, dispatcher_key, keys):
        self.port, self.dispatcher_key, self.keys = port, dispatcher_key, keys
        self.latencies = {action: [] for action in ACTIONS}
        self.failures = []
        self.lock = threading.Lock()

    def post(self, connection, order_id, action, key, body):
        payload = json.dumps(body).encode()
        started = time.perf_counter()
        connection.request("POST", f"/api/v1/work-orders/{order_id}/{action}", body=payload,
                           headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        response = connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - started
        with self.lock:
            if response.status == 200:
                self.latencies[action].append(elapsed)
            else:
                self.failures.append((order_id, action, response.status, content[:200]))
        return response.status == 200

    def run_client(self, jobs, deadline):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            while time.monotonic() < deadline:
                try:
                    order_id, assignee = jobs.get_nowait()
                except queue.Empty:
                    return
                engineer_key = self.keys[assignee]
                steps = [("assign", self.dispatcher_key, {"assignee_id": assignee}), ("accept", engineer_key, {}),
                         ("start", engineer_key, {}), ("complete", engineer_key, COMPLETE_BODY)]
                for action, key, body in steps:
                    if not self.post(connection, order_id, action, key, body):
                        break
        finally:
            connection.close()

    def run(self, orders, assignees, clients):
        jobs = queue.Queue()
        for pair in zip(orders, assignees, strict=True):
            jobs.put(pair)
        deadline = time.monotonic() + RUN_LIMIT_SECONDS
        threads = [threading.Thread(target=self.run_client, args=(jobs, deadline)) for _ in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def _status_counts(model, order_ids):
    from django.db.models import Count

    return dict(model.objects.filter(pk__in=order_ids).order_by().values_list("status").annotate(n=Count("pk")))


def profile_actions():
    """One order through the four actions in this process: cProfile and the SQL of each request."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    order_ids, dispatcher_key, keys, assignees = prepare(1)
    order_id, assignee = order_ids[0], assignees[0]
    dispatcher = Client(headers={"Authorization": f"Bearer {dispatcher_key}"})
    engineer = Client(headers={"Authorization": f"Bearer {keys[assignee]}"})
    bodies = {"assign": {"assignee_id": assignee}, "accept": {}, "start": {}, "complete": COMPLETE_BODY}
    report = []
    for action in ACTIONS:
        client = dispatcher if action == "assign" else engineer
        url = f"/api/v1/work-orders/{order_id}/{action}"
        profiler = cProfile.Profile()
        with CaptureQueriesContext(connection) as captured:
            profiler.enable()
            started = time.perf_counter()
            response = client.post(url, data=json.dumps(bodies[action]), content_type="application/json")
            elapsed = time.perf_counter() - started
            profiler.disable()
        assert response.status_code == 200, response.content[:300]
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).sort_stats("cumulative").print_stats(r"shouhou/", 18)
        statements = [query["sql"] for query in captured.captured_queries]
        slowest = sorted(captured.captured_queries, key=lambda query: -float(query["time"]))[:4]
        slow = "\n".join(f"    {float(query['time']) * 1000:6.1f} ms  {query['sql'][:160]}" for query in slowest)
        report.append((action, elapsed, statements, f"{slow}\n{stream.getvalue()}"))
    return report


def summarize_statements(statements):
    """Counts of statements by kind and table, e.g. {"SELECT workorders_workorder": 3}."""
    import re

    kinds = {}
    for sql in statements:
        match = re.match(r'\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM|SAVEPOINT|RELEASE SAVEPOINT)\s+(?:.*?FROM\s+)?"?(\w+)"?',
                         sql, re.S)
        key = f"{match.group(1)} {match.group(2)}" if match else sql[:40]
        if match and match.group(1) == "SELECT":
            table = re.search(r'FROM\s+"(\w+)"', sql)
            key = f"SELECT {table.group(1) if table else '?'}"
        kinds[key] = kinds.get(key, 0) + 1
    return kinds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_wo")
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--consumer", action="store_true", help="run the job consumer beside gunicorn")
    parser.add_argument("--profile-only", action="store_true", help="only profile one order's four requests")
    parser.add_argument("--show-profile", action="store_true", help="print the cProfile of each action")
    args = parser.parse_args()
    common.setup(args.db)
    common.print_machine()
    if not args.profile_only:
        run_benchmark(args)
    for action, elapsed, statements, profile in profile_actions():
        kinds = ", ".join(f"{key} ×{n}" for key, n in sorted(summarize_statements(statements).items()))
        print(f"{action}: {elapsed * 1000:.1f} ms in-process, {len(statements)} SQL statements: {kinds}")
        if args.show_profile:
            print(profile)
    common.flush_bench_queue()


def run_benchmark(args):
    order_ids, dispatcher_key, keys, assignees = prepare(args.orders)
    port = free_port()
    server = start_server(port, args.workers, args.threads, args.db)
    consumer = start_consumer(args.db) if args.consumer else None
    try:
        driver = Driver(port, dispatcher_key, keys)
        driver.run(order_ids[:args.clients], assignees[:args.clients], args.clients)  # warm-up: every worker
        driver.latencies = {action: [] for action in ACTIONS}
        before = cpu_snapshot(args.db)
        elapsed = driver.run(order_ids[args.clients:], assignees[args.clients:], args.clients)
        after = cpu_snapshot(args.db)
    finally:
        stop(server)
        stop(consumer)
    done = sum(len(values) for values in driver.latencies.values())
    statuses = _finished_statuses(order_ids)
    print(f"gunicorn gthread {args.workers} workers × {args.threads} threads, {args.clients} client threads, "
          f"consumer {'on' if consumer else 'off'}; load average {common.load_average()}")
    print(f"{done} transitions of {len(order_ids) - args.clients} orders in {elapsed:.1f} s: "
          f"{done / elapsed:.0f} transitions/s   target ≥ 150/s: {'met' if done / elapsed >= 150 else 'MISSED'}")
    used = {name: after[name] - before[name] for name in after}
    print("CPU per transition: " + ", ".join(f"{name} {seconds / done * 1000:.1f} ms" for name, seconds in used.items())
          + f"; machine capacity {os.cpu_count() * 1000 / (sum(used.values()) / done * 1000):.0f} transitions/s "
          "if nothing else ran")
    everything = [value for values in driver.latencies.values() for value in values]
    print("latency, all actions: " + common.format_summary(common.summary_ms(everything)))
    for action in ACTIONS:
        print(f"  {action:8}: " + common.format_summary(common.summary_ms(driver.latencies[action])))
    print(f"failures: {len(driver.failures)} {driver.failures[:3]}; final statuses of the orders: {statuses}")


def _finished_statuses(order_ids):
    from shouhou.core.tenancy import tenant_context
    from shouhou.workorders.models import WorkOrder

    tenant, _owner = common.bench_company()
    with tenant_context(tenant):
        return _status_counts(WorkOrder, order_ids)


if __name__ == "__main__":
    main()
