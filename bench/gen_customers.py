"""Bulk-generate customers in one company on PostgreSQL (issue 3, "Speed": the list with 100,000).

Recreates the database, migrates, signs up the company `bench` (owner 13900000000 / Bench-pass-2026),
defines three custom fields (客户等级 select, 合同金额 number, 签约日期 date), then writes the rows with
COPY: customers (with their copies of the default contact and address, custom values as the form
engine stores them, tags), one or two contacts and one address each, and owners from five colleagues.
The counter of customer numbers is moved past the generated ones; the tables are ANALYZEd.

    .venv/bin/python bench/gen_customers.py --db bench_cus [--count 100000]
"""

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from customer_data import REGIONS, STREETS, TAGS, company_names, define_custom_fields  # noqa: E402

STATUSES = ["active"] * 7 + ["potential"] * 2 + ["inactive"]
SPAN_DAYS = 3 * 365
COLLEAGUES = [("13900000101", "王磊"), ("13900000102", "李静"), ("13900000103", "张伟"), ("13900000104", "刘洋"),
              ("13900000105", "陈晨")]


def custom_values(rng):
    """What the form engine stores for 客户等级, 合同金额 and 签约日期 (checked against it below)."""
    values = {"level": rng.choice("aabbbccccc"), "amount": rng.randint(1000, 500000)}
    if rng.random() < 0.8:
        values["signed_on"] = (dt.date(2023, 1, 1) + dt.timedelta(days=rng.randint(0, 1000))).isoformat()
    return values


def check_value_format(schema, rng):
    from shouhou.core.forms_engine import validate_values

    sample = custom_values(rng)
    stored = validate_values(schema, dict(sample))
    assert stored == sample, f"generated custom values differ from the engine's: {sample} != {stored}"


def generate(count, tenant, owner, colleagues, seed=3):
    """Yield (customer row, [contact rows], address row, [owner ids]) with ids from 1."""
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    start = now - dt.timedelta(days=SPAN_DAYS)
    step = dt.timedelta(days=SPAN_DAYS) / count
    for index, name in enumerate(company_names(count), start=1):
        created = start + step * index + dt.timedelta(seconds=rng.randint(0, 59))
        province, city, district, lat, lng = REGIONS[rng.randrange(len(REGIONS))]
        codes = region_codes(province, city, district)
        lat, lng = f"{lat + rng.uniform(-0.3, 0.3):.6f}", f"{lng + rng.uniform(-0.3, 0.3):.6f}"
        detail = f"{rng.choice(STREETS)} {rng.randint(1, 999)} 号"
        phone = f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
        contact = f"{rng.choice('王李张刘陈杨赵黄周吴')}{rng.choice(['经理', '工', '主任', '总'])}"
        tags = rng.sample(TAGS, rng.choice([0, 0, 0, 1, 1, 2]))
        creator = rng.choice(colleagues + [owner])
        customer = (index, tenant.pk, created, created, json.dumps(custom_values(rng), ensure_ascii=False),
                    f"CUS{index:06d}", name, rng.choice(STATUSES), json.dumps(tags, ensure_ascii=False), contact,
                    phone, province, city, district, detail, lat, lng, creator.pk, None, *codes)
        contacts = [(tenant.pk, created, created, contact, phone, "", "", "", True, index)]
        if rng.random() < 0.2:
            contacts.append((tenant.pk, created, created, f"{contact}助理", f"0{rng.randint(2000000000, 2999999999)}",
                             "", "", "", False, index))
        address = (tenant.pk, created, created, province, city, district, detail, lat, lng, True, index, *codes)
        owners = [rng.choice(colleagues).pk] if rng.random() < 0.7 else []
        yield customer, contacts, address, owners


CUSTOMER_COLUMNS = ("id, tenant_id, created_at, updated_at, fields, number, name, status, tags, contact_name, "
                    "contact_phone, province, city, district, address_detail, latitude, longitude, created_by_id, "
                    "service_team_id, province_code, city_code, district_code")
CONTACT_COLUMNS = "tenant_id, created_at, updated_at, name, phone, email, position, note, is_default, customer_id"
ADDRESS_COLUMNS = ("tenant_id, created_at, updated_at, province, city, district, detail, latitude, longitude, "
                   "is_default, customer_id, province_code, city_code, district_code")


def region_codes(province, city, district):
    """The GB/T 2260 codes of the three parts, as the address forms store them (core.regions)."""
    from shouhou.core import regions

    key = (province, city, district)
    if key not in _CODES:
        found = regions.match(province=province, city=city, district=district)
        assert not found.errors, found.errors
        _CODES[key] = tuple(node.code if node else "" for node in (found.province, found.city, found.district))
    return _CODES[key]


_CODES = {}


def copy_table(cursor, table, columns, rows):
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_rows(count, tenant, owner, colleagues):
    """COPY the tables one after another (a connection runs one COPY at a time)."""
    from django.db import connection

    customers, contacts, addresses, owners = [], [], [], []
    for customer, contact_rows, address, owner_ids in generate(count, tenant, owner, colleagues):
        customers.append(customer)
        contacts.extend(contact_rows)
        addresses.append(address)
        owners.extend((customer[0], user_id) for user_id in owner_ids)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor
        copy_table(cursor, "customers_customer", CUSTOMER_COLUMNS, customers)
        copy_table(cursor, "customers_contact", CONTACT_COLUMNS, contacts)
        copy_table(cursor, "customers_address", ADDRESS_COLUMNS, addresses)
        copy_table(cursor, "customers_customer_owners", "customer_id, user_id", owners)
        for table in ("customers_customer", "customers_contact", "customers_address", "customers_customer_owners"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f"(SELECT coalesce(max(id), 1) FROM {table}))")


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("customers_customer", "customers_contact", "customers_address", "customers_customer_owners"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def gin_index_present():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'customers_customer' "
                       "AND indexdef ILIKE '%USING gin (fields%'")
        return [row[0] for row in cursor.fetchall()]


def run(db, count):
    from django.db import transaction

    from shouhou.core.models import Counter
    from shouhou.core.tenancy import tenant_context
    from shouhou.customers.services import COUNTER_KEY

    tenant, owner = common.bench_company()
    colleagues = [common.bench_user(tenant, phone, name, ["manager"]) for phone, name in COLLEAGUES]
    with tenant_context(tenant):
        schema = define_custom_fields(owner)
        check_value_format(schema, random.Random(1))
        with common.stopwatch() as copying, transaction.atomic():
            copy_rows(count, tenant, owner, colleagues)
            Counter.objects.update_or_create(key=COUNTER_KEY, defaults={"value": count, "tenant": tenant})
        with common.stopwatch() as analyzing:
            analyze()
    print(f"copied {count:,} customers (+ contacts, addresses, owners) in {copying():.1f} s; "
          f"VACUUM ANALYZE {analyzing():.1f} s")
    indexes = gin_index_present()
    print("GIN index on fields:", indexes[0] if indexes else "MISSING")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_cus", help="PostgreSQL database name (dropped and recreated)")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    if args.db == "sqlite":
        parser.error("the generator writes with COPY: give a PostgreSQL database name")
    common.recreate_database(args.db)
    common.setup(args.db)
    common.print_machine()
    with common.stopwatch() as total:
        common.migrate()
        run(args.db, args.count)
    print(f"total {total():.1f} s (migrations included)")


if __name__ == "__main__":
    main()
