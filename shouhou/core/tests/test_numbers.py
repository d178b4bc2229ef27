"""Amounts and counts as people read them (issue 15): ¥1,631,900.00 and 12,345, the same in Chinese and
English, right-aligned and unwrapped in lists; exports keep the plain numbers."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

from shouhou.core.lists import Column
from shouhou.core.numbers import format_amount, format_count


@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1631900"), "¥1,631,900.00"),
    (Decimal("1631900.5"), "¥1,631,900.50"),
    (0, "¥0.00"),
    ("12.345", "¥12.35"),  # half up to the cent
    (Decimal("0.005"), "¥0.01"),
    (-1234.5, "-¥1,234.50"),
    (999, "¥999.00"),
    (None, ""),
    ("", ""),
    ("n/a", "n/a"),  # not a number: printed as it is, never an error
    (Decimal("NaN"), "NaN"),
])
def test_amount(value, text):
    assert format_amount(value) == text


@pytest.mark.parametrize(("value", "text"), [
    (12345, "12,345"), (0, "0"), (999, "999"), (1000, "1,000"), (-2000000, "-2,000,000"),
    (Decimal("12345.50"), "12,345.5"), ("7", "7"), (None, ""), ("abc", "abc"), (True, "True"),
])
def test_count(value, text):
    assert format_count(value) == text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_filters_read_the_same_in_both_languages(language):
    template = Template("{% load shouhou %}{{ fee|amount }} · {{ n|count }} · {{ fee|amount:'' }}")
    with translation.override(language):
        assert template.render(Context({"fee": Decimal("1631900"), "n": 12345})) == "¥1,631,900.00 · 12,345 · 1,631,900.00"


def test_number_columns_format_align_and_export_plain():
    order = SimpleNamespace(total_amount=Decimal("1631900.00"), visits=12345, note="备注")
    fees = Column("total_amount", "合计费用", kind="amount", sortable=True)
    visits = Column("visits", "次数", kind="count", css="fw-bold")
    assert fees.css == "num" and visits.css == "fw-bold num"
    assert fees.render(order)["td"] == '<td class="num">¥1,631,900.00</td>'
    assert visits.render(order)["td"] == '<td class="fw-bold num">12,345</td>'
    assert fees.cell(order) == Decimal("1631900.00")  # the Excel export keeps the number
    plain = Column("note", "备注")
    assert plain.css == "" and plain.render(order)["td"] == '<td class="">备注</td>'
