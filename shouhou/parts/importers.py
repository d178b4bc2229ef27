"""Import parts from Excel (PART-02) with the generic importer: template, preview, all or nothing.
After the built-in columns comes one per custom field of the part form, parsed and checked by the form
engine (an error names the cell's column)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import forms_engine
from shouhou.core.errors import ValidationFailed
from shouhou.core.importer import ImportColumn, Importer, flag_repeats, register

from . import custom_fields, queries, services
from .models import Part
from .services._common import money

YES = {"是", "yes", "y", "1", "true", "启用", "enabled"}


@register
class PartImporter(Importer):
    key = "parts.parts"
    title = gettext_lazy("Spare parts")
    permission = "part.import"
    list_url_name = "parts:list"
    max_rows = 20_000
    columns = [
        ImportColumn("number", gettext_lazy("Part number"), required=True, example="BJ00001", aliases=("编号", "备件编号")),
        ImportColumn("name", gettext_lazy("Part name"), required=True, example="变频主控板", aliases=("名称", "备件名称")),
        ImportColumn("category", gettext_lazy("Part category"), example="电路板",
                     help=gettext_lazy("The name of one of your part categories."), aliases=("类别", "备件类别")),
        ImportColumn("specification", gettext_lazy("Specification"), example="KFR-35", aliases=("规格", "型号")),
        ImportColumn("unit", gettext_lazy("Unit"), example="块", aliases=("单位",)),
        ImportColumn("sale_price", gettext_lazy("Sale price"), example="180.00", aliases=("销售价",)),
        ImportColumn("cost_price", gettext_lazy("Cost price"), example="120.00", aliases=("出库价", "成本价")),
        ImportColumn("serial_tracked", gettext_lazy("Serial-tracked"), example="否",
                     help=gettext_lazy("Yes or no (是 / 否)"), aliases=("序列号管理", "序列号")),
        ImportColumn("description", gettext_lazy("Description"), example="", aliases=("说明",), multiline=True),
    ]

    def get_columns(self):
        custom = []
        for column in forms_engine.excel_columns(custom_fields.schema(), for_import=True):
            field = column.definition
            help_text = "、".join(option["label"] for option in field.options) if field.options else field.help
            custom.append(ImportColumn(custom_fields.CUSTOM_PREFIX + field.key, field.label, required=field.required,
                                       help=help_text, aliases=(field.key,), multiline=True))
        return [*self.columns, *custom]

    def prepare(self):
        self.categories = {category.name: category.pk for category in queries.categories()}
        self.schema = custom_fields.schema()
        self.refs = forms_engine.References()

    def _custom_values(self, values, errors):
        prefix = custom_fields.CUSTOM_PREFIX
        row = {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
        try:
            return forms_engine.parse_excel_row(self.schema, row, refs=self.refs)
        except ValidationFailed as exc:
            errors.update({prefix + key: messages for key, messages in exc.details.items()})
            return {}

    def parse_row(self, values):
        errors = {}
        kwargs = {key: self.text(values.get(key)) for key in ("number", "name", "specification", "unit",
                                                               "description", "sale_price", "cost_price")}
        for key in ("number", "name"):
            if not kwargs[key]:
                errors[key] = [_("This field is required.")]
        category = self.text(values.get("category"))
        kwargs["category_id"] = None
        if category:
            kwargs["category_id"] = self.categories.get(category)
            if kwargs["category_id"] is None:
                errors["category"] = [_("Unknown part category: %(name)s") % {"name": category}]
        for key in ("sale_price", "cost_price"):
            kwargs[key] = money(kwargs[key], key, errors)
        kwargs["serial_tracked"] = self.text(values.get("serial_tracked")).lower() in YES
        kwargs["fields"] = self._custom_values(values, errors)
        if errors:
            raise ValidationFailed(details=errors)
        return kwargs

    def check_batch(self, rows):
        errors = {}
        flag_repeats(rows, "number", _("The part number %(value)s also appears in row %(row)s."), errors)
        numbers = {kwargs["number"]: row for row, kwargs in rows}
        for taken in Part.objects.filter(number__in=list(numbers)).values_list("number", flat=True):
            errors.setdefault(numbers[taken], []).append(
                _("The part number %(number)s is already used.") % {"number": taken})
        return errors

    def create(self, actor, kwargs):
        # The importer checked part.import for the whole file; creating is what it grants.
        return services.create_part(actor=actor, check_perm=False, **kwargs)
