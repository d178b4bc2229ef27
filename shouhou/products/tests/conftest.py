"""Shared set-up of the product tests: files under a temporary media root, a custom-field schema for
products, and the short names the tests use for the app factories (customers/factories.py,
products/factories.py), which build through the services."""

import pytest
from django.utils import translation

from shouhou.core.forms_engine import get_schema, save_schema
from shouhou.customers.factories import CustomersFactory
from shouhou.products.factories import ProductsFactory

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
    """A customer with one contact and the Shanghai address (customers factory)."""
    return CustomersFactory(actor).customer(name=name, **values)


def make_product(actor, **values):
    """A product with a number of its own (products factory)."""
    return ProductsFactory(actor).product(**values)
