"""core.numbering: the next value, and a block reserved in one update (bulk creation) that never overlaps
single values before or after it."""

import pytest

from shouhou.core import numbering
from shouhou.core.tenancy import tenant_context

pytestmark = pytest.mark.django_db


def test_a_reserved_block_follows_and_precedes_single_values(tenant):
    with tenant_context(tenant):
        assert numbering.reserve("bulk-test", 3) == 1  # a new counter: 1, 2, 3
        assert numbering.next_value("bulk-test") == 4
        assert numbering.reserve("bulk-test", 5) == 5  # 5 … 9
        assert numbering.next_value("bulk-test") == 10
        assert numbering.next_number("bulk-test", "B", width=3) == "B011"
        with pytest.raises(ValueError):
            numbering.reserve("bulk-test", 0)


def test_counters_are_per_company(tenant, other_company):
    other_tenant, _owner = other_company
    with tenant_context(tenant):
        assert numbering.reserve("bulk-test", 2) == 1
    with tenant_context(other_tenant):
        assert numbering.reserve("bulk-test", 2) == 1
