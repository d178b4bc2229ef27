"""Huey tasks that work on one tenant's data take `tenant_id` first and run with it active."""

import functools

from huey.contrib.djhuey import db_task

from .models import Tenant
from .tenancy import tenant_context


def tenant_task(*task_args, **task_kwargs):
    """Like @db_task, but the wrapped function runs inside `tenant_context(tenant)`.

    Call it as `my_task(tenant_id, ...)`; the function receives the Tenant object instead.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(tenant_id, *args, **kwargs):
            tenant = Tenant.objects.get(pk=tenant_id)
            with tenant_context(tenant):
                return func(tenant, *args, **kwargs)

        return db_task(*task_args, **task_kwargs)(run)

    return decorator
