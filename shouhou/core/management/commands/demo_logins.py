"""Print one demo login per system role, read from the demo company that `seed_demo` creates.

`make run` prints this once the site is up, so the list always matches the data actually loaded.
"""

from django.core.management.base import BaseCommand

from shouhou.accounts.models import Role, User
from shouhou.accounts.roles import SYSTEM_ROLE_KEYS
from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context

DEMO_COMPANY = "demo"
DEMO_PASSWORD = "shouhou-demo"  # every demo user's password (seed_demo)


class Command(BaseCommand):
    help = "List one demo login per role of the demo company."

    def add_arguments(self, parser):
        parser.add_argument("--company", default=DEMO_COMPANY, help="company code (slug) to list")

    def handle(self, *args, company, **options):
        tenant = Tenant.objects.filter(slug=company).first()
        if tenant is None:
            self.stdout.write(f"No company '{company}' yet: run `manage.py seed_demo`.")
            return
        rows = self.login_per_role(tenant)
        width = max((len(role) for role, _login in rows), default=0)
        self.stdout.write(f"Demo logins for {tenant.name} (password: {DEMO_PASSWORD}):")
        for role, login in rows:
            self.stdout.write(f"  {role.ljust(width)}  {login}")

    @staticmethod
    def login_per_role(tenant):
        """(role name, phone or e-mail) for each system role that has an enabled user, in role order."""
        with tenant_context(tenant):
            roles = {role.system_key: role for role in Role.objects.exclude(system_key="")}
            rows = []
            for key in SYSTEM_ROLE_KEYS:
                role = roles.get(key)
                user = (
                    User.objects.for_tenant().filter(roles=role, is_active=True)
                    .order_by("-is_tenant_owner", "phone", "pk").first()
                    if role else None
                )
                if user is not None:
                    rows.append((role.name, user.phone or user.email))
        return rows
