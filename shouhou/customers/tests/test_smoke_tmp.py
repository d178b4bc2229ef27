import pytest
from shouhou.core.testing import make_company, make_user, client_for, api_client_for
from shouhou.core.tenancy import tenant_context

@pytest.mark.django_db
def test_smoke(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tenant, owner = make_company()
    from shouhou.customers import services, queries
    with tenant_context(tenant):
        c = services.create_customer(actor=owner, name="星辰科技", contacts=[{"name": "张三", "phone": "13800138000"}],
                                     addresses=[{"province": "上海市", "city": "上海市", "detail": "张江路1号"}], tags="VIP、华东")
        print(c.number, c.contact_name, c.latitude, c.tags)
        services.update_customer(actor=owner, customer=c, name="星辰科技2", tags=["A"])
    cl = client_for(owner)
    for url in ["/customers/", f"/customers/{c.pk}/", "/customers/new/", f"/customers/{c.pk}/edit/", "/customers/settings/", "/customers/import/", "/"]:
        r = cl.get(url)
        print(url, r.status_code)
        assert r.status_code == 200, r.content.decode()[:3000]
    api = api_client_for(owner)
    r = api.get("/api/v1/customers")
    print(r.status_code, r.json())
    r = api.get(f"/api/v1/customers/{c.pk}")
    print(r.status_code, r.json())
