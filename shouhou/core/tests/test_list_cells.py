"""Cells built in Python (core.lists, docs/benchmarks.md) print exactly what the template
tags and format_html printed before."""

import datetime

from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy

from shouhou.core.lists import Column


def reference(column, obj):
    """The cell as it was built before (format_html per cell)."""
    value = column.display(obj)
    if column.html:
        text = mark_safe(value or "")
    else:
        text = "" if value is None else conditional_escape(localize(template_localtime(value)))
    if column.link:
        text = format_html('<a href="{}">{}</a>', column.link(obj), text)
    return format_html('<td class="{}">{}</td>', column.css, text)


VALUES = ['<b>"A&B"</b>', mark_safe("<i>safe</i>"), 12345, 3.5, None, "", gettext_lazy("All"),
          datetime.date(2026, 12, 7), timezone.now(), "客户 & 公司"]


def test_cells_print_as_before():
    for value in VALUES:
        for column in (Column("x", "X", value=lambda o, v=value: v, css='a"b'),
                       Column("x", "X", value=lambda o, v=value: v, link=lambda o: "/x/?a=1&b=<2>"),
                       Column("x", "X", value=lambda o, v=value: v, html=True)):
            assert str(column.render(object())["td"]) == str(reference(column, object())), value

