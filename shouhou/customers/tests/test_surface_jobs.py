"""Surface tests of data-import jobs (core.DataJob) by declaration (core/testing/views.py): the job page of
the customer import stands for every importer's (they share core/importer.py's views).

Covers: DataJob — console detail (the import job page): another company's job is 404, the denied user refused.
"""

import pytest

from shouhou.core.jobs import DataJob
from shouhou.core.testing import views
from shouhou.customers.importers import CustomerImporter


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


class TestImportJobPages(views.DetailPage):
    model = DataJob
    refused = ("customer.import",)
    detail_url = "customers:import_job"
    label_attr = "filename"

    def make(self, f):
        return f.core.import_job(CustomerImporter, headers=["客户名称"], rows=[["导入客户"]],
                                 filename=f"{self.unique('表面导入')}.xlsx")
