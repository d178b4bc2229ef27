"""Shared set-up of the product tests: files under a temporary media root, a custom-field schema for
products, and small factories that go through the services."""

import itertools

import pytest
from django.utils import translation

from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.customers import services as customer_services
from shouhou.products import services

_seq = itertools.count(1)

SHANGHAI = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路 100 号",
            "latitude": "31.230416", "longitude": "121.473701"}
COLORS = [{"value": "white", "label": "白色"}, {"value": "grey", "label": "灰色"}]


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
    """颜色 (required select, searchable, in the list), 功率 (number), 备注 (text)."""
    built_in = [{"key": field["key"], "system": True} for field in get_schema("product").fields if field.get("system")]
    return save_schema(actor=owner, target="product", permission="product.settings", fields=[
        *built_in,
        {"key": "color", "label": "颜色", "kind": "select", "options": COLORS, "required": True,
         "searchable": True, "show_in_list": True},
        {"key": "power", "label": "功率", "kind": "number", "searchable": True},
        {"key": "memo", "label": "备注", "kind": "text"},
    ])


def make_customer(actor, name=None, **values):
    n = next(_seq)
    values.setdefault("contacts", [{"name": f"联系人{n}", "phone": f"139{n:08d}"}])
    return customer_services.create_customer(actor=actor, name=name or f"测试客户{n}", addresses=[dict(SHANGHAI)],
                                             geocode=False, **values)


def make_product(actor, **values):
    n = next(_seq)
    values.setdefault("name", f"测试产品{n}")
    values.setdefault("number", f"P{n:05d}")
    return services.create_product(actor=actor, **values)
