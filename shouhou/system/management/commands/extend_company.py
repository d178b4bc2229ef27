"""`manage.py extend_company <slug> --until 2027-06-30`: an operator extends a company's subscription."""

import datetime as dt
import zoneinfo

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shouhou.core.errors import DomainError
from shouhou.core.models import Tenant
from shouhou.system import services


def end_of_day(day, tenant):
    """The company may write through `day` in its own time zone: it expires at the next midnight there."""
    zone = zoneinfo.ZoneInfo(tenant.time_zone or "Asia/Shanghai")
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


class Command(BaseCommand):
    help = ("Extend a company's trial or subscription: it may change its data again through the given day "
            "(in the company's time zone); --until never removes the expiry.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The company code (Tenant.slug).")
        parser.add_argument("--until", required=True, help="YYYY-MM-DD, the last day it may write; or 'never'.")

    def handle(self, *args, slug, until, **options):
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise CommandError(_("No company has the code %(slug)s.") % {"slug": slug})
        try:
            expires_at = None if until.strip().lower() == "never" else end_of_day(dt.date.fromisoformat(until),
                                                                                 tenant)
        except ValueError:
            raise CommandError(_("--until takes a date as YYYY-MM-DD, or “never”."))
        try:
            tenant = services.extend_company(slug=slug, until=expires_at)
        except DomainError as exc:
            messages = [str(m) for values in exc.details.values() for m in values] or [str(exc.message)]
            raise CommandError(" ".join(messages))
        if tenant.expires_at is None:
            self.stdout.write(_("%(name)s (%(slug)s) no longer expires.") % {"name": tenant.name, "slug": tenant.slug})
        else:
            self.stdout.write(_("%(name)s (%(slug)s) may change its data until %(time)s.") % {
                "name": tenant.name, "slug": tenant.slug, "time": tenant.expires_at.isoformat()})
