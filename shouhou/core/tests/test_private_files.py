"""Private files (issue 8): uploads are served only by /files/<key> to whoever may see the object that
references them; addresses are unguessable; a refused request stores nothing; orphans are swept; the proxy
(X-Accel-Redirect / X-Sendfile) or object storage (signed URLs) can do the sending."""

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import timezone

from shouhou.core import files
from shouhou.core.errors import ValidationFailed
from shouhou.core.models import Activity, StoredFile, Tenant
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_user
from shouhou.customers import services as customer_services

PDF = b"%PDF-1.4 quote"
ADDRESS = {"province": "上海市", "city": "上海市", "district": "浦东新区", "detail": "张江路 100 号",
           "latitude": "31.230416", "longitude": "121.473701"}


def _customer(owner, name):
    return customer_services.create_customer(actor=owner, name=name, addresses=[dict(ADDRESS)],
                                             contacts=[{"name": "张先生", "phone": "13900000001"}])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PRIVATE_FILES_ACCEL = "off"
    return tmp_path


def _note_with_file(tenant, owner, name="报价单.pdf", content=PDF):
    with tenant_context(tenant):
        customer = _customer(owner, "文件测试客户")
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        entry = customer_services.add_note(actor=owner, customer=customer, content="附报价单", files=[upload])
    return customer, entry.attachments[0]


def test_the_owner_gets_the_file_with_its_type_and_name(company):
    tenant, owner = company
    _customer, ref = _note_with_file(tenant, owner)
    response = client_for(owner).get(ref["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "inline" in response["Content-Disposition"] and "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"].startswith("private")


def test_anonymous_and_another_company_get_404(company, other_company):
    tenant, owner = company
    _customer, ref = _note_with_file(tenant, owner)
    assert Client().get(ref["url"]).status_code == 404
    assert client_for(other_company[1]).get(ref["url"]).status_code == 404


def test_a_colleague_who_cannot_see_the_customer_gets_404(company):
    tenant, owner = company
    _customer, ref = _note_with_file(tenant, owner)
    engineer = make_user(tenant, roles=("engineer",))  # own-scope: not this customer
    assert client_for(engineer).get(ref["url"]).status_code == 404


def test_addresses_and_stored_names_are_unguessable(company):
    tenant, owner = company
    _customer, ref = _note_with_file(tenant, owner, name="合同.pdf")
    assert re.fullmatch(r"/files/[A-Za-z0-9_-]{32}", ref["url"])
    path = files.path_of(ref["url"])
    assert re.fullmatch(rf"private/t{tenant.pk}/\d{{6}}/[0-9a-f]{{32}}\.pdf", path), path
    assert "合同" not in path


def test_nothing_is_served_from_the_old_public_folder(company, other_company, media):
    """Files stored at /media/ addresses before keep working for their company only; job files never."""
    tenant, owner = company
    legacy = f"workorders/{tenant.pk}/0123abcd.pdf"
    default_storage.save(legacy, ContentFile(PDF))
    default_storage.save(f"jobs/{tenant.pk}/202601/export-customers-customers-20260101.xlsx", ContentFile(b"xlsx"))
    assert client_for(owner).get(f"/media/{legacy}").status_code == 200
    assert client_for(other_company[1]).get(f"/media/{legacy}").status_code == 404
    assert Client().get(f"/media/{legacy}").status_code == 404
    job_file = f"/media/jobs/{tenant.pk}/202601/export-customers-customers-20260101.xlsx"
    assert client_for(owner).get(job_file).status_code == 404


def test_only_files_flagged_public_are_served_to_anyone(company):
    tenant, owner = company
    with tenant_context(tenant):
        ref = files.store_file(ContentFile(b"GIF89a"), name="logo.gif", size=6, content_type="image/gif",
                               public=True)
        private = files.store_file(ContentFile(b"GIF89a"), name="p.gif", size=6, content_type="image/gif")
    StoredFile.all_tenants.update(committed=True)
    response = Client().get(ref["url"])
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    assert Client().get(private["url"]).status_code == 404


def _request_storing(tenant, *, then):
    """Run a request through PendingFilesMiddleware whose view stores a PDF and then does `then`."""
    def view(request):
        with tenant_context(tenant):
            ref = files.store_file(ContentFile(PDF), name="a.pdf", size=len(PDF), content_type="application/pdf")
            then(ref)
        return HttpResponse("ok")
    return files.PendingFilesMiddleware(view)(RequestFactory().post("/"))


def test_a_request_that_saves_no_reference_leaves_no_file_and_no_quota(company, media):
    tenant, _owner = company
    _request_storing(tenant, then=lambda ref: None)  # e.g. the service refused after the upload was stored
    assert not list(media.rglob("*.pdf")) and not StoredFile.all_tenants.exists()
    assert Tenant.objects.get(pk=tenant.pk).storage_used_bytes == 0


def test_a_rolled_back_request_leaves_no_file(company, media):
    tenant, _owner = company

    def refuse(ref):
        raise ValidationFailed(details={"x": ["no"]})

    with pytest.raises(ValidationFailed), transaction.atomic():
        _request_storing(tenant, then=refuse)
    assert not list(media.rglob("*.pdf"))
    assert Tenant.objects.get(pk=tenant.pk).storage_used_bytes == 0


def test_a_saved_reference_commits_the_file(company, owner, media):
    tenant, _owner = company

    def save(ref):
        Activity.objects.create(tenant=tenant, content_type=ContentType.objects.get_for_model(Tenant),
                                object_id=str(tenant.pk), verb="note", attachments=[ref])

    _request_storing(tenant, then=save)
    row = StoredFile.all_tenants.get()
    assert row.committed and row.owner_label == "core.activity"
    assert len(list(media.rglob("*.pdf"))) == 1


def test_orphans_older_than_the_limit_are_swept(company, media):
    tenant, owner = company
    with tenant_context(tenant):
        orphan = files.store_file(ContentFile(PDF), name="o.pdf", size=len(PDF), content_type="application/pdf")
        _customer, kept = _note_with_file(tenant, owner)
    StoredFile.all_tenants.update(created_at=timezone.now() - timedelta(hours=7))
    assert files.sweep_orphans(hours=6) == 1
    assert files.path_of(orphan["url"]) is None and files.path_of(kept["url"])
    assert [p.name for p in media.rglob("*.pdf")] == [files.path_of(kept["url"]).rsplit("/", 1)[1]]
    assert Tenant.objects.get(pk=tenant.pk).storage_used_bytes == len(PDF)


def test_x_accel_redirect_hands_the_sending_to_nginx(company, settings):
    tenant, owner = company
    _customer, ref = _note_with_file(tenant, owner)
    settings.PRIVATE_FILES_ACCEL = "nginx"
    response = client_for(owner).get(ref["url"])
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + files.path_of(ref["url"])
    assert response["Content-Type"] == "application/pdf" and "filename" in response["Content-Disposition"]
    settings.PRIVATE_FILES_ACCEL = "apache"
    response = client_for(owner).get(ref["url"])
    assert response["X-Sendfile"].endswith(files.path_of(ref["url"]))
    assert Client().get(ref["url"]).status_code == 404  # the proxy only sends what the view allowed


class SignedUrlStorage(FileSystemStorage):
    """Object storage as django-storages' S3 backend behaves with AWS_QUERYSTRING_AUTH: no local path,
    a short-lived signed URL per call."""

    def path(self, name):
        raise NotImplementedError

    def url(self, name, parameters=None, expire=None, http_method=None):
        disposition = (parameters or {}).get("ResponseContentDisposition", "")
        return f"https://bucket.example.com/{name}?X-Amz-Expires=300&X-Amz-Signature=abc&rcd={len(disposition)}"


def test_object_storage_answers_with_a_short_lived_signed_url(company, monkeypatch, media):
    tenant, owner = company
    _customer, ref = _note_with_file(tenant, owner)
    monkeypatch.setattr(files, "default_storage", SignedUrlStorage(location=media))
    response = client_for(owner).get(ref["url"])
    assert response.status_code == 302
    assert response.url.startswith("https://bucket.example.com/private/") and "X-Amz-Signature" in response.url
    assert Client().get(ref["url"]).status_code == 404
