"""Benchmark: import 10,000 customers from an .xlsx file (issue 3, "Speed": ≤ 30 s, ≤ 500 MB).

The file has the customer importer's own template columns (core/importer.py, customers/importers.py):
name, status, contact and phone, a full address with coordinates (so nothing is geocoded), tags and
three custom fields (a required select, a number, a date). The run is the real one: the upload is
stored on a DataJob, `check_job` checks every row, then `commit_job` checks them again and creates
every customer through `services.create_customer` in one transaction — the two steps the background
job runs, called here synchronously. Each database starts empty (dropped and migrated).

    .venv/bin/python bench/import_customers.py --db bench_imp      # PostgreSQL database (recreated)
    .venv/bin/python bench/import_customers.py --db sqlite         # a SQLite file in /tmp (recreated)
    options: --rows 10000
             --row-by-row   create the customers one by one through services.create_customer (the
                            generic importer's default, as before the bulk path) for comparison
"""

import argparse
import datetime as dt
import io
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from customer_data import LEVELS, REGIONS, STREETS, TAGS, company_names, define_custom_fields  # noqa: E402


def row_values(index, name, rng):
    province, city, district, lat, lng = REGIONS[index % len(REGIONS)]
    return {
        "name": name,
        "status": rng.choice(["正常", "正常", "正常", "潜在", "停用"]),
        "contact_name": f"联系人{index}",
        "contact_phone": f"13{rng.randint(100000000, 999999999)}",
        "province": province, "city": city, "district": district,
        "detail": f"{rng.choice(STREETS)} {rng.randint(1, 999)} 号",
        "latitude": round(lat + rng.uniform(-0.2, 0.2), 6),
        "longitude": round(lng + rng.uniform(-0.2, 0.2), 6),
        "tags": "、".join(rng.sample(TAGS, rng.randint(0, 2))),
        "cf_level": rng.choice(LEVELS)["label"],
        "cf_amount": rng.randint(1000, 500000),
        "cf_signed_on": dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700)),
    }


def build_workbook(columns, rows, seed=7):
    """The .xlsx bytes: the template's header row (as the template view writes it), then the rows."""
    from shouhou.core.excel import write_xlsx

    rng = random.Random(seed)
    headers = [f"{c.header}*" if c.required else str(c.header) for c in columns]
    keys = [c.key for c in columns]
    names = company_names(rows)
    data = ([row_values(i, name, rng).get(key) for key in keys] for i, name in enumerate(names, start=1))
    handle = io.BytesIO()
    write_xlsx(handle, headers, data, "客户")
    return handle.getvalue()


def run(db, rows, row_by_row=False):
    common.recreate_database(db)
    common.setup(db)
    from django.core.files.base import ContentFile
    from django.db import connection, reset_queries

    from shouhou.core.importer import Importer, check_job, commit_job, get_importer
    from shouhou.core.jobs import DataJob
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.importers import CustomerImporter
    from shouhou.customers.models import Address, Contact, Customer

    common.migrate()
    if row_by_row:
        CustomerImporter.create_many = Importer.create_many
    tenant, owner = common.bench_company()
    with tenant_context(tenant):
        define_custom_fields(owner)
        columns = CustomerImporter(owner).get_columns()
        started = time.perf_counter()
        content = build_workbook(columns, rows)
        print(f"workbook: {rows} rows, {len(content) / 1024:.0f} KiB, built in {time.perf_counter() - started:.1f} s")
        job = DataJob(kind=DataJob.Kind.IMPORT, key=get_importer("customers.customers").key,
                      filename="customers.xlsx", language="zh-hans", created_by=owner)
        job.file.save("bench-customers.xlsx", ContentFile(content), save=False)
        job.save()
        del content
        reset_queries()
        rss_before = common.current_rss_mb()
        with common.stopwatch() as check_time:
            check_job(job)
        job.refresh_from_db()
        assert job.status == DataJob.Status.READY, (job.status, job.errors[:3])
        job.status, job.result = DataJob.Status.RUNNING, {"committed_by": owner.pk}
        job.save(update_fields=["status", "result"])
        with common.stopwatch() as commit_time:
            commit_job(job)
        job.refresh_from_db()
        assert job.status == DataJob.Status.DONE, (job.status, job.errors[:3])
        counts = (Customer.objects.count(), Contact.objects.count(), Address.objects.count())
    common.flush_bench_queue()
    total = check_time() + commit_time()
    peak = common.peak_rss_mb()
    print(f"database: {connection.vendor} ({db}); load average {common.load_average()}; "
          f"{'one by one (services.create_customer)' if row_by_row else 'bulk (batch_services.create_customers)'}")
    print(f"created: {counts[0]} customers, {counts[1]} contacts, {counts[2]} addresses")
    print(f"check:  {check_time():6.1f} s  ({rows / check_time():,.0f} rows/s)")
    print(f"commit: {commit_time():6.1f} s  ({rows / commit_time():,.0f} rows/s)")
    print(f"total:  {total:6.1f} s  ({rows / total:,.0f} rows/s)   target ≤ 30 s: "
          f"{'met' if total <= 30 else 'MISSED'}")
    print(f"memory: peak RSS {peak:.0f} MB (before the import {rss_before:.0f} MB)   target ≤ 500 MB: "
          f"{'met' if peak <= 500 else 'MISSED'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_imp", help="PostgreSQL database name (recreated), or sqlite")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--row-by-row", action="store_true")
    args = parser.parse_args()
    common.configure(args.db)
    common.print_machine()
    run(args.db, args.rows, args.row_by_row)


if __name__ == "__main__":
    main()
