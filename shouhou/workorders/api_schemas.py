"""The request and answer schemas of the work-order API (workorders/api.py): what is parsed and what is
rendered, with the limits the OpenAPI schema states."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import BaseModel, Field

from shouhou.core.api_types import (
    ApiDatetime,
    ByteSize,
    Flag,
    Id,
    Latitude,
    Longitude,
    Money,
    MultilineNonBlank,
    NonBlank,
    Quantity,
    Version,
    comma_list_pattern,
)
from shouhou.core.api_utils import PageQuery
from shouhou.core.text_guard import MultilineStr

from . import fees, flow, order_facts, policy
from .models import Priority
from .models import Status as OrderStatus
from .queries import orders as order_queries

COLOR_PATTERN = r"^#[0-9a-fA-F]{6}$"
PriorityName = Literal[tuple(Priority.values)]


# --- schemas ------------------------------------------------------------------------------------------

class RefOut(Schema):
    id: int
    name: str


class FileRefIn(Schema):
    name: str = Field(max_length=200)
    url: str = Field(max_length=500)
    size: ByteSize
    content_type: str = Field("", max_length=100)


class StepOut(Schema):
    node: str
    status: str
    label: str


class TypeOut(Schema):
    id: int
    name: str
    color: str
    is_enabled: bool
    sort_order: int
    team_ids: list[Id]
    component_ids: list[Id]
    flow: dict[str, Any]
    timeout_reminder: dict[str, Any]
    receipt_options: dict[str, Any]
    steps: list[StepOut]
    available_nodes: list[str] = Field(description=(
        "Steps this installation lets a flow switch on or off. auto_visit, settle and visit are listed (and can be "
        "enabled) only once the module that performs them is installed; until then they read as off."))

    @staticmethod
    def resolve_available_nodes(obj):
        return [node for node in flow.NODES if node not in flow.LOCKED_NODES and flow.is_available(node)]

    @staticmethod
    def resolve_team_ids(obj):
        return [team.pk for team in obj.teams.all()]

    @staticmethod
    def resolve_component_ids(obj):
        return [component.pk for component in obj.components.all()]

    @staticmethod
    def resolve_flow(obj):
        return flow.normalize(obj.flow)

    @staticmethod
    def resolve_steps(obj):
        return [{"node": node, "status": status, "label": str(flow.NODE_LABELS[node])}
                for node, status in flow.enabled_steps(flow.normalize(obj.flow))]


class TypeIn(Schema):
    name: NonBlank = Field(max_length=50)
    color: str = Field("#1677ff", pattern=COLOR_PATTERN)
    is_enabled: Flag = True
    team_ids: list[Id] = []
    component_ids: list[Id] = []
    flow: dict[str, Any] | None = Field(None, description=(
        "Per node: enabled, timeout_hours, approval. Enabling a node not in the type's available_nodes is a 400."))
    timeout_reminder: dict[str, Any] | None = Field(
        None, description='WOSET-F2: {"related": [...], "user_ids": [...], "when": "before"|"after", "minutes": n}')
    receipt_options: dict[str, Any] | None = Field(None, description=(
        "{require_signature, require_attachments, parts, service_items}: booleans. parts / service_items "
        "(WOSET-R1, default true) say whether the receipt has the 备件 (with old_parts) and 服务项目 sections; "
        "a completion or draft sending lines of a switched-off section is a 400."))


class TypePatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    color: str | None = Field(None, pattern=COLOR_PATTERN)
    is_enabled: Flag | None = None
    team_ids: list[Id] | None = None
    component_ids: list[Id] | None = None
    flow: dict[str, Any] | None = Field(None, description=(
        "Replaces the whole flow. Enabling a node not in the type's available_nodes is a 400."))
    timeout_reminder: dict[str, Any] | None = None
    receipt_options: dict[str, Any] | None = Field(None, description=(
        "{require_signature, require_attachments, parts, service_items}: booleans. parts / service_items "
        "(WOSET-R1, default true) say whether the receipt has the 备件 (with old_parts) and 服务项目 sections; "
        "a completion or draft sending lines of a switched-off section is a 400."))


class WorkOrderOut(Schema):
    id: int
    number: str
    order_type: RefOut
    customer: RefOut
    contact_id: int | None
    contact_name: str
    contact_phone: str
    address_id: int | None
    address_text: str
    latitude: Decimal | None
    longitude: Decimal | None
    product: RefOut | None
    priority: str
    service_type: RefOut | None
    service_content: RefOut | None
    planned_at: datetime | None
    description: str
    attachments: list[dict[str, Any]]
    fields: dict[str, Any]
    status: str
    status_label: str
    assignee: RefOut | None
    created_by_id: int | None
    dispatcher_id: int | None
    is_paused: bool
    is_overdue: bool
    is_rejected: bool
    awaiting_approval: bool
    location_anomaly: bool
    is_exception: bool
    deadline_node: str
    deadline_at: datetime | None
    assigned_at: datetime | None
    accepted_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    closed_at: datetime | None
    cancelled_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_status_label(obj):
        return str(OrderStatus(obj.status).label)


class ReceiptOut(Schema):
    content: str
    attachments: list[dict[str, Any]]
    signature: dict[str, Any]
    fields: dict[str, Any]
    is_draft: bool
    submitted_at: datetime | None


class FeeLineOut(Schema):
    kind: Literal["part", "service"]
    id: int
    number: str
    name: str
    unit: str
    quantity: Decimal
    serials: list[str]
    sale_price: Decimal
    unit_price: Decimal
    discount: Decimal
    line_total: Decimal
    warranty: Literal["in", "out"]
    rule: str
    override_reason: str


class FeesOut(Schema):
    lines: list[FeeLineOut]
    total_amount: Decimal


class WorkOrderDetailOut(WorkOrderOut):
    collaborators: list[RefOut]
    actions: list[str] = Field(description=(
        "The flow actions you can take now (the order's state and your part): e.g. `claim` only when the pool is "
        "on, you handle work orders, the order is in your part of the pool (WOSET-P5) and you are under today's "
        "claim cap (WOSET-P7)"))
    receipt: ReceiptOut | None
    fees: FeesOut = Field(description="合计费用: the receipt's parts and service items, priced (保内/保外 by the "
                                      "pricing rules); total_amount is set when the order is completed")
    survey_url: str | None = Field(None, description="The customer's satisfaction survey link, /s/<token> (自动回访; "
                                   "null while the order has none)")

    @staticmethod
    def resolve_survey_url(obj):
        return order_facts.fact("survey_url", obj)

    @staticmethod
    def resolve_fees(obj):
        provider = fees.fees_provider()
        return provider.fees(obj) if hasattr(provider, "fees") else {"lines": [], "total_amount": obj.total_amount}

    @staticmethod
    def resolve_collaborators(obj):
        return list(obj.collaborators.all())

    @staticmethod
    def resolve_actions(obj, context):
        return policy.allowed_actions(context["request"].auth, obj)

    @staticmethod
    def resolve_receipt(obj):
        return getattr(obj, "receipt", None)  # None when no receipt was saved yet


class WorkOrderFilters(PageQuery):
    tab: Literal[tuple(order_queries.TAB_BY_KEY)] | None = None
    scope: Literal[tuple(order_queries.SCOPES)] | None = None
    type_id: Id | None = None
    q: str | None = Field(None, max_length=100, description="Part of the number or the customer's name")
    assignee_id: Id | None = None
    customer_id: Id | None = None
    product_id: Id | None = None
    status: str | None = Field(None, pattern=comma_list_pattern(OrderStatus.values),
                               description="One status, or several separated by commas")
    priority: PriorityName | None = None


class TabCountsOut(Schema):
    counts: dict[str, int]


class WorkOrderIn(Schema):
    order_type_id: Id
    customer_id: Id
    contact_id: Id | None = None
    address_id: Id | None = None
    product_id: Id | None = None
    priority: PriorityName = "normal"
    service_type_id: Id | None = None
    service_content_id: Id | None = None
    planned_at: ApiDatetime | None = None
    description: MultilineStr = Field("", max_length=5000)
    attachments: list[FileRefIn] = []
    fields: dict[str, Any] = {}
    collaborator_ids: list[Id] = []
    assignee_id: Id | None = Field(None, description="Assign at once (保存并派单)")
    dispatch: Flag = False
    to_pool: Flag = Field(False, description="Publish to the work-order pool at once (保存并派单 → 工单池)")


class WorkOrderPatchIn(Schema):
    expected_version: Version | None = None
    customer_id: Id | None = None
    contact_id: Id | None = None
    contact_name: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)
    address_id: Id | None = None
    address_text: str | None = Field(None, max_length=300)
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    product_id: Id | None = None
    priority: PriorityName | None = None
    service_type_id: Id | None = None
    service_content_id: Id | None = None
    planned_at: ApiDatetime | None = None
    description: MultilineStr | None = Field(None, max_length=5000)
    attachments: list[FileRefIn] | None = None
    fields: dict[str, Any] | None = Field(None, description="Custom fields to change; null removes a value")
    collaborator_ids: list[Id] | None = None


class VersionIn(Schema):
    expected_version: Version | None = Field(None, description="409 if the order changed since you read it")


class AssignIn(VersionIn):
    assignee_id: Id
    note: MultilineStr = Field("", max_length=500)


class ReasonIn(VersionIn):
    reason: MultilineNonBlank = Field(max_length=500)


class CloseIn(VersionIn):
    note: MultilineStr = Field("", max_length=500)


class PositionIn(VersionIn):
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class PartLineIn(Schema):
    part_id: Id
    quantity: Quantity
    serials: list[NonBlank] | None = Field(None, max_length=200, description="One per unit of a serial-tracked part")
    unit_price: Money | None = Field(None, description="Only when the company allows changing unit prices (WOSET-R2)")
    discount: Money | None = Field(None, le=100, description="% off; only when the company allows it (WOSET-R2)")
    reason: str = Field("", max_length=200, description="Required with a changed unit price or discount")


class ServiceLineIn(Schema):
    service_item_id: Id
    quantity: Quantity
    unit_price: Money | None = None
    discount: Money | None = Field(None, le=100)
    reason: str = Field("", max_length=200)


class OldPartIn(Schema):
    part_id: Id
    quantity: Quantity
    serials: list[NonBlank] | None = Field(None, max_length=200)


class CompleteIn(PositionIn):
    content: MultilineStr = Field(max_length=5000)
    attachments: list[FileRefIn] = []
    signature: FileRefIn | str | None = Field(None, description="A stored file reference or a PNG/JPEG data URL")
    fields: dict[str, Any] | None = None
    parts: list[PartLineIn] | None = Field(
        None, max_length=100, description="备件 used, from the assignee's personal stock (or the company's receipt "
        "warehouse); omitted keeps the draft's lines. A line beyond what is held refuses the completion "
        "(400, `parts.<i>.quantity` names the quantity available)")
    service_items: list[ServiceLineIn] | None = Field(None, max_length=100, description="服务项目 used")
    old_parts: list[OldPartIn] | None = Field(
        None, max_length=100, description="旧件返还: replaced faulty parts, into the defective-parts warehouse")


class ActivityOut(Schema):
    id: int
    verb: str
    summary: str
    actor: RefOut | None
    changes: list[dict[str, Any]]
    note: str
    attachments: list[dict[str, Any]]
    created_at: datetime


class NoteOut(Schema):
    id: int
    author: RefOut | None
    content: str
    attachments: list[dict[str, Any]]
    sms_phone: str
    created_at: datetime


class NoteIn(Schema):
    content: MultilineNonBlank = Field(max_length=2000)
    attachments: list[FileRefIn] = []
    sms_to_contact: Flag = False


class OrderRefOut(Schema):
    id: int
    number: str


class ApprovalOut(Schema):
    id: int
    order: OrderRefOut
    node: str
    action: str
    action_label: str
    payload: dict[str, Any]
    state: str
    requested_by: RefOut | None
    approvers: list[RefOut]
    decided_by: RefOut | None
    decided_at: datetime | None
    decision_note: str
    created_at: datetime

    @staticmethod
    def resolve_action_label(obj):
        return str(flow.ACTION_LABELS.get(obj.action, obj.action))

    @staticmethod
    def resolve_approvers(obj):
        return list(obj.approvers.all())


class ApprovalFilters(PageQuery):
    state: Literal["pending", "approved", "refused", "withdrawn", "all"] = "pending"
    requested: bool = Field(False, description="true: the requests you made instead of those you decide")


class DecisionIn(Schema):
    note: MultilineStr = Field("", max_length=500)


class CandidateOut(Schema):
    id: int
    name: str
    teams: list[str]
    work_status: str | None
    done_today: int
    open_count: int


# A plain pydantic model, not a ninja Schema: the answer is built as dicts, and a Schema wraps each of the up to
# 500 rows in a DjangoGetter before validating it (~15 ms a request, bench/candidates.py).
class RankedCandidateOut(BaseModel):
    user_id: int
    name: str
    score: float = Field(description="0…100, higher is better; the list is sorted by it")
    distance_km: float | None = Field(description="From the order's address; null when unknown or hidden (WOSET-D4)")
    distance_kind: Literal["road", "straight", ""]
    open_orders_today: int
    open_orders_week: int
    clashes: int = Field(description="His open orders planned within 2 hours of this order's planned time")
    work_status: str | None
    reasons: list[str] = Field(description="Why, in words: distance, load, skills, clash")


class TimeOut(Schema):
    per_status: dict[str, float]
    paused_seconds: float
    total_seconds: float
    working_seconds: float
