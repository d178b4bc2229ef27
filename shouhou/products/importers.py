"""Import products from Excel (PRD-06) with the generic importer: template, preview, all or nothing.

Columns are the product's system fields plus the company's custom fields (form engine). Customers,
types and templates are named by name or number; every bad row is reported with its reason.
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import forms_engine
from shouhou.core.errors import ValidationFailed
from shouhou.core.importer import ImportColumn, Importer, register

from . import queries, services
from .models import Product, ProductTemplate

CUSTOM_PREFIX = "cf_"
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
DATE_KEYS = ("purchase_date", "install_date", "warranty_end")


@register
class ProductImporter(Importer):
    key = "products.products"
    title = gettext_lazy("Products")
    permission = "product.import"
    list_url_name = "products:list"
    max_rows = 50_000
    columns = [
        ImportColumn("name", gettext_lazy("Product name"), required=True, example="格力空调 KFR-35GW",
                     help=gettext_lazy("Empty with a template: the template's name."), aliases=("产品名称", "名称")),
        ImportColumn("number", gettext_lazy("Product number"), example="AC-2024-0001",
                     help=gettext_lazy("Required and unique, unless a template gives the prefix."),
                     aliases=("产品编号", "编号")),
        ImportColumn("serial_number", gettext_lazy("Serial number"), example="SN8830021", aliases=("序列号", "SN")),
        ImportColumn("product_type", gettext_lazy("Product type"), example="空调",
                     help=gettext_lazy("The name of one of your product types."), aliases=("产品类型", "类型")),
        ImportColumn("customer", gettext_lazy("Customer"), example="CUS00001",
                     help=gettext_lazy("The customer's number or name."), aliases=("客户", "客户名称", "客户编号")),
        ImportColumn("template", gettext_lazy("Template"), example="",
                     help=gettext_lazy("A template's number or name: empty cells are taken from it."),
                     aliases=("产品模板", "模板")),
        ImportColumn("purchase_date", gettext_lazy("Purchase date"), example="2024-03-01", aliases=("购买日期",)),
        ImportColumn("install_date", gettext_lazy("Installation date"), example="2024-03-05", aliases=("安装日期",)),
        ImportColumn("warranty_end", gettext_lazy("Warranty end date"), example="2027-03-04",
                     aliases=("保修截止", "保修截止日期", "保修到期")),
        ImportColumn("location", gettext_lazy("Location"), example="3号楼2层机房", aliases=("位置", "安装位置")),
        ImportColumn("latitude", gettext_lazy("Latitude"), example="31.230416", aliases=("纬度",)),
        ImportColumn("longitude", gettext_lazy("Longitude"), example="121.473701", aliases=("经度",)),
    ]

    def get_columns(self):
        self.schema = forms_engine.get_schema(queries.FORM_TARGET)
        custom = [ImportColumn(f"{CUSTOM_PREFIX}{column.key}", column.header, help=_custom_help(column.definition),
                               aliases=(column.key,), multiline=True)
                  for column in forms_engine.excel_columns(self.schema, for_import=True)]
        return [*self.columns, *custom]

    def prepare(self):
        self.schema = forms_engine.get_schema(queries.FORM_TARGET)
        self.custom = forms_engine.excel_columns(self.schema, for_import=True)
        self.types = {t.name: t.pk for t in queries.product_types()}
        self.templates = {}
        for template in ProductTemplate.objects.all():
            self.templates.setdefault(template.number, template)
            self.templates.setdefault(template.name, template)
        self.refs = forms_engine.References()

    def parse_row(self, values):
        errors = {}
        kwargs = {key: self.text(values.get(key)) for key in ("name", "number", "serial_number", "location")}
        for key in DATE_KEYS:
            kwargs[key] = _date_cell(values.get(key), key, errors)
        for key in ("latitude", "longitude"):
            kwargs[key] = self.text(values.get(key)) or None
        type_name = self.text(values.get("product_type"))
        if type_name:
            kwargs["product_type_id"] = self.types.get(type_name)
            if kwargs["product_type_id"] is None:
                errors["product_type"] = [_("Unknown product type: %(name)s") % {"name": type_name}]
        template = self._template(self.text(values.get("template")), errors)
        if template is None and not kwargs["name"]:
            errors["name"] = [_("This field is required.")]
        if template is None and not kwargs["number"]:
            errors["number"] = [_("This field is required.")]
        kwargs["fields"] = self._custom_values(values, errors, template)
        if errors:
            raise ValidationFailed(details=errors)
        kwargs["customer_text"] = self.text(values.get("customer"))
        if template is not None:
            kwargs = {key: value for key, value in kwargs.items() if value not in ("", None)}
            kwargs["template_id"] = template.pk
        return kwargs

    def _template(self, text, errors):
        if not text:
            return None
        template = self.templates.get(text)
        if template is None:
            errors["template"] = [_("Unknown template: %(name)s") % {"name": text}]
        return template

    def _custom_values(self, values, errors, template=None):
        """The row's custom values; with a template, empty cells take the template's values, and the
        combination must be complete (required fields) as the product will be."""
        row = {column.header: values.get(f"{CUSTOM_PREFIX}{column.key}") for column in self.custom}
        try:
            if template is None:
                return forms_engine.parse_excel_row(self.schema, row, refs=self.refs)
            filled = {header: cell for header, cell in row.items() if self.text(cell)}
            given = forms_engine.parse_excel_row(self.schema, filled, partial=True, refs=self.refs)
            current = {field.key for field in self.schema.parsed.value_fields()}
            inherited = {key: value for key, value in (template.fields or {}).items() if key in current}
            merged = {**inherited, **{key: value for key, value in given.items() if value is not None}}
            forms_engine.validate_values(self.schema, merged, actor=self.actor)
            return {key: value for key, value in given.items() if value is not None}
        except ValidationFailed as exc:
            for key, messages in exc.details.items():
                errors[f"{CUSTOM_PREFIX}{key}"] = messages
            return None

    def check_batch(self, rows):
        errors = {}
        self._resolve_customers(rows, errors)
        _flag_numbers(rows, errors)
        return errors

    def _resolve_customers(self, rows, errors):
        """Customer texts → ids, within the customers the importing user may see (one query)."""
        texts = {kwargs["customer_text"] for _row, kwargs in rows if kwargs.get("customer_text")}
        found = {text: set() for text in texts}
        if texts:
            from shouhou.customers.queries import visible_customers

            matches = visible_customers(self.actor).filter(Q(number__in=texts) | Q(name__in=texts))
            for pk, name, number in matches.values_list("pk", "name", "number"):
                for text in {name, number} & texts:
                    found[text].add(pk)
        for row, kwargs in rows:
            text = kwargs.pop("customer_text", "")
            if not text:
                continue
            ids = found.get(text, set())
            if len(ids) == 1:
                kwargs["customer_id"] = next(iter(ids))
            elif not ids:
                errors.setdefault(row, []).append(_("Customer not found: %(name)s") % {"name": text})
            else:
                errors.setdefault(row, []).append(
                    _("Several customers are called %(name)s; use the customer number.") % {"name": text})

    def create(self, actor, kwargs):
        # The importer checked product.import for the whole file; creating is what it grants.
        if "template_id" in kwargs:
            return services.create_from_template(actor=actor, check_perm=False, **kwargs)
        return services.create_product(actor=actor, check_perm=False, **kwargs)


def _custom_help(definition):
    """A custom column's note in the template: required (the column itself may be left out when a
    template fills it), its options, its description."""
    parts = [str(_("Required")) if definition.required else "",
             "、".join(option["label"] for option in definition.options[:20]), definition.help]
    return "; ".join(part for part in parts if part)


def _date_cell(cell, key, errors):
    if cell in (None, ""):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = str(cell).strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors[key] = [_("Enter a valid date (YYYY-MM-DD).")]
    return None


def _flag_numbers(rows, errors):
    """A number twice in the file, or already used by a product of the company."""
    first_row = {}
    for row, kwargs in rows:
        number = kwargs.get("number")
        if not number:
            continue
        if number in first_row:
            errors.setdefault(row, []).append(_("The product number %(number)s also appears in row %(row)s.")
                                              % {"number": number, "row": first_row[number]})
        else:
            first_row[number] = row
    numbers = list(first_row)
    for start in range(0, len(numbers), 500):
        for taken in Product.objects.filter(number__in=numbers[start:start + 500]).values_list("number", flat=True):
            errors.setdefault(first_row[taken], []).append(
                _("The product number %(number)s is already used.") % {"number": taken})
