"""Give stored addresses their region codes by matching their names (the data migration 0007 and
`manage.py match_regions`). Platform work over every company: it takes the model classes, so the
migration passes its historical ones.

Each distinct (province, city, district) is matched once (core.regions.match); every address and
customer copy with those names gets the canonical names and the codes of the parts that matched.
A part that does not match keeps its text and no code: the address is listed as 地区待修正
(models.region_unmatched_q) until someone picks its region.
"""

from django.db.models import Q

from shouhou.core import regions

PARTS = ("province", "city", "district")


def _pending(model):
    condition = Q()
    for part in PARTS:
        condition |= ~Q(**{part: ""}) & Q(**{f"{part}_code": ""})
    return model._base_manager.filter(condition)


def match_stored(address_model, customer_model):
    """(matched, unmatched) counts of distinct region texts; updates the rows of the matched parts."""
    matched = unmatched = 0
    for model in (address_model, customer_model):
        triples = set(_pending(model).values_list(*PARTS))
        for province, city, district in triples:
            found = regions.match(province, city, district)
            values = {key: value for key, value in found.values().items()
                      if key.removesuffix("_code") not in found.errors and value}
            # a part left empty but filled in by matching (上海市's city) is kept; a failed one keeps its text
            if found.errors:
                unmatched += 1
            else:
                matched += 1
            if values:
                _pending(model).filter(province=province, city=city, district=district).update(**values)
    return matched, unmatched
