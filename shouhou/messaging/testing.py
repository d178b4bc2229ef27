from shouhou.core.testing.isolation import populator, route_params


@populator
def messaging_data(tenant, owner, marker):
    from shouhou.messaging.services import notify, send_sms

    notify(users=[owner], title=f"{marker}通知")
    send_sms(phone="13912345678", content=f"{marker}短信", actor=owner)


route_params("messaging:open", pk="messaging.Notification")
