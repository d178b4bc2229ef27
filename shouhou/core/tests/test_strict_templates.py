"""The suite fails on a template variable missing from its context (production renders it as "")."""

import pytest
from django.template import Context, Engine, Template

from shouhou.core.testing import strict_templates


@pytest.fixture
def misses_expected():
    yield
    strict_templates.forget_missing_variables()  # this module's misses are on purpose


@pytest.mark.parametrize("source", [
    "{{ missing }}", "{{ order.missing }}", "{{ missing|date:'Y' }}", "{% with x=missing %}{{ x }}{% endwith %}",
    "{% load i18n %}{% blocktranslate with name=missing %}Hi {{ name }}{% endblocktranslate %}",
    "{{ order.missing|default_if_none:'—' }}", "{{ order.missing|upper|default:'—' }}",
    "{{ order.none.name }}",
])
def test_a_missing_variable_fails_in_tests(source, misses_expected):
    with pytest.raises(strict_templates.MissingTemplateVariable, match="Undefined template variable"):
        Template(source).render(Context({"order": {"number": "1", "none": None}}))


def test_the_miss_is_recorded_for_the_end_of_the_test(misses_expected):
    """A miss in the live server's thread, or in code that catches exceptions, still fails the test."""
    try:
        Template("{{ nothing }}").render(Context())
    except strict_templates.MissingTemplateVariable:
        pass
    with pytest.raises(AssertionError, match="nothing"):
        strict_templates.assert_no_missing_variables()


@pytest.mark.parametrize("source, expected", [
    ("{% if missing %}x{% else %}y{% endif %}", "y"),
    ("{% if order.missing or order.number %}{{ order.number }}{% endif %}", "1"),
    ("{% for x in missing %}{{ x }}{% empty %}none{% endfor %}", "none"),
    ("{% firstof order.missing order.number %}", "1"),
    ("{{ order.missing|default:'—' }}", "—"),
    ("{{ order.none.name|default:'—'|length }}", "1"),
])
def test_optional_variables_tested_with_if_for_firstof_keep_working(source, expected):
    assert Template(source).render(Context({"order": {"number": "1", "none": None}})) == expected


def test_production_still_renders_a_missing_variable_as_empty():
    engine = Engine()  # the project's settings do not set string_if_invalid
    assert engine.from_string("[{{ missing }}]").render(Context()) == "[]"
