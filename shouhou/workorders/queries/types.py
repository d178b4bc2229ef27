"""Reads of the work-order settings: types (all, usable by the actor), service options and add-on
components, with their usage counts for the settings pages."""


from django.db.models import Count, Exists, OuterRef, Q

from shouhou.accounts.models import Team
from shouhou.core import permissions
from shouhou.core.bounds import parse_id
from shouhou.core.errors import NotFound
from shouhou.core.tenancy import require_tenant

from ..models import (
    AddonComponent,
    ServiceOption,
    WorkOrderType,
)


def all_types():
    return WorkOrderType.objects.prefetch_related("teams", "components")


def usable_types(actor):
    """Enabled types the actor may create orders of (types limited to teams need one of them)."""
    types = WorkOrderType.objects.filter(is_enabled=True)
    if permissions.has_perm(actor, "workorder_settings.manage"):
        return types
    mine = set(actor.teams.values_list("pk", flat=True)) | set(actor.led_teams.values_list("pk", flat=True))
    restricted = WorkOrderType.teams.through.objects.filter(workordertype_id=OuterRef("pk"))
    allowed_ids = [
        type_id for type_id, team_ids in _type_team_ids().items() if Team.descendant_ids(team_ids) & mine
    ]
    return types.filter(~Exists(restricted) | Q(pk__in=allowed_ids))


def type_to_create(actor, type_id):
    """The type a new order is made of, for the console and the phone alike: (order_type, None) for the
    type asked for (NotFound when the actor may not use it), or — nothing asked — the only usable type;
    (None, [usable types]) when the actor must choose first."""
    if not type_id:
        types = list(usable_types(actor).order_by("sort_order", "pk"))
        if len(types) != 1:
            return None, types
        type_id = types[0].pk
    types = usable_types(actor)
    try:
        return types.get(pk=parse_id(type_id)), None
    except types.model.DoesNotExist:
        raise NotFound() from None


def _type_team_ids():
    result = {}
    for type_id, team_id in WorkOrderType.teams.through.objects.filter(
            workordertype__tenant=require_tenant()).values_list("workordertype_id", "team_id"):
        result.setdefault(type_id, set()).add(team_id)
    return result


def service_options(kind=None, *, active_only=True):
    options = ServiceOption.objects.all()
    if kind:
        options = options.filter(kind=kind)
    return options.filter(is_active=True) if active_only else options


def components(*, enabled_only=False):
    items = AddonComponent.objects.all()
    return items.filter(is_enabled=True) if enabled_only else items


def types_with_usage():
    """Every type with its teams, components and the number of orders (a used type cannot be deleted)."""
    return list(all_types().annotate(order_count=Count("orders", distinct=True)))


def components_with_usage():
    """The component library with 使用统计 (entries filled in) and the types it is applied to."""
    return list(AddonComponent.objects.annotate(entry_count=Count("entries", distinct=True))
                .prefetch_related("types").order_by("pk"))


def service_option_lists():
    """{kind: [options in order]} with disabled ones, for the settings page."""
    lists = {kind: [] for kind in ServiceOption.Kind.values}
    for option in service_options(active_only=False).order_by("kind", "sort_order", "pk"):
        lists[option.kind].append(option)
    return lists


def get_type(pk):
    return permissions.get_visible_or_404(all_types(), pk=pk)


def get_component(pk):
    return permissions.get_visible_or_404(AddonComponent.objects.all(), pk=pk)


def get_service_option(pk):
    return permissions.get_visible_or_404(ServiceOption.objects.all(), pk=pk)


def type_of_order_component(order, component_id):
    """An enabled component of the order's type (a tab on its detail), or NotFound."""
    return permissions.get_visible_or_404(order.order_type.components.filter(is_enabled=True), pk=component_id)
