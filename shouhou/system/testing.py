from shouhou.core.testing.isolation import populator, public_route, route_params


@populator
def system_data(tenant, owner, marker):
    from shouhou.accounts.services import save_work_status
    from shouhou.core.audit import SystemLog, log

    save_work_status(actor=owner, name=f"{marker}状态")
    log(SystemLog.Kind.LOGIN, user=owner, action=f"{marker}登录")


route_params("system:work_status_edit", pk="accounts.WorkStatus")
route_params("system:work_status_delete", pk="accounts.WorkStatus")
public_route("system:signup")
