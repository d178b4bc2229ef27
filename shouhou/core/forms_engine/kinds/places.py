"""Address (province/city/district/detail plus coordinates) and location (a point with its address)."""

import re

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field

from shouhou.core.validators import control_character_message, find_control_character

from .base import FieldError, Kind, Rule, base_form_kwargs, cell_text, register, to_decimal

ADDRESS_PARTS = ("province", "city", "district", "detail")
REGION_PARTS = ("province", "city", "district")
CODE_KEYS = tuple(f"{part}_code" for part in REGION_PARTS)
PART_LIMITS = {"province": 30, "city": 30, "district": 30, "detail": 200}
POINT_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，]\s*(-?\d+(?:\.\d+)?)\s*(.*)$", re.S)


class AddressValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    province: str = ""
    city: str = ""
    district: str = ""
    detail: str = ""
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    province_code: str = Field("", description="GB/T 2260 code of the province (set by the server)")
    city_code: str = Field("", description="GB/T 2260 code of the city")
    district_code: str = Field("", description="GB/T 2260 code of the district")


class LocationValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    address: str = ""


def _coordinate(value, limit, message):
    if value is None or value == "":
        return None
    number = to_decimal(value)
    if number is None or abs(number) > limit:
        raise FieldError(message)
    return round(float(number), 6)


def clean_point(lat, lng):
    lat = _coordinate(lat, 90, _("Latitude must be a number between -90 and 90."))
    lng = _coordinate(lng, 180, _("Longitude must be a number between -180 and 180."))
    if (lat is None) != (lng is None):
        raise FieldError(_("Give both latitude and longitude, or neither."))
    return lat, lng


def _part(value, limit):
    text = "" if value is None else str(value).strip()
    char = find_control_character(text)
    if char is not None:
        raise FieldError(control_character_message(char))
    if len(text) > limit:
        raise FieldError(_("Ensure each part of the address has at most %(limit)d characters.") % {"limit": limit})
    return text


def _object(value):
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        raise FieldError(_("Enter an address as an object."))
    return value


def _regions(address, previous):
    """The region parts matched against the administrative divisions (core.regions: names, variants such
    as 上海 / 上海市, or GB/T 2260 codes): canonical names with their codes. An unmatched part is an error,
    unless it is the text stored before the divisions were matched (it stays, without codes, to be fixed)."""
    from shouhou.core import regions

    given = [address[part] for part in REGION_PARTS]
    if not any(given):
        return {}
    found = regions.match(*given)
    if found.errors:
        before = previous if isinstance(previous, dict) else {}
        if given == [str(before.get(part) or "") for part in REGION_PARTS]:
            return {}
        raise FieldError(next(iter(found.errors.values())))
    values = found.values()
    return {**{part: values[part] for part in REGION_PARTS}, **{key: values[key] for key in CODE_KEYS}}


class PartsWidget(forms.MultiWidget):
    """Sub-inputs for the parts of a dict value, in `parts` order."""

    parts = ()

    def decompress(self, value):
        value = value or {}
        return [value.get(part) for part in self.parts]


class AddressWidget(PartsWidget):
    """省 / 市 / 区县 as the cascading region picker (core/regions.js: each select posts a GB/T 2260 code and
    loads the next level), the detailed address, and the coordinates the map picker fills."""

    parts = (*ADDRESS_PARTS, "lat", "lng")
    template_name = "core/forms_engine/widgets/address.html"

    def __init__(self, attrs=None):
        labels = (_("Province"), _("City"), _("District"))
        inputs = [forms.Select(attrs={"aria-label": label, "data-address-part": part, "data-region-level": part})
                  for part, label in zip(REGION_PARTS, labels, strict=True)]
        inputs.append(forms.TextInput(attrs={"placeholder": _("Detailed address"), "data-address-part": "detail"}))
        # Coordinates are filled by the map picker script (static JS), not typed.
        inputs += [forms.HiddenInput(attrs={"data-address-part": "lat"}),
                   forms.HiddenInput(attrs={"data-address-part": "lng"})]
        super().__init__(inputs, attrs)

    def decompress(self, value):
        value = value or {}
        # a stored address shows its codes (the selects' values); one without codes, its names
        return [value.get(f"{part}_code") or value.get(part) if part in REGION_PARTS else value.get(part)
                for part in self.parts]

    def get_context(self, name, value, attrs):
        values = value if isinstance(value, list) else self.decompress(value)
        self.bind_regions([str(v or "").strip() for v in values[:3]])
        context = super().get_context(name, values, attrs)
        for sub in context["widget"]["subwidgets"][:3]:  # the form's "form-control" is a select's "form-select"
            css = sub["attrs"].get("class", "").replace("form-control", "").strip()
            sub["attrs"]["class"] = f"{css} form-select".strip()
        return context

    def bind_regions(self, current):
        """Options of the three selects (core.forms.region_options)."""
        from django.urls import reverse

        from shouhou.core.forms import region_options

        url = reverse("core:regions")
        for widget, (options, _code) in zip(self.widgets[:3], region_options(current), strict=True):
            widget.choices = options
            widget.attrs["data-region-url"] = url


class LocationWidget(PartsWidget):
    parts = ("lat", "lng", "address")

    def __init__(self, attrs=None):
        inputs = [forms.NumberInput(attrs={"placeholder": _("Latitude"), "step": "any", "data-location-part": "lat"}),
                  forms.NumberInput(attrs={"placeholder": _("Longitude"), "step": "any",
                                           "data-location-part": "lng"}),
                  forms.TextInput(attrs={"placeholder": _("Address"), "data-location-part": "address"})]
        super().__init__(inputs, attrs)


class PartsField(forms.MultiValueField):
    """Collects the sub-inputs back into a dict; the engine validates it."""

    def __init__(self, parts, widget, **kwargs):
        self.parts = parts
        fields = [forms.CharField(required=False) for _part in parts]
        super().__init__(fields, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        values = dict(zip(self.parts, data_list or [], strict=False))
        return values if any(v not in (None, "") for v in values.values()) else None


@register
class Address(Kind):
    name = "address"
    label = _("Address")
    group = "advanced"
    sortable = False
    filter_ops = ("icontains", "isnull")
    rules = {"need_detail": Rule(bool, _("Detailed address required"), False),
             "need_coordinates": Rule(bool, _("Coordinates required"), False)}

    def is_empty(self, value):
        if isinstance(value, dict):  # an address form posts its parts even when left blank
            return all(v is None or not str(v).strip() for v in value.values())
        return super().is_empty(value)

    def clean(self, field, value, previous=None):
        value = _object(value)
        unknown = set(value) - {*ADDRESS_PARTS, *CODE_KEYS, "lat", "lng"}
        if unknown:
            raise FieldError(_("Unknown address parts: %(parts)s.") % {"parts": ", ".join(sorted(unknown))})
        address = {part: _part(value.get(part) or (value.get(f"{part}_code") if part in REGION_PARTS else ""),
                               PART_LIMITS[part]) for part in ADDRESS_PARTS}
        address.update(_regions(address, previous))
        address["lat"], address["lng"] = clean_point(value.get("lat"), value.get("lng"))
        if field.rule("need_detail") and not address["detail"]:
            raise FieldError(_("Enter the detailed address."))
        if field.rule("need_coordinates") and address["lat"] is None:
            raise FieldError(_("Pick the address on the map so it has coordinates."))
        return address

    def form_field(self, field, *, refs, value=None):
        return PartsField(AddressWidget.parts, AddressWidget(), **base_form_kwargs(field))

    def annotation(self, field):
        return AddressValue

    def filter_value(self, field, raw, op):
        return str(raw).strip()

    def filter_q(self, field, op, value, column):
        """Text search over the parts (a term may match any of them)."""
        q = Q(pk__in=[])
        for part in ADDRESS_PARTS:
            q |= Q(**{f"{column}__{field.key}__{part}__icontains": value})
        return q

    def display_text(self, field, value, refs):
        return " ".join(value.get(part) for part in ADDRESS_PARTS if value.get(part))

    def parse_cell(self, field, cell, refs):
        """'广东省/深圳市/南山区/科技园路1号' → parts; text without four '/'-parts is all detail.

        Coordinates are not carried in a cell: importers geocode addresses that lack them.
        """
        text = cell_text(cell)
        pieces = text.split("/", 3)
        if len(pieces) == 4:
            return dict(zip(ADDRESS_PARTS, pieces, strict=True))
        return {"detail": text}

    def export_cell(self, field, value, refs):
        if any(value.get(part) for part in ADDRESS_PARTS[:3]):
            return "/".join(value.get(part) or "" for part in ADDRESS_PARTS)
        return value.get("detail") or ""


@register
class Location(Kind):
    name = "location"
    label = _("Location")
    group = "advanced"
    sortable = False
    filterable = False
    filter_ops = ("isnull",)

    def clean(self, field, value, previous=None):
        value = _object(value)
        unknown = set(value) - {"lat", "lng", "address"}
        if unknown:
            raise FieldError(_("Unknown location parts: %(parts)s.") % {"parts": ", ".join(sorted(unknown))})
        lat, lng = clean_point(value.get("lat"), value.get("lng"))
        if lat is None:
            raise FieldError(_("Give the latitude and longitude of the location."))
        return {"lat": lat, "lng": lng, "address": _part(value.get("address"), 200)}

    def form_field(self, field, *, refs, value=None):
        return PartsField(LocationWidget.parts, LocationWidget(), **base_form_kwargs(field))

    def annotation(self, field):
        return LocationValue

    def display_text(self, field, value, refs):
        point = f"{value['lat']:.6f}, {value['lng']:.6f}"
        return f"{value['address']} ({point})" if value.get("address") else point

    def parse_cell(self, field, cell, refs):
        """'22.54,113.95 深圳湾' → {lat, lng, address}."""
        text = cell_text(cell)
        match = POINT_RE.match(text)
        if not match:
            return {"address": text, "lat": None, "lng": None}
        return {"lat": match.group(1), "lng": match.group(2), "address": match.group(3).strip()}

    def export_cell(self, field, value, refs):
        return f"{value['lat']},{value['lng']} {value.get('address', '')}".strip()
