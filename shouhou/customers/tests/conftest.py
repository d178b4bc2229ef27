"""Shared set-up of the customer tests: files under a temporary media root, a custom-field schema,
and small factories that go through the services."""

import itertools

import pytest
from django.utils import translation

from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.customers import services

_seq = itertools.count(1)

SHANGHAI = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路 100 号",
            "latitude": "31.230416", "longitude": "121.473701"}
LEVELS = [{"value": "a", "label": "A 级"}, {"value": "b", "label": "B 级"}]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def custom_fields(tenant, owner):
    """客户等级 (required select, searchable, in the list), 合同金额 (number), 上级客户 (customer reference)."""
    built_in = [{"key": field["key"], "system": True} for field in get_schema("customer").fields if field.get("system")]
    return save_schema(actor=owner, target="customer", permission="customer.settings", fields=[
        *built_in,
        {"key": "level", "label": "客户等级", "kind": "select", "options": LEVELS, "required": True,
         "searchable": True, "show_in_list": True},
        {"key": "amount", "label": "合同金额", "kind": "number", "searchable": True},
        {"key": "parent", "label": "上级客户", "kind": "customer"},
    ])


def make_customer(actor, name=None, address=SHANGHAI, **values):
    """A customer created through the service (with the default Shanghai address unless given)."""
    n = next(_seq)
    values.setdefault("contacts", [{"name": f"联系人{n}", "phone": f"139{n:08d}"}])
    addresses = [dict(address)] if address else []
    return services.create_customer(actor=actor, name=name or f"测试客户{n}", addresses=addresses, **values)


def at(lat, lng, **extra):
    return {**SHANGHAI, "latitude": f"{lat:.6f}", "longitude": f"{lng:.6f}", **extra}
