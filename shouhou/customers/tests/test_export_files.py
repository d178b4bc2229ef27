"""A large export's file (issue 8) has an unguessable name and is served only by its job's download view,
to the user who ran it — never from a public /media/ path."""

import re

from django.urls import reverse

from shouhou.core.jobs import DataJob
from shouhou.core.testing import client_for, make_company
from shouhou.customers import importers

from .conftest import make_customer


def test_an_export_file_is_only_served_to_whoever_ran_it(tenant, owner, monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(importers, "EXPORT_JOB_THRESHOLD", 1)
    make_customer(owner, name="导出甲")
    make_customer(owner, name="导出乙")
    admin = client_for(owner)
    admin.get(reverse("customers:list") + "?export=xlsx")
    job = DataJob.objects.get(kind=DataJob.Kind.EXPORT)
    assert re.fullmatch(rf"jobs/{tenant.pk}/\d{{6}}/[0-9a-f]{{32}}\.xlsx", job.file.name), job.file.name
    assert (tmp_path / job.file.name).exists()
    assert admin.get(f"/media/{job.file.name}").status_code == 404  # not even its owner, outside the view
    assert client_for(make_company()[1]).get(f"/media/{job.file.name}").status_code == 404
    download = admin.get(reverse("customers:export_download", args=[job.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
