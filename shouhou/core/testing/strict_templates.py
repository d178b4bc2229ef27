"""Tests fail on a template that uses a variable its context does not have.

Production renders a missing variable as "" (Django's default), which hides typos and, in a filter
argument, becomes a 500 (`{{ a|default:b.missing }}` raises VariableDoesNotExist). The test suite
sets the Django engine's `string_if_invalid` to `RAISE_ON_MISSING`: Django formats it with the
variable's name ("%s" in it) wherever a `{{ }}`, filter or tag argument (`with`, `url`, `include …
with`, `blocktranslate`) fails to resolve, and that formatting raises. A lookup through None
(`order.service_type.name` with no service type) is a miss too.

What a template says may be absent is not a miss:
- `{% if %}`, `{% for %}` and `{% firstof %}` resolve with ignore_failures and never consult it;
- a variable whose first filter is `default` (`{{ team.name|default:"—" }}`): Django returns a non-empty
  string_if_invalid without running the filters, so the formatting hands back what production renders
  (the default: `default` turns production's "" and this None alike into its argument).
`default_if_none` is no such statement (production renders "" for a missing variable, not its argument).

Each miss is also recorded, so a test fails even when the miss happened in the live server's thread
(browser tests) or in code that catches exceptions: see `assert_no_missing_variables`.
"""

import inspect
import sys
import threading

from django.template.base import FilterExpression, Node


class MissingTemplateVariable(Exception):
    """A template used a variable its context does not have (raised in tests only)."""


_misses = []
_lock = threading.Lock()


def _where():
    """Template name and line of the node being rendered, found on the call stack."""
    for frame_info in inspect.stack()[2:]:
        node = frame_info.frame.f_locals.get("self")
        if isinstance(node, Node) and getattr(node, "origin", None) is not None:
            line = node.token.lineno if getattr(node, "token", None) else "?"
            return f"{node.origin.template_name or node.origin.name}, line {line}"
    return "unknown template"


class _RaiseOnMissing(str):
    """A "%s" whose %-formatting raises: Django formats string_if_invalid with the missing variable."""

    def __new__(cls):
        return super().__new__(cls, "%s")

    def __mod__(self, variable):
        caller = sys._getframe(1)  # FilterExpression.resolve, for `{{ }}` and tag arguments
        expression = caller.f_locals.get("self")
        if isinstance(expression, FilterExpression) and _says_it_may_be_absent(expression):
            return expression.resolve(caller.f_locals["context"], ignore_failures=True)
        message = f"Undefined template variable '{variable}' in {_where()}"
        with _lock:
            _misses.append(message)
        raise MissingTemplateVariable(message)


def _says_it_may_be_absent(expression):
    return bool(expression.filters) and getattr(expression.filters[0][0], "__name__", "") == "default"


RAISE_ON_MISSING = _RaiseOnMissing()


def install(settings_templates):
    """Make every Django template engine raise on a missing variable; returns a function that undoes it."""
    from django.template import engines

    previous = []
    for config in settings_templates:
        if config["BACKEND"].endswith("DjangoTemplates"):
            options = config.setdefault("OPTIONS", {})
            previous.append((options, options.get("string_if_invalid", "")))
            options["string_if_invalid"] = RAISE_ON_MISSING
    for engine in engines.all():  # engines created before install() keep their own copy of the option
        if hasattr(engine, "engine"):
            engine.engine.string_if_invalid = RAISE_ON_MISSING

    def uninstall():
        for options, value in previous:
            options["string_if_invalid"] = value
        for engine in engines.all():
            if hasattr(engine, "engine"):
                engine.engine.string_if_invalid = ""
    return uninstall


def forget_missing_variables():
    with _lock:
        _misses.clear()


def assert_no_missing_variables():
    with _lock:
        found, _misses[:] = list(_misses), []
    assert not found, "templates used undefined variables:\n" + "\n".join(dict.fromkeys(found))
