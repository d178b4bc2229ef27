"""A part's picture (PART-01): uploaded on the console's part form, checked from its bytes, stored
privately, owned by the part and served only to users who may see parts; the API names its address."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from shouhou.core.errors import ValidationFailed
from shouhou.core.models import StoredFile
from shouhou.core.testing import api_client_for, client_for
from shouhou.parts import services
from shouhou.parts.models import Part

pytestmark = pytest.mark.django_db


def png(name="part.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 12), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_the_console_form_uploads_replaces_and_removes_the_picture(owner, f):
    client = client_for(owner)
    answer = client.post(reverse("parts:part_create"), {"number": "BJ-IMG", "name": "主控板", "image": png()})
    assert answer.status_code in (302, 200) and answer.status_code != 400
    part = Part.objects.get(number="BJ-IMG")
    stored = StoredFile.objects.get(pk=part.image_id)
    assert (stored.owner_label, stored.owner_id, stored.committed) == ("parts.part", str(part.pk), True)
    url = reverse("files:file", args=[stored.key])
    page = client.get(reverse("parts:part_detail", args=[part.pk])).content.decode()
    assert f'src="{url}"' in page
    assert client.get(url).status_code == 200
    body = api_client_for(owner).get(f"/api/v1/parts/{part.pk}").json()
    assert body["image_url"] == url
    client.post(reverse("parts:part_edit", args=[part.pk]), {"number": "BJ-IMG", "name": "主控板", "image": png("b.png")})
    part.refresh_from_db()
    assert part.image_id != stored.pk
    client.post(reverse("parts:part_edit", args=[part.pk]), {"number": "BJ-IMG", "name": "主控板", "remove_image": "on"})
    part.refresh_from_db()
    assert part.image_id is None


def test_not_an_image_is_refused_with_the_other_errors_and_nothing_stored(owner, f):
    fake = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
    with pytest.raises(ValidationFailed) as caught:
        services.create_part(actor=owner, number="", name="坏图", image=fake)
    assert {"image", "number"} <= set(caught.value.details)
    assert not Part.objects.exists() and not StoredFile.objects.exists()
    answer = client_for(owner).post(reverse("parts:part_create"), {"number": "BJ-X", "name": "x", "image": fake})
    assert answer.status_code == 400 and not Part.objects.exists()


def test_the_picture_is_served_only_to_who_may_see_parts(owner, f):
    from shouhou.core.permissions import has_perm

    part = services.create_part(actor=owner, number="BJ-P", name="滤芯", image=png())
    url = reverse("files:file", args=[part.image.key])
    people = [f.accounts.user(name=name, roles=roles) for name, roles in (("无角色", ()), ("工程师", ("engineer",)),
                                                                       ("库管", ("warehouse",)))]
    seen = {has_perm(person, "part.view") for person in people}
    assert seen == {True, False}  # both cases are walked
    for person in people:
        status = client_for(person).get(url).status_code
        assert status == 200 if has_perm(person, "part.view") else status in (403, 404), (person.name, status)


def used_bytes(tenant):
    from shouhou.core.models import Tenant

    return Tenant.objects.get(pk=tenant.pk).storage_used_bytes


def test_replacing_removing_or_deleting_releases_the_file_and_its_quota(tenant, owner, f, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        part = services.create_part(actor=owner, number="BJ-R", name="滤网", image=png())
    first, size = part.image, part.image.size
    assert used_bytes(tenant) == size
    with django_capture_on_commit_callbacks(execute=True):
        services.update_part(actor=owner, part=part, image=png("second.png"))
    part.refresh_from_db()
    assert not StoredFile.objects.filter(pk=first.pk).exists() and part.image_id is not None
    assert used_bytes(tenant) == part.image.size
    assert client_for(owner).get(reverse("files:file", args=[first.key])).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        services.update_part(actor=owner, part=part, remove_image=True)
    part.refresh_from_db()
    assert part.image_id is None and not StoredFile.objects.exists() and used_bytes(tenant) == 0
    with django_capture_on_commit_callbacks(execute=True):
        services.update_part(actor=owner, part=part, image=png("third.png"))
        services.delete_part(actor=owner, part=part)
    assert not Part.objects.exists() and not StoredFile.objects.exists() and used_bytes(tenant) == 0


def test_the_api_sets_replaces_and_removes_the_picture_as_base64(tenant, owner, f):
    import base64
    import json

    api = api_client_for(owner)

    def send(method, address, data):
        return getattr(api, method)(f"/api/v1{address}", data=json.dumps(data), content_type="application/json")

    content = base64.b64encode(png().read()).decode()
    created = send("post", "/parts", {"number": "BJ-API", "name": "风扇", "image": {"name": "fan.png",
                                                                                "content_base64": content}})
    assert created.status_code == 201 and created.json()["image_url"].startswith("/files/")
    part = Part.objects.get(number="BJ-API")
    first = part.image_id
    assert StoredFile.objects.get(pk=first).owner_id == str(part.pk)
    fake = base64.b64encode(b"<svg onload=alert(1)>").decode()
    refused = send("patch", f"/parts/{part.pk}", {"name": "改名", "image": {"name": "x.png", "content_base64": fake}})
    assert refused.status_code == 400 and "image" in refused.json()["details"]
    not_base64 = send("patch", f"/parts/{part.pk}", {"image": {"name": "x.png", "content_base64": "%%%"}})
    assert not_base64.status_code == 400 and "image" in not_base64.json()["details"]
    part.refresh_from_db()
    assert part.name == "风扇" and part.image_id == first
    replaced = send("patch", f"/parts/{part.pk}", {"image": {"name": "b.png", "content_base64": content}})
    assert replaced.status_code == 200 and replaced.json()["image_url"] != created.json()["image_url"]
    assert not StoredFile.objects.filter(pk=first).exists()
    removed = send("patch", f"/parts/{part.pk}", {"remove_image": True})
    assert removed.status_code == 200 and removed.json()["image_url"] is None and not StoredFile.objects.exists()
    too_long = send("post", "/parts", {"number": "BJ-BIG", "name": "大", "image": {
        "name": "big.png", "content_base64": "A" * (services.images.MAX_BASE64 + 4)}})
    assert too_long.status_code in (400, 422) and not Part.objects.filter(number="BJ-BIG").exists()
