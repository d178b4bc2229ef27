"""Control characters are refused at every text boundary, without any form or schema opting in.

The rule itself lives in `validators.find_control_character`; this module applies it to

- every Django form `CharField` (and its subclasses: e-mail, URL, slug, JSON …) — `install_form_guard`;
- every django-ninja operation's input (body, query, path, form, headers; nested schemas, lists, dict
  values) — `install_api_guard`;
- query strings of every page, and NUL in any posted form value — `ControlCharacterMiddleware`, the last
  wall for views that read `request.GET`/`request.POST` directly (NUL is a 500 on PostgreSQL).

Both installs run from `CoreConfig.ready()`, so a form or an endpoint added later is covered the moment
it exists; `shouhou/core/tests/test_control_chars.py` walks every form and every operation to prove it.
Multi-line API fields are declared with `MultilineStr`; console fields are multi-line when their widget
is a textarea.
"""

import typing
from typing import Annotated

from django import forms
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic_core import InitErrorDetails, PydanticCustomError, ValidationError

from .validators import (
    CONTROL_CHARACTERS_CODE,
    SINGLE_LINE_FORBIDDEN,
    check_control_characters,
    control_character_message,
    find_control_character,
    normalize_newlines,
)


class _Multiline:
    """Marks an API string field where tab and line breaks are allowed (notes, descriptions)."""

    def __repr__(self):
        return "MULTILINE"


MULTILINE = _Multiline()
MultilineStr = Annotated[str, MULTILINE]


# --- console forms ---------------------------------------------------------------------------------
# Why patch CharField instead of a mixin on our base forms: a mixin covers only the forms that inherit
# it (not Django's own auth forms, nor forms built by the custom-field engine on other bases, nor
# tomorrow's form whose author forgot), which is the opt-in this guard exists to avoid. Django itself
# already puts ProhibitNullCharactersValidator on every forms.CharField; we widen that same spot.
# Why `validate` and not a validator in `field.validators`: single- or multi-line depends on the widget,
# which forms often swap after the field is built, and validators are shared with the class-level field.

def is_multiline_field(field):
    return isinstance(field.widget, forms.Textarea)


def install_form_guard():
    if getattr(forms.CharField, "_control_character_guard", False):
        return
    original_to_python, original_validate = forms.CharField.to_python, forms.CharField.validate

    def to_python(self, value):
        value = original_to_python(self, value)
        return normalize_newlines(value) if is_multiline_field(self) else value

    def validate(self, value):
        original_validate(self, value)
        for text in _strings_in(value):
            check_control_characters(text, multiline=is_multiline_field(self))

    forms.CharField.to_python, forms.CharField.validate = to_python, validate
    forms.CharField._control_character_guard = True


def _strings_in(value):
    """Every string in a cleaned value (a JSONField's value may nest them in lists and dicts)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings_in(item)


# --- API input -----------------------------------------------------------------------------------------
# Every operation's parameters are parsed by a ninja ParamModel subclass through `ParamModel.resolve`;
# checking its result covers every endpoint, nested schema and query parameter, now and later. Errors are
# raised as a pydantic ValidationError, so the API answers them like any other: 400 validation_error
# with the field's path in details.

def install_api_guard():
    from ninja.params.models import ParamModel

    if getattr(ParamModel, "_control_character_guard", False):
        return
    original_resolve = ParamModel.resolve.__func__

    def resolve(cls, request, api, path_params):
        values = original_resolve(cls, request, api, path_params)
        refuse_control_characters(values, title=cls.__name__)
        return values

    ParamModel.resolve = classmethod(resolve)
    ParamModel._control_character_guard = True


def refuse_control_characters(model, *, title="input"):
    """Raise pydantic's ValidationError naming every string field of `model` that holds a control char."""
    errors = [InitErrorDetails(type=PydanticCustomError(CONTROL_CHARACTERS_CODE, str(control_character_message(char))),
                               loc=loc, input=char)
              for loc, char in control_character_errors(model)]
    if errors:
        raise ValidationError.from_exception_data(title, errors)


def control_character_errors(value, loc=(), *, multiline=False):
    """[(location, character)] of every string in a parsed input that breaks the text rule."""
    if isinstance(value, BaseModel):
        return [error for name, field in type(value).model_fields.items()
                for error in control_character_errors(getattr(value, name, None), (*loc, field.alias or name),
                                                      multiline=is_multiline_annotation(field))]
    if isinstance(value, str):
        char = find_control_character(value, multiline=multiline)
        return [(loc, char)] if char else []
    if isinstance(value, dict):
        # Keys are names; values of free-form objects (custom fields) may be multi-line text, and the
        # custom-field engine checks each against its field's kind.
        return [error for key, item in value.items()
                for error in [*control_character_errors(key, (*loc, str(key))),
                              *control_character_errors(item, (*loc, str(key)), multiline=True)]]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [error for index, item in enumerate(value)
                for error in control_character_errors(item, (*loc, index), multiline=multiline)]
    return []


def is_multiline_annotation(field):
    return MULTILINE in field.metadata or _mentions_multiline(field.annotation)


def _mentions_multiline(annotation):
    if MULTILINE in getattr(annotation, "__metadata__", ()):
        return True
    return any(_mentions_multiline(arg) for arg in typing.get_args(annotation))


# --- query strings and raw form posts ------------------------------------------------------------------

class ControlCharacterMiddleware:
    """400 for a control character in the query string (search, filters) or a NUL in posted form data.

    Query-string values are one-line by nature, so any control character is refused; the page says
    which parameter. Posted forms are left to their fields' own errors, except NUL: no text may hold it,
    PostgreSQL cannot even compare it, and some views read `request.POST` directly. API requests get the
    API's error body; their posted bodies are checked by the API guard, which names the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self._problem(request)
        if problem is None:
            return self.get_response(request)
        name, char = problem
        message = control_character_message(char)
        if request.path.startswith("/api/"):
            return JsonResponse({"code": "validation_error", "message": _("Please correct the errors below."),
                                 "details": {name: [str(message)]}}, status=400)
        page = render_to_string("error.html", {"message": f"{name}: {message}"}, request=request)
        return HttpResponse(page, status=400)

    @staticmethod
    def _problem(request):
        for name, values in request.GET.lists():
            for text in (name, *values):
                char = find_control_character(text)
                if char:
                    return _printable(name), char
        if request.method == "POST" and not request.path.startswith("/api/"):
            for name, values in request.POST.lists():
                if any("\x00" in text for text in (name, *values)):
                    return _printable(name), "\x00"
        return None


def _printable(name):
    return SINGLE_LINE_FORBIDDEN.sub("?", name)
