"""Excel import (CUS-06) and background export of customers.

The import uses the generic importer (core/importer.py): the template has the built-in columns and
one column per custom field; each row is checked (custom values by the form engine, the address
located through the maps adapter when it has no coordinates) and the file is imported all or none.
Exports of the list's current view run inline, or as a DataJob when the view has many rows.
"""

import tempfile
from types import SimpleNamespace

from django.conf import settings
from django.core.files import File
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.importers import TeamNames, split_names
from shouhou.accounts.models import User
from shouhou.core import company_settings, forms_engine, regions
from shouhou.core.errors import ValidationFailed
from shouhou.core.excel import write_xlsx
from shouhou.core.forms_engine.listing import COLUMN_PREFIX
from shouhou.core.importer import ImportColumn, Importer, flag_repeats, register
from shouhou.core.jobs import tenant_task
from shouhou.core.permissions import has_perm, require

from . import batch_services, services
from .models import Customer

SYSTEM_COLUMNS = [
    ImportColumn("name", gettext_lazy("Customer name"), required=True, example="上海星辰科技有限公司",
                 aliases=("客户名称", "客户", "名称")),
    ImportColumn("number", gettext_lazy("Customer number"), example="CUS00001",
                 help=gettext_lazy("Empty: numbered automatically. Must not be used by another customer."),
                 aliases=("客户编号", "编号")),
    ImportColumn("status", gettext_lazy("Status"), example="正常",
                 help=gettext_lazy("Active, Potential or Inactive; empty: Active."), aliases=("状态",)),
    ImportColumn("contact_name", gettext_lazy("Contact"), example="张三",
                 help=gettext_lazy("The default contact; empty with a phone: the customer name."),
                 aliases=("联系人", "联系人姓名")),
    ImportColumn("contact_phone", gettext_lazy("Phone"), example="13800138000",
                 help=gettext_lazy("A mobile number, or a landline with its area code."),
                 aliases=("电话", "联系电话", "手机", "联系人电话")),
    ImportColumn("province", gettext_lazy("Province"), example="上海市",
                 help=gettext_lazy("A name (上海 or 上海市, 广西 or 广西壮族自治区) or a six-digit region code."),
                 aliases=("省", "省份")),
    ImportColumn("city", gettext_lazy("City"), example="上海市", aliases=("市", "城市")),
    ImportColumn("district", gettext_lazy("District"), example="浦东新区", aliases=("区", "区县")),
    ImportColumn("detail", gettext_lazy("Detailed address"), example="张江路 100 号",
                 help=gettext_lazy("Addresses without coordinates are located automatically. With province, "
                                   "city and district empty, a whole address here is split into them."),
                 aliases=("详细地址", "地址", "完整地址")),
    ImportColumn("latitude", gettext_lazy("Latitude"), example="31.230416", aliases=("纬度",)),
    ImportColumn("longitude", gettext_lazy("Longitude"), example="121.473701", aliases=("经度",)),
    ImportColumn("service_team", gettext_lazy("Service team"), example="华东区/上海一组",
                 help=gettext_lazy("A team name; write parent/child when the name is not unique."),
                 aliases=("服务团队", "团队")),
    ImportColumn("owners", gettext_lazy("Customer owners"), example="李四",
                 help=gettext_lazy("Names or mobile numbers of colleagues, several separated by 、."),
                 aliases=("客户负责人", "负责人")),
    ImportColumn("tags", gettext_lazy("Tags"), example="VIP、华东", aliases=("标签",)),
]
ADDRESS_KEYS = {"province": "province", "city": "city", "district": "district", "detail": "detail",
                "latitude": "latitude", "longitude": "longitude"}
SERVICE_ERROR_KEYS = {"contacts.0.name": "contact_name", "contacts.0.phone": "contact_phone",
                      "addresses": "detail", "service_team": "service_team"}


def _column_for(key):
    """The import column a service error key belongs to."""
    if key in SERVICE_ERROR_KEYS:
        return SERVICE_ERROR_KEYS[key]
    if key.startswith("addresses.0."):
        return ADDRESS_KEYS.get(key.removeprefix("addresses.0."), "detail")
    if key.startswith("fields."):
        return COLUMN_PREFIX + key.removeprefix("fields.")
    return key


def status_by_text():
    """Status values by their value and their label in every language (as people type them)."""
    found = {}
    for value, _label in Customer.Status.choices:
        found[value.lower()] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                found[str(Customer.Status(value).label).lower()] = value
    return found


@register
class CustomerImporter(Importer):
    key = "customers.customers"
    title = gettext_lazy("Customers")
    permission = "customer.import"
    list_url_name = "customers:list"
    max_rows = 50_000

    def get_columns(self):
        columns = list(SYSTEM_COLUMNS)
        for column in forms_engine.excel_columns(services.schema(), for_import=True):
            field = column.definition
            help_text = field.help
            if field.options:
                help_text = "、".join(option["label"] for option in field.options)
            columns.append(ImportColumn(COLUMN_PREFIX + field.key, field.label, required=field.required,
                                        help=help_text, aliases=(field.key,), multiline=True))
        return columns

    # -- once per run -----------------------------------------------------------------------------------
    def prepare(self):
        self.schema = services.schema()
        self.address_required = company_settings.get("customer.address_required")
        self.allow_unlocated = company_settings.get("customer.allow_geocode_failure_on_import")
        self.statuses = status_by_text()
        self.located = {}  # address text -> coordinates or None, so a repeated address is located once
        self.teams = TeamNames()
        self._load_people()
        self.references = forms_engine.References()

    def _load_people(self):
        self.people = {}
        for user in User.objects.for_tenant().filter(is_active=True).only("pk", "name", "phone", "account"):
            for text in {user.name, user.phone, user.account} - {None, ""}:
                self.people.setdefault(text, set()).add(user.pk)

    # -- one row ----------------------------------------------------------------------------------------
    def parse_row(self, values):
        errors = {}
        text = {column.key: self.text(values.get(column.key)) for column in SYSTEM_COLUMNS}
        name = text["name"]
        if not name:
            errors["name"] = [_("This field is required.")]
        elif len(name) > 100:
            errors["name"] = [_("Ensure this value has at most %(limit)d characters.") % {"limit": 100}]
        kwargs = {"name": name, "number": text["number"][:30], "status": self._status(text["status"], errors),
                  "service_team_id": self._team(text["service_team"], errors),
                  "owner_ids": self._owners(text["owners"], errors),
                  "tags": services.clean_tags(text["tags"], errors)}
        kwargs["contacts"] = self._contacts(text, name, errors)
        kwargs["addresses"] = self._addresses(values, text, errors)
        kwargs["fields"] = self._custom_values(values, errors)
        if errors:
            raise ValidationFailed(details=errors)
        return kwargs

    def _status(self, value, errors):
        if not value:
            return Customer.Status.ACTIVE
        status = self.statuses.get(value.lower())
        if status is None:
            errors["status"] = [_("Unknown status: %(value)s") % {"value": value}]
        return status

    def _team(self, value, errors):
        if not value:
            return None
        found = self.teams.find(value)
        if not found:
            errors["service_team"] = [_("Unknown team: %(name)s") % {"name": value}]
        elif len(found) > 1:
            errors["service_team"] = [_("Several teams are called %(name)s; write it as parent/%(name)s.")
                                      % {"name": value}]
        else:
            return found[0].pk
        return None

    def _owners(self, value, errors):
        ids = []
        for name in split_names(value):
            found = self.people.get(name, set())
            if len(found) == 1:
                ids.append(next(iter(found)))
                continue
            message = _("Unknown colleague: %(name)s") if not found else \
                _("Several colleagues are called %(name)s; use their mobile number.")
            errors.setdefault("owners", []).append(message % {"name": name})
        return ids

    def _contacts(self, text, name, errors):
        if not (text["contact_name"] or text["contact_phone"]):
            return []
        contact = {"name": text["contact_name"] or name, "phone": text["contact_phone"]}
        values, row_errors = services.clean_contact(contact)
        errors.update({"contact_name" if key == "name" else f"contact_{key}": messages
                       for key, messages in row_errors.items()})
        return [values]

    def _addresses(self, values, text, errors):
        raw = {part: text[part] for part in ("province", "city", "district", "detail")}
        if raw["detail"] and not (raw["province"] or raw["city"] or raw["district"]):
            # only a whole address: its region is read from its start (识别地址, core.regions.split)
            found = regions.split(raw["detail"])
            if found["province_code"]:
                raw.update({part: found[f"{part}_code"] for part in ("province", "city", "district")},
                           detail=found["detail"])
        raw.update(latitude=values.get("latitude"), longitude=values.get("longitude"))
        if not services.has_address(raw) and raw["latitude"] in (None, ""):
            if self.address_required:
                errors["detail"] = [_("Enter the customer's address.")]
            return []
        address, row_errors = services.clean_address(raw)
        errors.update(row_errors)
        if row_errors:
            return []
        if not self._locate(address) and not self.allow_unlocated:
            errors["detail"] = [_("The address could not be located; check it or give its coordinates.")]
        return [address]

    def _locate(self, address):
        if address["latitude"] is not None:
            return True
        text = "|".join(address[part] for part in ("province", "city", "district", "detail"))
        if text not in self.located:
            probe = dict(address)
            self.located[text] = (probe["latitude"], probe["longitude"]) if services.locate(probe) else None
        found = self.located[text]
        if found is None:
            return False
        address["latitude"], address["longitude"] = found
        return True

    def _custom_values(self, values, errors):
        row = {key.removeprefix(COLUMN_PREFIX): value for key, value in values.items()
               if key.startswith(COLUMN_PREFIX)}
        try:
            return forms_engine.parse_excel_row(self.schema, row, refs=self.references)
        except ValidationFailed as exc:
            errors.update({COLUMN_PREFIX + key: messages for key, messages in exc.details.items()})
            return {}

    # -- the whole file ---------------------------------------------------------------------------------
    def check_batch(self, rows):
        errors = {}
        flag_repeats(rows, "number", _("The customer number %(value)s also appears in row %(row)s."), errors)
        _flag_taken(rows, "number", _("The customer number %(value)s is already used."), errors)
        if not company_settings.get("customer.allow_duplicate_names"):
            flag_repeats(rows, "name", _("The customer name %(value)s also appears in row %(row)s."), errors)
            _flag_taken(rows, "name", _("A customer named “%(value)s” already exists."), errors)
        return errors

    def create(self, actor, kwargs):
        # The file was checked row by row with customer.import; creating is what that permission grants.
        try:
            return services.create_customer(actor=actor, check_perm=False, geocode=False, **kwargs)
        except ValidationFailed as exc:
            exc.details = {_column_for(key): messages for key, messages in exc.details.items()}
            raise

    def create_many(self, actor, rows):
        """All rows in a few statements per thousand (batch_services); addresses were located while checking."""
        try:
            batch_services.create_customers(actor=actor, rows=[kwargs for _row, kwargs in rows], check_perm=False)
        except batch_services.RowsRefused as refused:
            return {rows[index][0]: ValidationFailed(details={_column_for(key): messages
                                                              for key, messages in errors.items()})
                    for index, errors in refused.details.items()}
        return {}


def _flag_taken(rows, key, message, errors, chunk=500):
    by_value = {}
    for row, kwargs in rows:
        if kwargs[key]:
            by_value.setdefault(kwargs[key], []).append(row)
    values = list(by_value)
    for start in range(0, len(values), chunk):
        lookup = {f"{key}__in": values[start:start + chunk]}
        for taken in Customer.objects.filter(**lookup).values_list(key, flat=True).distinct():
            for row in by_value.get(taken, []):
                errors.setdefault(row, []).append(message % {"value": taken})


# --- export of the list's current view as a background job ---------------------------------------------

EXPORT_KEY = "customers.customers"
EXPORT_JOB_THRESHOLD = 5000
PROGRESS_EVERY = 1000


def start_export(*, actor, query):
    """Queue an export of the list view described by `query` (its query string). Returns the job."""
    from shouhou.core.jobs import DataJob

    require(actor, "customer.export")
    job = DataJob.objects.create(kind=DataJob.Kind.EXPORT, key=EXPORT_KEY, created_by=actor,
                                 language=translation.get_language() or settings.LANGUAGE_CODE,
                                 result={"query": query})
    export_task(job.tenant_id, job.pk)
    return job


@tenant_task()
def export_task(tenant, job_id):
    from shouhou.core.jobs import DataJob

    job = DataJob.objects.select_related("created_by").get(pk=job_id)
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            run_export(job)
        except Exception as exc:
            DataJob.objects.filter(pk=job.pk).update(status=DataJob.Status.FAILED, finished_at=timezone.now(),
                                                     errors=[{"row": None, "messages": [str(exc)[:300]],
                                                              "cells": []}])
            raise


def run_export(job):
    """Write the view's rows (as its owner sees them now) to the job's file, logging the export."""
    from shouhou.core.audit import SystemLog, log
    from shouhou.core.jobs import DataJob

    from .views import CustomerList

    actor = job.created_by
    if actor is None or not actor.is_active or not has_perm(actor, "customer.export"):
        job.status, job.finished_at = DataJob.Status.FAILED, timezone.now()
        job.errors = [{"row": None, "messages": [_("You do not have permission to do this.")], "cells": []}]
        job.save(update_fields=["status", "finished_at", "errors", "updated_at"])
        return
    query = (job.result or {}).get("query", "")
    listing = CustomerList(SimpleNamespace(user=actor, GET=QueryDict(query), htmx=None))
    total = listing.filtered_queryset(listing.state()).count()
    DataJob.objects.filter(pk=job.pk).update(status=DataJob.Status.RUNNING, total=total, processed=0)
    headers, rows = listing.export_rows()
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        count = write_xlsx(handle, headers, _counted(rows, job.pk), str(listing.title))
        handle.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
        job.file.save(f"{listing.key}-{stamp}.xlsx", File(handle), save=False)
    job.filename = f"{listing.key}-{stamp}.xlsx"
    job.status, job.processed, job.total, job.finished_at = DataJob.Status.DONE, count, count, timezone.now()
    job.result = {**(job.result or {}), "rows": count}
    job.save(update_fields=["file", "filename", "status", "processed", "total", "finished_at", "result",
                            "updated_at"])
    log(SystemLog.Kind.IMPORT_EXPORT, user=actor, tenant=job.tenant,
        action=_("Exported %(title)s (%(n)s rows)") % {"title": listing.title, "n": count},
        detail={"list": listing.key, "rows": count, "query": query, "job": job.pk})


def _counted(rows, job_id):
    from shouhou.core.jobs import DataJob

    for done, row in enumerate(rows, start=1):
        if done % PROGRESS_EVERY == 0:
            DataJob.objects.filter(pk=job_id).update(processed=done)
        yield row


def export_jobs(actor):
    from shouhou.core.jobs import DataJob

    return DataJob.objects.filter(kind=DataJob.Kind.EXPORT, key=EXPORT_KEY, created_by=actor)
