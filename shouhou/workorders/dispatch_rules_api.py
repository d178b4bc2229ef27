"""REST API of the auto-assignment rules (自动派单, issue 10), mounted by workorders/api.py:

- `/api/v1/dispatch-rules` (GET list, POST create), `/api/v1/dispatch-rules/{id}` (GET, PATCH, DELETE);
- `POST /api/v1/dispatch-rules/reorder` `{ids: [...]}` (every rule once; priorities become 10, 20, …);
- `POST /api/v1/dispatch-rules/{id}/test?order_id=` — what the rule would do with the order (nothing written);
- `POST /api/v1/work-orders/{id}/auto-assign` — 200 with the assignee, or 409 `not_assigned` with the reasons
  of every rule tried (the order stays 待指派; its timeline and the dispatcher are told the same).

A rule's body: {name, priority (lower runs first), enabled, conditions: {order_type_ids, priorities,
service_type_ids, team_ids, regions: [{province, city, district}], product_type_ids, tags, fields},
target: {kind, user_id, team_id, radius_km}}; every condition optional."""

from decimal import Decimal
from typing import Annotated, Literal

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core.api_types import Id, NonBlank, Version
from shouhou.core.api_utils import ERRORS, idempotent
from shouhou.core.errors import ValidationFailed

from .models import DispatchRule, Priority
from .queries import dispatch_rules as rule_queries
from .queries import orders as order_queries
from .services import dispatch_rules as rule_services

router = Router()
rules_router = Router(tags=["dispatch rules"])
auto_router = Router(tags=["work orders"])

Ids = Annotated[list[Id], Field(max_length=rule_services.MAX_ITEMS)]
Text30 = Annotated[str, Field(max_length=30)]


class RegionIn(Schema):
    province: Text30 = Field("", description="a name, a variant (上海 / 上海市) or a GB/T 2260 code")
    city: Text30 = ""
    district: Text30 = ""


class RegionOut(Schema):
    province: str
    province_code: str
    city: str
    city_code: str
    district: str
    district_code: str


class ConditionsIn(Schema):
    order_type_ids: Ids = []
    priorities: Annotated[list[Literal[tuple(Priority.values)]], Field(max_length=4)] = []
    service_type_ids: Ids = []
    team_ids: Ids = Field([], description="the customer's service team")
    regions: Annotated[list[RegionIn], Field(max_length=rule_services.MAX_ITEMS)] = Field(
        [], description="the order's address (else the customer's) lies in one of these; a part left empty "
        "covers all of it; names or codes, stored canonical with codes; an unknown name is a 400")
    product_type_ids: Ids = []
    tags: Annotated[list[Annotated[NonBlank, Field(max_length=rule_services.TAG_LIMIT)]],
                    Field(max_length=rule_services.MAX_ITEMS)] = Field([], description="the customer has one of them")
    fields: Annotated[dict[Annotated[str, Field(pattern=rule_services.FIELD_KEY.pattern)],
                           Annotated[str, Field(max_length=rule_services.FIELD_VALUE_LIMIT)]],
                      Field(max_length=rule_services.MAX_ITEMS)] = Field(
        {}, description="custom fields of the order: key → value (a list field matches when it holds the value); "
        "each key a searchable field of the rule's types (any type when none), each value one its filter accepts "
        "(an option's value or label, a number …), else 400")


class ConditionsOut(Schema):
    order_type_ids: list[int] = []
    priorities: list[str] = []
    service_type_ids: list[int] = []
    team_ids: list[int] = []
    regions: list[RegionOut] = []
    product_type_ids: list[int] = []
    tags: list[str] = []
    fields: dict[str, str] = {}


TargetKind = Literal[tuple(DispatchRule.Target.values)]


class TargetIn(Schema):
    kind: TargetKind
    user_id: Id | None = Field(None, description='kind "user": that person, when he is eligible')
    team_id: Id | None = Field(None, description='kinds "team_round_robin" and "team_least_loaded"')
    radius_km: Annotated[Decimal, Field(gt=0, le=rule_services.MAX_RADIUS_KM, decimal_places=2)] | None = Field(
        None, description='kind "best_candidate": only people within this distance (km); empty: anywhere')


class TargetOut(Schema):
    kind: str
    user_id: int | None
    team_id: int | None
    radius_km: float | None


Priority_ = Annotated[int, Field(ge=0, le=rule_services.MAX_PRIORITY)]


class RuleIn(Schema):
    name: NonBlank = Field(max_length=rule_services.NAME_LIMIT)
    priority: Priority_ | None = Field(None, description="lower runs first; empty: after every other rule")
    enabled: bool = True
    conditions: ConditionsIn = ConditionsIn()
    target: TargetIn


class RulePatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=rule_services.NAME_LIMIT)
    priority: Priority_ | None = None
    enabled: bool | None = None
    conditions: ConditionsIn | None = Field(None, description="replaces every condition")
    target: TargetIn | None = None


class RuleOut(Schema):
    id: int
    name: str
    priority: int
    enabled: bool
    conditions: ConditionsOut
    target: TargetOut

    @staticmethod
    def resolve_enabled(obj):
        return obj.is_enabled

    @staticmethod
    def resolve_target(obj):
        return {"kind": obj.target_kind, "user_id": obj.target_user_id, "team_id": obj.target_team_id,
                "radius_km": float(obj.radius_km) if obj.radius_km is not None else None}


class ReorderIn(Schema):
    ids: Annotated[list[Id], Field(max_length=rule_services.MAX_RULES)] = Field(
        description="every rule's id exactly once, in the new order")


class OutcomeOut(Schema):
    rule_id: int
    rule_name: str
    matched: bool = Field(description="the order meets the rule's conditions")
    user_id: int | None = Field(description="whom the rule picks (none: it fails)")
    user_name: str | None
    reasons: list[str]


class TestOut(Schema):
    would_assign: bool
    outcome: OutcomeOut


class AssigneeOut(Schema):
    id: int
    name: str


class AutoAssignOut(Schema):
    order_id: int
    number: str
    status: str
    assignee: AssigneeOut | None = Field(description="none while an approval of the assignment is pending")
    awaiting_approval: bool
    rule: OutcomeOut
    tried: list[OutcomeOut]


class AutoAssignIn(Schema):
    expected_version: Version | None = Field(None, description="409 if the order changed since you read it")


def _body(data):
    out = dict(data)
    target = out.get("target")
    if target is not None and target.get("radius_km") is not None:
        target["radius_km"] = str(target["radius_km"])
    return out


@rules_router.get("", response={200: list[RuleOut], **ERRORS})
def list_rules(request):
    """Every rule of the company in running order (lowest priority first)."""
    rule_queries.require_read(request.auth)
    return list(rule_queries.visible_rules(request.auth))


@rules_router.post("", response={201: RuleOut, **ERRORS})
@idempotent(RuleOut)
def create_rule(request, payload: RuleIn):
    return Status(201, rule_services.create_rule(actor=request.auth, **_body(payload.dict())))


@rules_router.post("/reorder", response={200: list[RuleOut], **ERRORS})
def reorder_rules(request, payload: ReorderIn):
    rule_services.reorder_rules(actor=request.auth, rule_ids=payload.ids)
    return list(rule_queries.visible_rules(request.auth))


@rules_router.get("/{int:rule_id}", response={200: RuleOut, **ERRORS})
def get_rule(request, rule_id: Id):
    return rule_queries.get_rule(request.auth, rule_id)


@rules_router.patch("/{int:rule_id}", response={200: RuleOut, **ERRORS})
def update_rule(request, rule_id: Id, payload: RulePatchIn):
    """Change what you send; `conditions` and `target` replace the stored ones."""
    rule = rule_queries.get_rule(request.auth, rule_id)
    data = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    rule_services.update_rule(actor=request.auth, rule=rule, **_body(data))
    return rule_queries.get_rule(request.auth, rule_id)


@rules_router.delete("/{int:rule_id}", response={204: None, **ERRORS})
def delete_rule(request, rule_id: Id):
    rule_services.delete_rule(actor=request.auth, rule=rule_queries.get_rule(request.auth, rule_id))
    return Status(204, None)


class TestQuery(Schema):
    order_id: Id | None = Field(None, description="the work order to test the rule on (required)")


@rules_router.post("/{int:rule_id}/test", response={200: TestOut, **ERRORS})
def test_rule(request, rule_id: Id, query: Query[TestQuery]):
    """测试规则: whether the rule (enabled or not) matches the order and whom it would pick, with the reasons.
    Nothing is written (the round robin does not move). 404 for a rule or order you cannot see."""
    rule = rule_queries.get_rule(request.auth, rule_id)
    if query.order_id is None:
        raise ValidationFailed(details={"order_id": [_("Choose the work order to test the rule on.")]})
    order = order_queries.get_work_order(request.auth, query.order_id)
    result = rule_services.explain(actor=request.auth, order=order, rule=rule)
    return {"would_assign": result.assigned, "outcome": result.outcomes[0].as_json()}


@auto_router.post("/{int:order_id}/auto-assign", response={200: AutoAssignOut, **ERRORS})
def auto_assign(request, order_id: Id, payload: AutoAssignIn | None = None):
    """自动派单: the first enabled rule that yields an eligible person assigns the order (through the assign
    action: approvals, timeline, notifications). 409 `not_assigned` with `details.rules` (each rule tried
    and why it failed) when none does — the order stays 待指派 and the dispatcher is told; 409 `conflict` when
    the order does not await dispatch or changed."""
    order = order_queries.get_work_order(request.auth, order_id)
    result = rule_services.auto_assign(actor=request.auth, order=order,
                                       expected_version=payload.expected_version if payload else None)
    if not result.assigned:
        return Status(409, {"code": "not_assigned", "message": rule_services.failure_summary(result.outcomes)
                            .split("\n", 1)[0], "details": {"rules": result.reasons}})
    order = result.order
    return {"order_id": order.pk, "number": order.number, "status": order.status,
            "assignee": {"id": order.assignee.pk, "name": order.assignee.name} if order.assignee_id else None,
            "awaiting_approval": order.awaiting_approval, "rule": result.chosen.as_json(), "tried": result.reasons}


router.add_router("/dispatch-rules", rules_router)
router.add_router("/work-orders", auto_router)
