"""Five auto-assignment rules (自动派单规则) for the demo company (issue 10, "Demo data"), made through
workorders.services.dispatch_rules: urgent orders to the nearest good candidate, VIP customers to a named
senior engineer, Shanghai and Hangzhou orders to their teams (in turn / the least loaded), and a catch-all.

Call it with the demo company active, after its teams, users and work-order types exist. Names already
present are kept, so seeding twice adds nothing."""

from shouhou.accounts.models import Team, User
from shouhou.core.errors import ValidationFailed
from shouhou.workorders.models import DispatchRule
from shouhou.workorders.services import dispatch_rules


def _rules(teams, senior):
    shanghai = teams.get("上海一组") or Team.objects.filter(name="上海一组").first()
    hangzhou = teams.get("杭州组") or Team.objects.filter(name="杭州组").first()
    rules = [
        ("紧急工单就近派", {"priorities": ["urgent"]}, {"kind": "best_candidate", "radius_km": 30}),
    ]
    if senior is not None:
        rules.append(("VIP 客户专人负责", {"tags": ["VIP"]}, {"kind": "user", "user_id": senior.pk}))
    if shanghai is not None:
        rules.append(("上海浦东轮流派单", {"regions": [{"province": "上海市", "city": "上海市", "district": "浦东新区"}]},
                      {"kind": "team_round_robin", "team_id": shanghai.pk}))
    if hangzhou is not None:
        rules.append(("杭州工单派最空闲的人", {"regions": [{"province": "浙江省", "city": "杭州市"}]},
                      {"kind": "team_least_loaded", "team_id": hangzhou.pk}))
    rules.append(("其余工单派推荐第一名", {}, {"kind": "best_candidate"}))
    return rules


def seed(actor, *, teams):
    """Create the demo rules (once); returns the rules created."""
    existing = set(DispatchRule.objects.values_list("name", flat=True))
    senior = (User.objects.for_tenant().filter(is_active=True, roles__system_key="engineer").order_by("pk").first())
    created = []
    for name, conditions, target in _rules(teams, senior):
        if name in existing:
            continue
        try:
            created.append(dispatch_rules.create_rule(actor=actor, name=name, conditions=conditions, target=target))
        except ValidationFailed:  # a region or person the demo company does not have: skip that rule
            continue
    return created
