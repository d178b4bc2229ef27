"""Fixtures of the core tests: a media root in a temporary directory, an offline company."""

import pytest

from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


@pytest.fixture
def offline_company():
    """An unsaved company in context: enough for kinds that never touch the database."""
    with tenant_context(Tenant(pk=1, name="离线", slug="offline", time_zone="Asia/Shanghai")) as company:
        yield company
