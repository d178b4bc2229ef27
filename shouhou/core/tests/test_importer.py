"""The generic Excel importer (core/importer.py): header matching, every bad row reported with its row
number, preview, all-or-nothing commit, re-check at commit, progress, logging and the job queue."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from huey.contrib.djhuey import HUEY

from shouhou.accounts import services as account_services
from shouhou.accounts.models import WorkStatus
from shouhou.core import importer as importer_module
from shouhou.core.audit import SystemLog
from shouhou.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from shouhou.core.excel import write_xlsx
from shouhou.core.importer import ImportColumn, Importer, commit_import, register, start_import
from shouhou.core.jobs import DataJob
from shouhou.core.testing import make_user


@pytest.fixture(autouse=True)
def _chinese_default(settings):
    """These tests check what a Chinese user sees: the product's default language."""
    settings.LANGUAGE_CODE = "zh-hans"


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@register
class WorkStatusImporter(Importer):
    """A small importer over a real tenant model and service, as an app would write one."""

    key = "tests.work_statuses"
    title = "Work statuses"
    permission = "system.settings"
    columns = [
        ImportColumn("name", "Name", required=True, example="外出中", aliases=("状态名称",)),
        ImportColumn("color", "Colour", example="#52c41a", aliases=("颜色",)),
    ]

    def prepare(self):
        self.prepared = True

    def parse_row(self, values):
        if not self.prepared:
            raise AssertionError("prepare() runs before the rows")
        errors = {}
        name, color = self.text(values.get("name")), self.text(values.get("color"))
        if not name:
            errors["name"] = ["This field is required."]
        if name == "explode":
            raise RuntimeError("a bug, not a user error")
        if color and not COLOUR.match(color):
            errors["color"] = ["Use #RRGGBB."]
        if errors:
            raise ValidationFailed(details=errors)
        return {"name": name, "color": color or "#52c41a"}

    def check_batch(self, rows):
        errors, seen = {}, {}
        existing = set(WorkStatus.objects.filter(name__in=[kw["name"] for _row, kw in rows])
                       .values_list("name", flat=True))
        for row, kwargs in rows:
            if kwargs["name"] in seen:
                errors.setdefault(row, []).append(f"Same name as row {seen[kwargs['name']]}.")
            seen.setdefault(kwargs["name"], row)
            if kwargs["name"] in existing:
                errors.setdefault(row, []).append("Already exists.")
        return errors

    def create(self, actor, kwargs):
        if kwargs["name"].startswith("boom"):
            raise DomainError("The service refused this row.")
        return account_services.save_work_status(actor=actor, **kwargs)


@pytest.fixture(autouse=True)
def _media_and_english(settings, tmp_path):
    """Uploads go to a temporary folder; jobs are started in English, so messages read as below."""
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


def upload(headers, rows, name="statuses.xlsx"):
    buffer = io.BytesIO()
    write_xlsx(buffer, headers, rows)
    return SimpleUploadedFile(name, buffer.getvalue())


def start(owner, headers, rows):
    job = start_import(actor=owner, importer_class=WorkStatusImporter, upload=upload(headers, rows))
    job.refresh_from_db()
    return job


def statuses():
    return set(WorkStatus.objects.values_list("name", flat=True))


# --- checking ----------------------------------------------------------------------------------------

def test_a_good_file_is_ready_with_a_preview(tenant, owner):
    job = start(owner, ["Name*", "Colour"], [["外出中", "#112233"], ["培训中", None]])
    assert job.status == DataJob.Status.READY
    assert (job.total, job.processed, job.percent) == (2, 2, 100)
    assert job.preview == {"headers": ["Name", "Colour"],
                           "rows": [{"row": 2, "bad": False, "cells": ["外出中", "#112233"]},
                                    {"row": 3, "bad": False, "cells": ["培训中", ""]}]}
    assert job.errors == [] and job.filename == "statuses.xlsx" and job.created_by == owner


def test_headers_match_aliases_translations_and_any_order(tenant, owner):
    english = start(owner, ["colour", " NAME * "], [["#abcdef", "甲"]])
    chinese = start(owner, ["颜色", "状态名称*", "备注"], [["#abcdef", "乙", "ignored"]])
    assert english.status == chinese.status == DataJob.Status.READY
    assert chinese.preview["rows"][0]["cells"] == ["乙", "#abcdef"]


def test_every_bad_row_is_reported_with_its_row_number(tenant, owner):
    before = statuses()
    existing = next(iter(before))
    job = start(owner, ["Name", "Colour"], [
        ["好", "#000000"],      # 2
        ["", "#000000"],        # 3: no name
        [None, None],           # 4: blank, skipped
        ["坏色", "red"],         # 5: bad colour
        ["好", "#111111"],      # 6: same name as row 2
        [existing, ""],         # 7: exists already
        ["", "blue"],           # 8: two problems
    ])
    assert job.status == DataJob.Status.INVALID
    assert [(e["row"], e["messages"]) for e in job.errors] == [
        (3, ["Name: This field is required."]),
        (5, ["Colour: Use #RRGGBB."]),
        (6, ["Same name as row 2."]),
        (7, ["Already exists."]),
        (8, ["Name: This field is required.", "Colour: Use #RRGGBB."]),
    ]
    assert job.errors[1]["cells"] == ["坏色", "red"]
    assert [r["row"] for r in job.preview["rows"] if r["bad"]] == [3, 5, 6, 7, 8]
    assert statuses() == before


@pytest.mark.parametrize("headers, rows, message", [
    (["Colour"], [["#000000"]], "The file lacks the required columns: Name. Download the template."),
    (["Name", "Colour"], [], "The file has no data rows. Fill in the template from its second row."),
])
def test_file_level_problems(tenant, owner, headers, rows, message):
    job = start(owner, headers, rows)
    assert job.status == DataJob.Status.INVALID
    assert job.errors == [{"row": None, "messages": [message], "cells": []}]


def test_a_file_that_is_not_excel(tenant, owner):
    job = start_import(actor=owner, importer_class=WorkStatusImporter,
                       upload=SimpleUploadedFile("fake.xlsx", b"not a zip file"))
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    assert job.errors[0]["messages"] == ["The file is not a valid Excel (.xlsx) file."]


def test_too_many_rows(tenant, owner, monkeypatch):
    monkeypatch.setattr(WorkStatusImporter, "max_rows", 3)
    job = start(owner, ["Name"], [[f"s{i}"] for i in range(5)])
    assert job.status == DataJob.Status.INVALID
    assert job.errors[0]["messages"] == ["The file has too many rows (at most 3)."]


def test_progress_is_saved_while_checking(tenant, owner, monkeypatch):
    seen = []
    real_save = importer_module._save

    def spy(job, **fields):
        if "processed" in fields:
            seen.append(fields["processed"])
        real_save(job, **fields)

    monkeypatch.setattr(importer_module, "PROGRESS_EVERY", 2)
    monkeypatch.setattr(importer_module, "_save", spy)
    job = start(owner, ["Name"], [[f"状态{i}"] for i in range(5)])
    assert seen == [0, 2, 4, 5] and job.processed == job.total == 5


def test_start_refuses_wrong_files_and_the_unpermitted(tenant, owner):
    with pytest.raises(ValidationFailed) as info:
        start_import(actor=owner, importer_class=WorkStatusImporter, upload=SimpleUploadedFile("a.xls", b"x"))
    assert "file" in info.value.details
    with pytest.raises(ValidationFailed):
        start_import(actor=owner, importer_class=WorkStatusImporter, upload=None)
    engineer = make_user(tenant, roles=("engineer",))
    with pytest.raises(PermissionDenied):
        start_import(actor=engineer, importer_class=WorkStatusImporter, upload=upload(["Name"], [["x"]]))
    assert not DataJob.objects.exists()


# --- committing ----------------------------------------------------------------------------------

def test_commit_creates_every_row_and_logs(tenant, owner):
    before = statuses()
    job = start(owner, ["Name", "Colour"], [["外出中", "#112233"], ["培训中", ""]])
    commit_import(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE and job.result == {"committed_by": owner.pk, "created": 2}
    assert statuses() == before | {"外出中", "培训中"}
    entry = SystemLog.objects.get(kind=SystemLog.Kind.IMPORT_EXPORT)
    assert entry.user == owner and entry.detail["rows"] == 2 and entry.detail["job"] == job.pk
    with pytest.raises(Conflict):
        commit_import(actor=owner, job=job)  # a job commits once
    assert statuses() == before | {"外出中", "培训中"}


def test_commit_is_all_or_nothing(tenant, owner):
    before = statuses()
    job = start(owner, ["Name"], [["第一"], ["boom-1"], ["第三"], ["boom-2"]])
    assert job.status == DataJob.Status.READY
    commit_import(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID
    assert [(e["row"], e["messages"]) for e in job.errors] == [(3, ["The service refused this row."]),
                                                               (5, ["The service refused this row."])]
    assert statuses() == before, "the rows created before the failure are rolled back too"
    assert SystemLog.objects.get(kind=SystemLog.Kind.IMPORT_EXPORT).detail["bad_rows"] == 2


def test_commit_checks_again(tenant, owner):
    job = start(owner, ["Name"], [["会被抢"], ["不冲突"]])
    account_services.save_work_status(actor=owner, name="会被抢")
    commit_import(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.INVALID and job.errors[0]["row"] == 2
    assert "不冲突" not in statuses()


def test_commit_needs_the_permission_then_and_there(tenant, owner):
    job = start(owner, ["Name"], [["甲"]])
    engineer = make_user(tenant, roles=("engineer",))
    with pytest.raises(PermissionDenied):
        commit_import(actor=engineer, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY


def test_an_unexpected_error_fails_the_job_without_importing(tenant, owner):
    before = statuses()
    job = start(owner, ["Name"], [["甲"], ["explode"]])
    assert job.status == DataJob.Status.FAILED
    assert job.errors == [{"row": None, "messages": ["The import failed unexpectedly; nothing was imported."],
                           "cells": []}]
    assert statuses() == before


def test_messages_follow_the_language_of_the_upload(tenant, owner):
    with translation.override("zh-hans"):
        job = start(owner, ["Colour"], [["#000000"]])
        expected = translation.gettext("The file lacks the required columns: %(names)s. Download the template.")
    assert job.language == "zh-hans"
    assert job.errors[0]["messages"] == [expected % {"names": "Name"}]


# --- through the real queue ----------------------------------------------------------------------

@pytest.fixture
def queued():
    """HUEY with its configured storage under a queue name of this test's own (see core/tests/test_jobs.py)."""
    was_immediate, configured = HUEY.immediate, HUEY.storage
    HUEY.immediate = False
    HUEY.storage = type(configured)(f"{HUEY.name}-test-{uuid.uuid4().hex[:12]}", **HUEY.storage_kwargs)
    try:
        yield HUEY
    finally:
        HUEY.storage.flush_all()
        HUEY.storage, HUEY.immediate = configured, was_immediate


@pytest.mark.jobs
@pytest.mark.django_db(transaction=True)  # a Huey db_task closes the connection after it runs
def test_checking_and_committing_run_as_background_jobs(tenant, owner, queued):
    job = start(owner, ["Name"], [["后台一"], ["后台二"]])
    assert job.status == DataJob.Status.PENDING and queued.pending_count() == 1
    queued.execute(queued.dequeue())
    job.refresh_from_db()
    assert job.status == DataJob.Status.READY

    commit_import(actor=owner, job=job)
    job.refresh_from_db()
    assert job.status == DataJob.Status.RUNNING and "后台一" not in statuses()
    queued.execute(queued.dequeue())
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE and {"后台一", "后台二"} <= statuses()

    importer_module.commit_import_task(job.tenant_id, job.pk)  # delivered a second time
    queued.execute(queued.dequeue())
    job.refresh_from_db()
    assert job.status == DataJob.Status.DONE and job.errors == [], "a repeated task changes nothing"
