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

PROVINCES = [("上海市", "上海市", "浦东新区", 31.23, 121.47), ("北京市", "北京市", "朝阳区", 39.92, 116.44),
             ("广东省", "广州市", "天河区", 23.13, 113.32), ("广东省", "深圳市", "南山区", 22.53, 113.93),
             ("浙江省", "杭州市", "西湖区", 30.26, 120.13), ("江苏省", "南京市", "鼓楼区", 32.07, 118.77),
             ("四川省", "成都市", "武侯区", 30.64, 104.04), ("湖北省", "武汉市", "洪山区", 30.50, 114.34)]
STREETS = ["张江路", "建国路", "天河路", "科技园路", "文三路", "中山路", "人民南路", "珞喻路"]
LEVELS = [{"value": "a", "label": "A 级"}, {"value": "b", "label": "B 级"}, {"value": "c", "label": "C 级"}]
TAGS = ["VIP", "华东", "华南", "新客户", "代理商", "重点"]


def define_custom_fields(owner):
    """客户等级 (required select), 合同金额 (number), 签约日期 (date) on the customer form."""
    from shouhou.core.forms_engine import get_schema, save_schema

    built_in = [{"key": f["key"], "system": True} for f in get_schema("customer").fields if f.get("system")]
    save_schema(actor=owner, target="customer", permission="customer.settings", fields=[
        *built_in,
        {"key": "level", "label": "客户等级", "kind": "select", "options": LEVELS, "required": True,
         "searchable": True, "show_in_list": True},
        {"key": "amount", "label": "合同金额", "kind": "number", "searchable": True},
        {"key": "signed_on", "label": "签约日期", "kind": "date"},
    ])


def row_values(index, rng):
    province, city, district, lat, lng = PROVINCES[index % len(PROVINCES)]
    return {
        "name": f"基准客户{index:06d}有限公司",
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
    data = ([row_values(i, rng).get(key) for key in keys] for i in range(1, rows + 1))
    handle = io.BytesIO()
    write_xlsx(handle, headers, data, "客户")
    return handle.getvalue()


def run(db, rows):
    common.recreate_database(db)
    common.setup(db)
    from django.core.files.base import ContentFile
    from django.db import connection, reset_queries

    from shouhou.core.importer import check_job, commit_job, get_importer
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.importers import CustomerImporter
    from shouhou.customers.models import Address, Contact, Customer
    from shouhou.system.models import DataJob

    common.migrate()
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
    print(f"database: {connection.vendor} ({db})")
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
    args = parser.parse_args()
    run(args.db, args.rows)


if __name__ == "__main__":
    main()
