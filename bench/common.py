"""Shared set-up of the benchmark scripts: database, Django, the bench company, timing helpers.

Every script takes the database from `--db` (a PostgreSQL database name on 127.0.0.1:5432, trust
auth, or `sqlite`) and sets the environment *before* Django starts, so the benchmarks run the real
settings with DEBUG off. Jobs go to Redis under their own queue name (as in production, docs/deploy.md)
and that queue is emptied afterwards; uploaded files go to a temporary MEDIA_ROOT.
"""

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
BENCH_QUEUE = "shouhou-bench"
BENCH_PASSWORD = "Bench-pass-2026"
BENCH_COMPANY_SLUG = "bench"


def database_url(db):
    if db == "sqlite":
        return f"sqlite:///{tempfile.gettempdir()}/shouhou_bench.sqlite3"
    return f"{PG_SERVER}/{db}"


def configure(db, *, debug=False):
    """Environment for Django (before setup). Returns the DATABASE_URL."""
    url = database_url(db)
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "1" if debug else "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    os.environ.setdefault("HUEY_NAME", BENCH_QUEUE)
    os.environ.setdefault("MEDIA_ROOT", str(Path(tempfile.gettempdir()) / "shouhou_bench_media"))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("TRIAL_SEATS", "1000")
    return url


def setup(db, *, debug=False):
    configure(db, debug=debug)
    import django

    django.setup()


def recreate_database(db):
    """Drop and create the database (PostgreSQL) or delete the file (SQLite)."""
    if db == "sqlite":
        Path(database_url(db).removeprefix("sqlite:///")).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def migrate():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def flush_bench_queue():
    """Empty the bench's own job queue (the events the run enqueued; nothing consumes them here)."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()


def bench_company():
    """The company named `bench` with its owner (created on first use). Returns (tenant, owner)."""
    from shouhou.accounts.models import User
    from shouhou.core.models import Tenant
    from shouhou.system.services import sign_up

    tenant = Tenant.objects.filter(slug=BENCH_COMPANY_SLUG).first()
    if tenant is None:
        return sign_up(name="基准测试公司", short_name="基准", slug=BENCH_COMPANY_SLUG,
                       contact_phone="13900000000", admin_name="基准管理员", admin_password=BENCH_PASSWORD)
    return tenant, User.objects.filter(tenant=tenant).order_by("pk").first()


def bench_user(tenant, phone, name, role_keys):
    """A user of the bench company with the given system roles (created on first use)."""
    from shouhou.accounts.models import Role, User, WorkStatus
    from shouhou.core.tenancy import tenant_context

    with tenant_context(tenant):
        user = User.objects.filter(tenant=tenant, phone=phone).first()
        if user is None:
            user = User(tenant=tenant, name=name, phone=phone, account=phone,
                        work_status=WorkStatus.objects.first(), password=_password_hash())
            user.save()
            user.roles.set(Role.objects.filter(system_key__in=role_keys))
    return user


def _password_hash():
    """One hash of the bench password for every bench user (hashing is slow on purpose)."""
    from django.contrib.auth.hashers import make_password

    if not hasattr(_password_hash, "value"):
        _password_hash.value = make_password(BENCH_PASSWORD)
    return _password_hash.value


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# --- measuring ----------------------------------------------------------------------------------------

@contextmanager
def stopwatch():
    """`with stopwatch() as elapsed: ...` then `elapsed()` is the seconds taken (also while running)."""
    start = time.perf_counter()
    end = None

    def elapsed():
        return (end or time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def peak_rss_mb():
    """The process's peak resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def percentile(values, fraction):
    """The `fraction` (0..1) percentile by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds):
    """{median, p90, p95, p99, min, max} in milliseconds of a list of durations in seconds."""
    ms = [value * 1000 for value in seconds]
    return {"n": len(ms), "median": statistics.median(ms), "p90": percentile(ms, 0.9),
            "p95": percentile(ms, 0.95), "p99": percentile(ms, 0.99), "min": min(ms), "max": max(ms)}


def ratio_verdict(ratios, target):
    """"median of the rounds N.NNx (range a–b)   target ≤ Tx: met|MISSED" of per-round p95 ratios."""
    median = statistics.median(ratios)
    return (f"median of the rounds {median:.2f}x (range {min(ratios):.2f}–{max(ratios):.2f})   target ≤ {target:.0f}x: "
            f"{'met' if median <= target else 'MISSED'}")


def format_summary(summary):
    return ("n={n} median={median:.1f} ms p90={p90:.1f} p95={p95:.1f} p99={p99:.1f} "
            "min={min:.1f} max={max:.1f}").format(**summary)


def machine():
    """nproc, memory, Python and PostgreSQL versions, for the report."""
    info = {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}
    with open("/proc/meminfo") as handle:
        total_kb = int(next(line for line in handle if line.startswith("MemTotal")).split()[1])
    info["memory_gb"] = round(total_kb / 1024 / 1024, 1)
    try:
        info["cpu_model"] = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                                 if line.startswith("model name"))
    except StopIteration:
        info["cpu_model"] = platform.processor()
    try:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
            info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
    except Exception as exc:  # the report still prints without a server
        info["postgresql"] = f"unavailable ({exc.__class__.__name__})"
    return info


def cpu_probe_ms():
    """CPU milliseconds of a fixed pure-Python loop: how fast this machine is right now. The cores are
    shared with other virtual machines and the same code has run 1.5x slower from one hour to the next;
    compare figures only between runs with a similar probe."""
    started = time.process_time()
    total = 0
    for i in range(3_000_000):
        total += i * i
    return round((time.process_time() - started) * 1000)


def print_machine():
    """One line about the machine and the moment, printed first by every script."""
    info = machine()
    print(f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {info['cpus']} CPUs ({info['cpu_model']}) · {info['memory_gb']} GB · "
          f"PostgreSQL {info['postgresql']} · Python {info['python']} · commit {git_revision() or '?'} · "
          f"load average {load_average()} · CPU probe {cpu_probe_ms()} ms", flush=True)


def git_revision():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def backend_cpu():
    """CPU seconds so far of this connection's PostgreSQL backend (from /proc; the server is on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
