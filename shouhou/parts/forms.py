"""Console forms of spare parts: they parse; the services check and write (core.forms.ConsoleForm)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import ActionForm, ChecklistField, ConsoleForm, EngineErrorsMixin

from . import queries
from .models import PricingRule, Warehouse

LINE_ROWS = 5
PRICE = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "required": False}


def _blank(choices, label="—"):
    return [("", label), *choices]


class PartForm(EngineErrorsMixin, ConsoleForm):
    """Built with the company's custom fields by `custom_fields.form_class`; errors on "fields.<key>" go
    to the "cf_<key>" inputs."""

    number = forms.CharField(label=_("Part number"), max_length=50)
    name = forms.CharField(label=_("Part name"), max_length=100)
    category_id = forms.TypedChoiceField(label=_("Part category"), required=False, coerce=int, empty_value=None)
    specification = forms.CharField(label=_("Specification"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    sale_price = forms.DecimalField(label=_("Sale price"), **PRICE)
    cost_price = forms.DecimalField(label=_("Cost price"), **PRICE)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    in_mall = forms.BooleanField(label=_("Listed in the mall"), required=False)
    serial_tracked = forms.BooleanField(label=_("Serial-tracked"), required=False)
    image = forms.FileField(label=_("Image"), required=False, help_text=_("JPEG, PNG, GIF or WebP, at most 5 MB"),
                            widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)

    def __init__(self, *args, has_image=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = _blank(queries.category_choices())
        if not has_image:
            del self.fields["remove_image"]

    def service_values(self):
        """The service's arguments: the built-in values and the whole set of custom values."""
        prefix = getattr(self, "custom_prefix", None)
        values = {key: value for key, value in self.cleaned_data.items() if not (prefix and key.startswith(prefix))}
        if prefix:
            values.update(fields=self.custom_values or {}, replace_fields=True)
        return values

    @staticmethod
    def initial_for(part):
        return {"number": part.number, "name": part.name, "category_id": part.category_id,
                "specification": part.specification, "unit": part.unit, "sale_price": part.sale_price,
                "cost_price": part.cost_price, "description": part.description, "enabled": part.enabled,
                "in_mall": part.in_mall, "serial_tracked": part.serial_tracked}


KEEP = "keep"


class PartBatchForm(ConsoleForm):
    """批量编辑 of the selected parts: each field left at "No change" (or a price left empty) stays as it is."""

    category_id = forms.ChoiceField(label=_("Part category"), required=False)
    enabled = forms.ChoiceField(label=_("Enabled"), required=False,
                                choices=[(KEEP, _("No change")), ("1", _("Enabled")), ("0", _("Disabled"))])
    in_mall = forms.ChoiceField(label=_("Listed in the mall"), required=False,
                                choices=[(KEEP, _("No change")), ("1", _("Listed")), ("0", _("Not listed"))])
    sale_price = forms.DecimalField(label=_("Sale price"), help_text=_("Empty: no change"), **PRICE)
    cost_price = forms.DecimalField(label=_("Cost price"), help_text=_("Empty: no change"), **PRICE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [(KEEP, _("No change")), ("", _("No category")),
                                              *[(str(pk), name) for pk, name in queries.category_choices()]]

    def service_values(self):
        """The changes the service is asked for (only what the user set)."""
        data, values = self.cleaned_data, {}
        if data.get("category_id", KEEP) != KEEP:
            values["category_id"] = data["category_id"] or None
        for key in ("enabled", "in_mall"):
            if data.get(key, KEEP) != KEEP:
                values[key] = data[key] == "1"
        for key in ("sale_price", "cost_price"):
            if data.get(key) is not None:
                values[key] = data[key]
        return values


class ServiceItemForm(ConsoleForm):
    number = forms.CharField(label=_("Service item number"), max_length=50)
    name = forms.CharField(label=_("Service item name"), max_length=100)
    category = forms.CharField(label=_("Category"), max_length=50, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    sale_price = forms.DecimalField(label=_("Sale price"), **PRICE)
    cost_price = forms.DecimalField(label=_("Cost price"), **PRICE)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    in_mall = forms.BooleanField(label=_("Listed in the mall"), required=False)

    def __init__(self, *args, lists=None, **kwargs):
        """`lists` ({"unit": [...], "category": [...]}, the company's lists, SVC-02): a field whose list has
        entries picks from it (plus the item's current value); an empty list leaves the field typed."""
        super().__init__(*args, **kwargs)
        for key, names in (lists or {}).items():
            if not names:
                continue
            field = self.fields[key]
            current = (self.initial or {}).get(key) or ""
            choices = [("", "—"), *[(name, name) for name in names]]
            if current and current not in names:
                choices.append((current, current))
            self.fields[key] = forms.ChoiceField(label=field.label, required=False, choices=choices)

    @staticmethod
    def initial_for(item):
        return {key: getattr(item, key) for key in ("number", "name", "category", "unit", "sale_price", "cost_price",
                                                    "enabled", "in_mall")}


class ItemListForm(ConsoleForm):
    """服务项目单位 / 分类: several names at once."""

    names = forms.CharField(label=_("Names"), max_length=4000,
                            help_text=_("One per line, or separated by commas."),
                            widget=forms.Textarea(attrs={"rows": 3}))


class WarehouseForm(ConsoleForm):
    name = forms.CharField(label=_("Warehouse name"), max_length=50)
    kind = forms.ChoiceField(label=_("Warehouse kind"), choices=Warehouse.Kind.choices)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    manager_ids = ChecklistField(label=_("Warehouse managers"))
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        from shouhou.accounts.queries import pickable_users

        self.fields["manager_ids"].choices = [(user.pk, user.name) for user in pickable_users(actor)]

    @staticmethod
    def initial_for(warehouse):
        return {"name": warehouse.name, "kind": warehouse.kind, "region": warehouse.region,
                "enabled": warehouse.enabled, "manager_ids": [user.pk for user in warehouse.managers.all()]}


class LinesMixin:
    """LINE_ROWS rows of part / quantity / serial numbers; `lines()` gives the filled ones to a service,
    whose errors "lines.<i>.<field>" land on the row's inputs."""

    def add_line_fields(self, actor, rows=LINE_ROWS, *, serials=True):
        parts = [(part.pk, f"{part.number} {part.name}") for part in queries.enabled_parts(actor).order_by("number")]
        self.rows = []
        self.field_aliases = {}
        for index in range(rows):
            part_key, quantity_key, serial_key = f"part_{index}", f"quantity_{index}", f"serials_{index}"
            self.fields[part_key] = forms.TypedChoiceField(label=_("Part"), required=False, coerce=int,
                                                           empty_value=None, choices=_blank(parts),
                                                           widget=forms.Select(attrs={"class": "form-select"}))
            self.fields[quantity_key] = forms.CharField(label=_("Quantity"), required=False, max_length=20,
                                                        widget=forms.TextInput(attrs={"class": "form-control",
                                                                                      "inputmode": "decimal"}))
            keys = [part_key, quantity_key]
            if serials:
                self.fields[serial_key] = forms.CharField(
                    label=_("Serial numbers"), required=False, max_length=2000,
                    help_text=_("Serial-tracked parts: one per line or comma-separated"),
                    widget=forms.TextInput(attrs={"class": "form-control"}))
                keys.append(serial_key)
            self.rows.append(keys)

    def bound_rows(self):
        return [[self[key] for key in keys] for keys in self.rows]

    def lines(self):
        """The filled rows as [{part_id, quantity, serials}]; the aliases map the service's error keys."""
        found = []
        for keys in self.rows:
            part_id = self.cleaned_data.get(keys[0])
            quantity = (self.cleaned_data.get(keys[1]) or "").strip()
            if part_id is None and not quantity:
                continue
            position = len(found)
            self.field_aliases[f"lines.{position}.part_id"] = keys[0]
            self.field_aliases[f"lines.{position}.quantity"] = keys[1]
            line = {"part_id": part_id, "quantity": quantity}
            if len(keys) > 2:
                self.field_aliases[f"lines.{position}.serials"] = keys[2]
                text = (self.cleaned_data.get(keys[2]) or "").replace("，", ",").replace("\n", ",")
                line["serials"] = [s.strip() for s in text.split(",") if s.strip()]
            found.append(line)
        return found


class MoveForm(LinesMixin, ConsoleForm):
    """入库 / 出库 / 调拨 / 分配 / 移除 of up to LINE_ROWS parts."""

    warehouse_id = forms.TypedChoiceField(label=_("Warehouse"), coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args, actor, kind, **kwargs):
        super().__init__(*args, **kwargs)
        warehouses = [(w.pk, w.name) for w in queries.visible_warehouses(actor).filter(enabled=True)]
        self.fields["warehouse_id"].choices = _blank(warehouses)
        if kind == "remove":  # 移除 (scrapped, lost) says why
            self.fields["reason"].required = True
            self.fields["reason"].help_text = _("Why the parts leave the stock, e.g. scrapped or lost.")
        if kind == "transfer":
            self.fields["to_warehouse_id"] = forms.TypedChoiceField(
                label=_("To warehouse"), coerce=int,
                choices=_blank([(w.pk, w.name) for w in queries.all_warehouses()]))
        if kind == "allocate":
            self.fields["holder_id"] = forms.TypedChoiceField(
                label=_("To person"), coerce=int,
                choices=_blank([(u.pk, u.name) for u in queries.allocatable_holders(actor)]))
        self.add_line_fields(actor)

    def head_fields(self):
        return [self[name] for name in ("warehouse_id", "to_warehouse_id", "holder_id", "reason") if name in self.fields]


class RequestForm(LinesMixin, ConsoleForm):
    """申领 / 退回: a warehouse, lines, a note."""

    warehouse_id = forms.TypedChoiceField(label=_("Warehouse"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, actor, kind, **kwargs):
        super().__init__(*args, **kwargs)
        warehouses = queries.requestable_warehouses(actor)
        if kind == "requisition":
            warehouses = warehouses.exclude(kind=Warehouse.Kind.DEFECTIVE)
        self.fields["warehouse_id"].choices = _blank([(w.pk, w.name) for w in warehouses])
        self.add_line_fields(actor, serials=False)

    def head_fields(self):
        return [self["warehouse_id"], self["note"]]


class ApproveForm(ActionForm):
    """The approved quantity of each line (all requested, unless changed) and a note."""

    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, stock_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_lines = list(stock_request.lines.select_related("part"))
        self.field_aliases = {}
        for index, line in enumerate(self.request_lines):
            key = f"approved_{line.pk}"
            self.fields[key] = forms.DecimalField(label=str(line.part), min_value=0, max_digits=14, decimal_places=3,
                                                  initial=line.quantity.normalize(),
                                                  widget=forms.NumberInput(attrs={"class": "form-control",
                                                                                  "step": "any"}))
            self.field_aliases[f"lines.{index}.quantity"] = key

    def approved_lines(self):
        return [{"line_id": line.pk, "quantity": self.cleaned_data[f"approved_{line.pk}"]}
                for line in self.request_lines]


class DecisionForm(ActionForm):
    note = forms.CharField(label=_("Reason"), max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SafetyForm(ConsoleForm):
    safety_quantity = forms.DecimalField(label=_("Safety stock"), required=False, min_value=0, max_digits=14,
                                         decimal_places=3, help_text=_("Empty: no safety stock"))


class CategoryForm(ConsoleForm):
    name = forms.CharField(label=_("Category name"), max_length=50)
    parent_id = forms.TypedChoiceField(label=_("Parent category"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent_id"].choices = _blank(queries.category_choices(), "—")


class PricingRuleForm(ConsoleForm):
    """收费标准的规则 (issue 11): the fields of models.PricingRule."""

    name = forms.CharField(label=_("Rule name"), max_length=50)
    priority = forms.IntegerField(label=_("Priority"), min_value=0, max_value=9999, initial=100,
                                  help_text=_("Rules are tried from the smallest number up; the first that matches prices the line."))
    applies_to = forms.ChoiceField(label=_("Applies to"), choices=PricingRule.AppliesTo.choices, initial="all")
    part_category_id = forms.TypedChoiceField(label=_("Part category"), coerce=int, empty_value=None, required=False)
    service_category = forms.CharField(label=_("Service item category"), max_length=50, required=False)
    warranty = forms.ChoiceField(label=_("Warranty state"), choices=PricingRule.Warranty.choices, initial="any")
    customers = forms.ChoiceField(label=_("Customers"), choices=PricingRule.Customers.choices, initial="any")
    customer_tag = forms.CharField(label=_("Customer tag"), max_length=30, required=False,
                                   help_text=_("e.g. 合同客户"))
    effect = forms.ChoiceField(label=_("Effect"), choices=PricingRule.Effect.choices, initial="free")
    value = forms.DecimalField(label=_("Value"), help_text=_("The percentage, or the fixed unit price."), **PRICE)
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .queries import category_choices

        self.fields["part_category_id"].choices = [("", _("Any part category"))] + category_choices()

    @staticmethod
    def initial_for(rule):
        keys = ("name", "priority", "applies_to", "service_category", "warranty", "customers", "customer_tag",
                "effect", "value", "enabled")
        return {**{key: getattr(rule, key) for key in keys}, "part_category_id": rule.part_category_id}
