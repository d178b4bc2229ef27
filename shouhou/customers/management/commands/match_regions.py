"""manage.py match_regions: match the region names of stored addresses to their codes (every company)."""

from django.core.management.base import BaseCommand

from shouhou.customers.models import Address, Customer
from shouhou.customers.region_matching import match_stored


class Command(BaseCommand):
    help = "Give stored addresses their GB/T 2260 region codes by matching their names; list what is left."

    def handle(self, *args, **options):
        matched, unmatched = match_stored(Address, Customer)
        self.stdout.write(f"matched {matched} region texts, {unmatched} left to fix (地区待修正)")
