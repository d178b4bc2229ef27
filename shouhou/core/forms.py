"""The console kit's forms: the base form every console dialog and page uses, and its error handling.

Forms parse input; the services validate and write. A service's refusal comes back as a DomainError,
and `add_domain_error` puts it where the user looks: a ValidationFailed's details on their fields,
anything else above the form (architecture §4: one place turns a user-caused error into a form error).
"""

from itertools import zip_longest

from django import forms

from .errors import ValidationFailed
from .forms_engine.listing import COLUMN_PREFIX


class ConsoleForm(forms.Form):
    """Bootstrap classes on widgets, and service errors (ValidationFailed.details) shown on the fields."""

    field_aliases: dict = {}  # service detail key -> form field name

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_domain_error(self, exc):
        """Show a service's error: field details on their fields, anything else on the form."""
        details = exc.details if isinstance(exc, ValidationFailed) else {}
        if not details:
            self.add_error(None, str(exc.message))
            return
        for key, messages in details.items():
            name = self.field_aliases.get(key, key)
            for message in messages if isinstance(messages, (list, tuple)) else [messages]:
                self.add_error(name if name in self.fields else None, str(message))


class EngineErrorsMixin:
    """Service errors on custom fields ("fields.<key>") go to their "cf_<key>" inputs.

    Put it before ConsoleForm: `class CustomerForm(EngineErrorsMixin, ConsoleForm)`."""

    def add_domain_error(self, exc):
        details = getattr(exc, "details", None) or {}
        exc.details = {(COLUMN_PREFIX + key.removeprefix("fields.") if key.startswith("fields.") else key): value
                       for key, value in details.items()}
        super().add_domain_error(exc)


class ActionForm(ConsoleForm):
    """Every action posts the version the page showed, so a stale page cannot act (409 → message)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class ChecklistField(forms.TypedMultipleChoiceField):
    """Several ids as a list of check boxes (core/kit/_field.html draws it, filterable on request)."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


# --- the cascading region picker (省 / 市 / 区县, core.regions) ---------------------------------------------

REGION_LEVELS = ("province", "city", "district")


def region_field(label):
    """A province, city or district input drawn as a select; `bind_regions` fills its options. It posts a
    GB/T 2260 code (or an unmatched stored name, marked 待修正), which the services match again."""
    return forms.CharField(label=label, max_length=30, required=False, widget=forms.Select())


def region_options(current):
    """For the three levels of a picker whose values are `current` (names or codes): [(options, code)] —
    every province, the chosen province's cities, the chosen city's districts, each led by (choose); a
    stored name that matches nothing stays as an option marked 待修正; `code` is the matched division's."""
    from django.utils.translation import gettext as _

    from . import regions

    current = [str(value or "").strip() for value in current]
    found = regions.match(*current)
    nodes = [found.province, found.city, found.district]
    parents = [None, nodes[0], nodes[1]]
    out = []
    for index, node in enumerate(nodes):
        options = [("", _("(choose)"))]
        if index == 0 or parents[index] is not None:
            options += [(child.code, child.name) for child in regions.children(parents[index].code if index else None)]
        if node is None and current[index] and not regions.get(current[index]):
            options.append((current[index], _("%(name)s (to fix)") % {"name": current[index]}))
        out.append((options, node.code if node is not None else current[index]))
    return out


def bind_regions(form, names=REGION_LEVELS):
    """Fill the three selects of `names` (province, city, district inputs of `form`) with the divisions the
    current values allow (`region_options`). The page's core/regions.js loads the next level when one
    changes. Values may be names or codes."""
    from django.urls import reverse

    current = [(form.data.get(form.add_prefix(name)) if form.is_bound else
                form.initial.get(name, form.fields[name].initial)) for name in names]
    url = reverse("core:regions")
    for index, (name, (options, code)) in enumerate(zip(names, region_options(current), strict=True)):
        field = form.fields[name]
        field.widget.choices = options
        field.widget.attrs.update({"data-region-level": REGION_LEVELS[index], "data-region-url": url})
        if code and not form.is_bound:
            form.initial[name] = code


class RegionListWidget(forms.Widget):
    """Several regions, each a row of the three cascading selects (core/regions.js), posted as
    `<name>_province`, `<name>_city`, `<name>_district` once per row; 添加地区 copies an empty row (a
    <template>), × removes one. Its value: a list of (province, city, district) names or codes."""

    template_name = "core/kit/_region_list.html"

    def value_from_datadict(self, data, files, name):
        columns = [data.getlist(f"{name}_{level}") if hasattr(data, "getlist") else list(data.get(f"{name}_{level}") or [])
                   for level in REGION_LEVELS]
        return list(zip_longest(*columns, fillvalue=""))

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{level}" in data for level in REGION_LEVELS)

    @staticmethod
    def _parts(item):
        if isinstance(item, dict):
            return [item.get(f"{level}_code") or item.get(level) or "" for level in REGION_LEVELS]
        return list(item)

    def get_context(self, name, value, attrs):
        from django.urls import reverse
        from django.utils.translation import gettext as _

        context = super().get_context(name, value, attrs)
        labels = (_("Province"), _("City"), _("District"))

        def row(parts):
            return [{"level": level, "label": label, "options": options, "selected": code}
                    for level, label, (options, code) in zip(REGION_LEVELS, labels, region_options(parts), strict=True)]

        rows = [row(self._parts(item)) for item in (value if isinstance(value, (list, tuple)) else [])]
        context["widget"].update(rows=rows or [row(["", "", ""])], blank=row(["", "", ""]),
                                 url=reverse("core:regions"))
        return context


class RegionListField(forms.Field):
    """Regions picked with `RegionListWidget`: [{province, city, district}] (codes), empty rows dropped,
    each row matched against the divisions (core.regions) so a bad one is an error naming its row."""

    widget = RegionListWidget

    def __init__(self, *, max_rows=100, **kwargs):
        kwargs.setdefault("required", False)
        self.max_rows = max_rows
        super().__init__(**kwargs)

    def to_python(self, value):
        from django.utils.translation import gettext as _

        from . import regions

        rows = [[str(part or "").strip() for part in RegionListWidget._parts(item)] for item in value or []]
        rows = [parts for parts in rows if any(parts)]
        if len(rows) > self.max_rows:
            raise forms.ValidationError(_("At most %(n)d regions.") % {"n": self.max_rows})
        out = []
        for number, parts in enumerate(rows, start=1):
            found = regions.match(*(part[:30] for part in parts))
            if found.errors or any(len(part) > 30 for part in parts):
                message = next(iter(found.errors.values()), _("Unknown region."))
                raise forms.ValidationError(_("Region %(n)d: %(message)s") % {"n": number, "message": message})
            matched = {level: found.values()[f"{level}_code"] for level in REGION_LEVELS}
            if matched not in out:
                out.append(matched)
        return out
