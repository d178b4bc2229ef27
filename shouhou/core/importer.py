"""Excel import, built once (architecture §10): template → upload → check every row → preview → commit all or none.

An app declares what one row is and which service creates it, registers it, and wires the pages:

    @register
    class UserImporter(Importer):
        key = "accounts.users"                      # DataJob.key
        title = _("Accounts")
        permission = "account.import"
        list_url_name = "accounts:users"            # "back to the list"
        columns = [ImportColumn("name", _("Name"), required=True, example="张三"), ...]

        def prepare(self): ...                      # once per run: load lookups (roles by name …)
        def parse_row(self, values): ...            # {column key: cell} -> service kwargs, or raise ValidationFailed
        def check_batch(self, rows): ...            # [(row number, kwargs)] -> {row number: [messages]}
        def create(self, actor, kwargs): ...        # call the app's service
        def create_many(self, actor, rows): ...     # optional: create all rows in bulk (big files)

    urlpatterns += import_urls(UserImporter, "users/import/", "users_import")

The upload is stored on a `core.jobs.DataJob`; a Huey task (immediate in tests) checks all rows and
records every bad row with its reason plus a preview. Confirming runs a second task that checks the
rows again (the data may have changed meanwhile) and creates them all in one transaction, or none.
The job page polls the job's status every second.
"""

import logging
import tempfile
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import Conflict, DomainError, ValidationFailed
from .excel import read_table, write_workbook, xlsx_response
from .jobs import tenant_task
from .permissions import has_perm, require
from .subscription import require_active
from .tenancy import require_tenant
from .validators import control_character_message, find_control_character

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
PROGRESS_EVERY = 100
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class ImportColumn:
    key: str
    header: Any
    required: bool = False
    example: str = ""
    help: Any = ""
    aliases: tuple = ()  # other header spellings accepted in uploaded files
    multiline: bool = False  # the cell may hold tabs and line breaks (descriptions, custom fields)

    def accepted_headers(self):
        names = {self.key.lower(), *(alias.lower() for alias in self.aliases)}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                names.add(str(self.header).strip().lower())
        return names


class Importer:
    do_not_call_in_templates = True  # templates get the class itself (title, columns)
    key = ""
    title: Any = ""
    permission = ""
    list_url_name = ""
    columns: list[ImportColumn] = []
    max_rows = 50_000

    def __init__(self, actor):
        self.actor = actor

    def get_columns(self):
        """The columns of the file; override when they depend on the company (custom fields)."""
        return list(self.columns)

    def prepare(self):
        """Called once before the rows are parsed, inside the run's tenant."""

    def parse_row(self, values):
        raise NotImplementedError

    def check_batch(self, rows):
        return {}

    def create(self, actor, kwargs):
        raise NotImplementedError

    def create_many(self, actor, rows):
        """Create the checked rows [(row number, kwargs)]; returns {row number: DomainError} of the rows that
        failed. Each row gets its own savepoint so every failure is reported; override to create in bulk."""
        failures = {}
        for row, kwargs in rows:
            try:
                with transaction.atomic():
                    self.create(actor, kwargs)
            except DomainError as exc:
                failures[row] = exc
        return failures

    @staticmethod
    def text(value):
        """A cell as stripped text ('' for empty; 13800000000.0 → '13800000000')."""
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


IMPORTERS: dict[str, type[Importer]] = {}


def flag_repeats(rows, key, message, errors, **names):
    """A value a file repeats is an error on every row after its first: `message` % {"value", "row", **names}
    under the row number in `errors` (`rows`: (row number, parsed values) pairs)."""
    first = {}
    for row, kwargs in rows:
        value = kwargs[key]
        if not value:
            continue
        if value in first:
            errors.setdefault(row, []).append(message % {"value": value, "row": first[value], **names})
        else:
            first[value] = row


def register(importer_class):
    IMPORTERS[importer_class.key] = importer_class
    return importer_class


def get_importer(key):
    try:
        return IMPORTERS[key]
    except KeyError:
        raise Http404()


# --- starting and confirming (the service layer of DataJob imports) -------------------------------

def start_import(*, actor, importer_class, upload):
    """Store the upload as a DataJob and queue the check of every row. Returns the job.

    Call it outside a transaction (as a view does): the queued task must find the committed job.
    """
    from shouhou.core.jobs import DataJob

    require(actor, importer_class.permission)
    if upload is None:
        raise ValidationFailed(details={"file": [_("Choose a file to upload.")]})
    if not upload.name.lower().endswith(".xlsx"):
        raise ValidationFailed(details={"file": [_("Upload an Excel file (.xlsx).")]})
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed(details={"file": [_("The file is larger than %(mb)s MB.")
                                                 % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}]})
    job = DataJob(kind=DataJob.Kind.IMPORT, key=importer_class.key, filename=upload.name[-200:],
                  language=translation.get_language() or settings.LANGUAGE_CODE, created_by=actor)
    job.file.save(f"{uuid.uuid4().hex}.xlsx", upload, save=False)
    job.save()
    validate_import_task(job.tenant_id, job.pk)
    return job


def commit_import(*, actor, job):
    """Confirm a checked import; a task then creates every row in one transaction."""
    from shouhou.core.jobs import DataJob

    require(actor, get_importer(job.key).permission)
    with transaction.atomic():
        job = DataJob.objects.select_for_update().get(pk=job.pk)
        if job.status != DataJob.Status.READY:
            raise Conflict(_("This import cannot be started now: it has errors or has already run."))
        job.status, job.processed = DataJob.Status.RUNNING, 0
        job.result = {"committed_by": actor.pk}
        job.save(update_fields=["status", "processed", "result", "updated_at"])
    commit_import_task(job.tenant_id, job.pk)
    return job


@tenant_task()
def validate_import_task(tenant, job_id):
    from shouhou.core.jobs import DataJob

    _run_step(job_id, check_job, DataJob.Status.PENDING)


@tenant_task()
def commit_import_task(tenant, job_id):
    from shouhou.core.jobs import DataJob

    _run_step(job_id, commit_job, DataJob.Status.RUNNING)


def _run_step(job_id, step, expected_status):
    """Run one step of a job; a task delivered twice finds the job moved on and does nothing."""
    from shouhou.core.jobs import DataJob

    job = DataJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != expected_status:
        logger.info("import job %s is %s, not %s: skipped", job_id, job.status, expected_status)
        return
    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            step(job)
        except Exception:
            logger.exception("import job %s failed", job_id)
            _finish(job, DataJob.Status.FAILED,
                    errors=[_general_error(_("The import failed unexpectedly; nothing was imported."))])


# --- the two steps ------------------------------------------------------------------------------

class _Rejected(Exception):
    """Rolls the commit back, carrying the row errors."""

    def __init__(self, errors):
        self.errors = errors


def check_job(job):
    """Check every row; record the bad ones and a preview. READY when all rows are good."""
    from shouhou.core.jobs import DataJob

    importer = get_importer(job.key)(job.created_by)
    _save(job, status=DataJob.Status.VALIDATING, processed=0)
    try:
        columns, rows = _read(job, importer)
    except DomainError as exc:
        _finish(job, DataJob.Status.INVALID, errors=[_general_error(exc.message)])
        return
    _save(job, total=len(rows))
    errors, _good = _check(job, importer, columns, rows, track=True)
    _finish(job, DataJob.Status.INVALID if errors else DataJob.Status.READY,
            errors=errors, preview=_preview(columns, rows, errors))


def commit_job(job):
    """Check again and create all rows in one transaction; any failure leaves nothing behind."""
    from django.contrib.auth import get_user_model

    from shouhou.core.audit import SystemLog, log
    from shouhou.core.jobs import DataJob

    actor = get_user_model().objects.filter(pk=(job.result or {}).get("committed_by")).first() or job.created_by
    importer_class = get_importer(job.key)
    if actor is None or not actor.is_active or not has_perm(actor, importer_class.permission):
        _finish(job, DataJob.Status.FAILED, errors=[_general_error(_("You do not have permission to do this."))])
        return
    importer = importer_class(actor)
    try:
        require_active(require_tenant())  # queued before the company's subscription expired
        columns, rows = _read(job, importer)
        with transaction.atomic():
            errors, good = _check(job, importer, columns, rows, track=False)
            if errors:
                raise _Rejected(errors)
            _create_all(importer, actor, columns, rows, good)
    except DomainError as exc:
        errors = [_general_error(exc.message)]
    except _Rejected as rejected:
        errors = rejected.errors
    except IntegrityError:
        errors = [_general_error(_("The data changed while importing; nothing was imported. Please try again."))]
    else:
        _finish(job, DataJob.Status.DONE, result={**job.result, "created": len(good)}, processed=len(good))
        log(SystemLog.Kind.IMPORT_EXPORT, user=actor, tenant=job.tenant,
            action=_("Imported %(n)s rows of %(title)s from %(file)s")
            % {"n": len(good), "title": importer.title, "file": job.filename},
            detail={"job": job.pk, "key": job.key, "rows": len(good), "file": job.filename})
        return
    _finish(job, DataJob.Status.INVALID, errors=errors)
    log(SystemLog.Kind.IMPORT_EXPORT, user=actor, tenant=job.tenant,
        action=_("Import of %(title)s from %(file)s failed; nothing was imported")
        % {"title": importer.title, "file": job.filename},
        detail={"job": job.pk, "key": job.key, "bad_rows": len(errors), "file": job.filename})


def _create_all(importer, actor, columns, rows, good):
    """Create the rows (Importer.create_many), then roll back if any failed, reporting every failing row."""
    cells = dict(rows)
    failures = importer.create_many(actor, good)
    if failures:
        raise _Rejected([_row_error(row, _messages(exc, columns), cells[row], columns)
                         for row, exc in sorted(failures.items())])


# --- reading and checking -------------------------------------------------------------------------

def _read(job, importer):
    """([columns], [(row number, {column key: value})]) from the job's file."""
    columns = importer.get_columns()
    with job.file.open("rb") as handle:
        headers, data = read_table(handle, importer.max_rows)
        positions = _match_headers(headers, columns)
        rows = [(number, {key: values[i] if i < len(values) else None for key, i in positions.items()})
                for number, values in data]
    if not rows:
        raise ValidationFailed(_("The file has no data rows. Fill in the template from its second row."))
    return columns, rows


def _match_headers(headers, columns):
    """{column key: position in the file}; a missing required column is an error for the whole file."""
    accepted = {alias: column.key for column in columns for alias in column.accepted_headers()}
    positions = {}
    for index, header in enumerate(headers):
        key = accepted.get(header.strip().lower())
        if key and key not in positions:
            positions[key] = index
    missing = [str(c.header) for c in columns if c.required and c.key not in positions]
    if missing:
        raise ValidationFailed(_("The file lacks the required columns: %(names)s. Download the template.")
                               % {"names": "、".join(missing)})
    return positions


def _check(job, importer, columns, rows, *, track):
    """(errors, good rows): parse each row, then the batch rules over the rows that parsed."""
    importer.prepare()
    problems, parsed = {}, []
    for done, (row, values) in enumerate(rows, start=1):
        refused = _control_character_messages(values, columns)
        if refused:
            problems[row] = refused
            continue
        try:
            parsed.append((row, importer.parse_row(values)))
        except DomainError as exc:
            problems[row] = _messages(exc, columns)
        if track and done % PROGRESS_EVERY == 0:
            _save(job, processed=done)
    for row, messages in (importer.check_batch(parsed) or {}).items():
        problems.setdefault(row, []).extend(str(m) for m in messages)
    cells = dict(rows)
    errors = [_row_error(row, problems[row], cells[row], columns) for row in sorted(problems)]
    return errors, [(row, kwargs) for row, kwargs in parsed if row not in problems]


def _control_character_messages(values, columns):
    """Cells with control characters, checked here for every importer before its own parsing."""
    messages = []
    for column in columns:
        char = find_control_character(values.get(column.key), multiline=column.multiline)
        if char is not None:
            messages.append(_("%(column)s: %(message)s")
                            % {"column": column.header, "message": control_character_message(char)})
    return messages


def _messages(exc, columns):
    """A DomainError as messages; field errors are prefixed with their column's header."""
    headers = {c.key: str(c.header) for c in columns}
    messages = []
    for field, field_messages in (getattr(exc, "details", None) or {}).items():
        for message in field_messages if isinstance(field_messages, (list, tuple)) else [field_messages]:
            messages.append(_("%(column)s: %(message)s") % {"column": headers[field], "message": message}
                            if field in headers else str(message))
    return messages or [str(exc.message)]


def _row_error(row, messages, values, columns):
    return {"row": row, "messages": [str(m) for m in messages],
            "cells": [Importer.text(values.get(c.key)) for c in columns]}


def _general_error(message):
    return {"row": None, "messages": [str(message)], "cells": []}


def _preview(columns, rows, errors):
    bad = {e["row"] for e in errors}
    return {"headers": [str(c.header) for c in columns],
            "rows": [{"row": row, "bad": row in bad, "cells": [Importer.text(values.get(c.key)) for c in columns]}
                     for row, values in rows[:PREVIEW_ROWS]]}


def _save(job, **fields):
    for name, value in fields.items():
        setattr(job, name, value)
    type(job).objects.filter(pk=job.pk).update(**fields, updated_at=timezone.now())


def _finish(job, status, *, errors=None, preview=None, result=None, processed=None):
    fields = {"status": status, "finished_at": timezone.now(), "errors": errors or []}
    fields["processed"] = job.total if processed is None else processed
    if preview is not None:
        fields["preview"] = preview
    if result is not None:
        fields["result"] = result
    _save(job, **fields)


# --- pages ----------------------------------------------------------------------------------------

def import_urls(importer_class, prefix, name):
    """The import pages of one importer, for an app's urlpatterns (names: name, name_template, name_job …)."""
    extra = {"importer_key": importer_class.key, "url_name": name}
    return [
        path(prefix, upload_view, extra, name=name),
        path(f"{prefix}template/", template_view, extra, name=f"{name}_template"),
        path(f"{prefix}<int:job_id>/", job_view, extra, name=f"{name}_job"),
        path(f"{prefix}<int:job_id>/status/", status_view, extra, name=f"{name}_status"),
        path(f"{prefix}<int:job_id>/commit/", commit_view, extra, name=f"{name}_commit"),
        path(f"{prefix}<int:job_id>/errors/", errors_view, extra, name=f"{name}_errors"),
    ]


def _base(request, url_name):
    namespace = request.resolver_match.namespace
    return f"{namespace}:{url_name}" if namespace else url_name


def _urls(request, url_name, job=None):
    base = _base(request, url_name)
    urls = {"upload": reverse(base), "template": reverse(f"{base}_template")}
    if job is not None:
        for part in ("job", "status", "commit", "errors"):
            urls[part] = reverse(f"{base}_{part}", args=[job.pk])
    return urls


def _importer_for(request, importer_key):
    importer_class = get_importer(importer_key)
    require(request.user, importer_class.permission)
    return importer_class


def _job(request, importer_key, job_id):
    from shouhou.core.jobs import DataJob

    job = DataJob.objects.filter(kind=DataJob.Kind.IMPORT, key=importer_key, pk=job_id).first()
    if job is None:
        raise Http404()
    return job


def _page_context(request, importer_class, url_name, job=None):
    list_url = reverse(importer_class.list_url_name) if importer_class.list_url_name else ""
    return {"importer": importer_class, "urls": _urls(request, url_name, job), "list_url": list_url, "job": job}


@login_required
def upload_view(request, importer_key, url_name):
    from shouhou.core.jobs import DataJob

    importer_class = _importer_for(request, importer_key)
    errors = {}
    if request.method == "POST":
        try:
            job = start_import(actor=request.user, importer_class=importer_class, upload=request.FILES.get("file"))
        except ValidationFailed as exc:
            errors = exc.details or {"file": [exc.message]}
        else:
            return HttpResponseRedirect(reverse(_base(request, url_name) + "_job", args=[job.pk]))
    recent = DataJob.objects.filter(kind=DataJob.Kind.IMPORT, key=importer_key).select_related("created_by")[:8]
    context = _page_context(request, importer_class, url_name)
    context.update(errors=errors, columns=importer_class(request.user).get_columns(), recent=recent,
                   recent_urls={job.pk: reverse(_base(request, url_name) + "_job", args=[job.pk]) for job in recent})
    return render(request, "core/import.html", context, status=400 if errors else 200)


@login_required
def template_view(request, importer_key, url_name):
    importer_class = _importer_for(request, importer_key)
    columns = importer_class(request.user).get_columns()
    headers = [f"{c.header}*" if c.required else str(c.header) for c in columns]
    notes = [(str(c.header), _("Yes") if c.required else _("No"), str(c.help), c.example) for c in columns]
    handle = tempfile.TemporaryFile(suffix=".xlsx")
    write_workbook(handle, [
        (importer_class.title, headers, []),
        (_("Instructions"), [_("Column"), _("Required"), _("Description"), _("Example")], notes),
    ])
    handle.seek(0)
    filename = _("%(title)s import template.xlsx") % {"title": importer_class.title}
    return FileResponse(handle, as_attachment=True, filename=filename,
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def job_view(request, importer_key, url_name, job_id):
    importer_class = _importer_for(request, importer_key)
    job = _job(request, importer_key, job_id)
    return render(request, "core/import_job.html", _page_context(request, importer_class, url_name, job))


@login_required
def status_view(request, importer_key, url_name, job_id):
    importer_class = _importer_for(request, importer_key)
    job = _job(request, importer_key, job_id)
    return render(request, "core/import_status.html", _page_context(request, importer_class, url_name, job))


@login_required
@require_POST
def commit_view(request, importer_key, url_name, job_id):
    _importer_for(request, importer_key)
    job = commit_import(actor=request.user, job=_job(request, importer_key, job_id))
    return HttpResponseRedirect(reverse(_base(request, url_name) + "_job", args=[job.pk]))


@login_required
def errors_view(request, importer_key, url_name, job_id):
    importer_class = _importer_for(request, importer_key)
    job = _job(request, importer_key, job_id)
    columns = importer_class(request.user).get_columns()
    headers = [_("Row"), _("Reason")] + [str(c.header) for c in columns]
    rows = ([e["row"] or "", "；".join(e["messages"]), *e["cells"]] for e in job.errors)
    return xlsx_response(headers, rows, f"import-errors-{job.pk}.xlsx", _("Errors"))
