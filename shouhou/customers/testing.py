"""Isolation-walk declarations for customers (see core/testing/isolation.py)."""

from shouhou.core.testing.isolation import populator, route_params

CUSTOMER, CONTACT, ADDRESS, JOB = "customers.Customer", "customers.Contact", "customers.Address", "core.DataJob"


@populator
def customers_data(tenant, owner, marker):
    from shouhou.core.jobs import DataJob
    from shouhou.customers import contact_services, services

    customer = services.create_customer(
        actor=owner, name=f"{marker}客户", tags=[f"{marker}标签"],
        contacts=[{"name": f"{marker}联系人", "phone": "13911112222"}],
        addresses=[{"province": "上海市", "city": "上海市", "detail": f"{marker}路 1 号",
                    "latitude": "31.230416", "longitude": "121.473701"}])
    contact_services.add_contact(actor=owner, customer=customer, name=f"{marker}第二联系人", phone="021-55556666")
    contact_services.add_address(actor=owner, customer=customer, city="北京市", detail=f"{marker}大街 2 号")
    services.add_note(actor=owner, customer=customer, content=f"{marker}备注")
    DataJob.objects.create(kind=DataJob.Kind.EXPORT, key="customers.customers", created_by=owner,
                           filename=f"{marker}.xlsx", result={"query": ""})


for name in ("detail", "edit", "delete", "note_create", "nearby", "contact_create", "address_create"):
    route_params(f"customers:{name}", pk=CUSTOMER)
for name in ("contact_edit", "contact_delete", "contact_default"):
    route_params(f"customers:{name}", pk=CUSTOMER, contact_id=CONTACT)
for name in ("address_edit", "address_delete", "address_default"):
    route_params(f"customers:{name}", pk=CUSTOMER, address_id=ADDRESS)
for name in ("export_job", "export_download", "import_job", "import_status", "import_commit", "import_errors"):
    route_params(f"customers:{name}", job_id=JOB)
for name in ("get_customer", "update_customer", "delete_customer", "nearby_of_customer", "list_contacts",
             "create_contact", "list_addresses", "create_address"):
    route_params(f"api:customers_{name}", customer_id=CUSTOMER)
for name in ("get_contact", "update_contact", "delete_contact"):
    route_params(f"api:customers_{name}", customer_id=CUSTOMER, contact_id=CONTACT)
for name in ("get_address", "update_address", "delete_address"):
    route_params(f"api:customers_{name}", customer_id=CUSTOMER, address_id=ADDRESS)

