"""REST API of work-order types, work orders, their actions, timelines, notes and approvals (architecture §11).

Thin: parse, call one service or query, render. A transition that is not allowed now (or a stale
`expected_version`) answers 409 {"code": "conflict", ...}; another company's object is a 404.
"""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import forms_engine, permissions
from shouhou.core.api_types import (
    Id,
    Latitude,
    Longitude,
)
from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate
from shouhou.core.errors import PermissionDenied, ValidationFailed
from shouhou.core.text_guard import MultilineStr

from . import dispatch_rules_api, flow
from .api_schemas import (
    ActivityOut,
    ApprovalFilters,
    ApprovalOut,
    AssignIn,
    CandidateOut,
    CloseIn,
    CompleteIn,
    DecisionIn,
    FileRefIn,
    NoteIn,
    NoteOut,
    PositionIn,
    RankedCandidateOut,
    ReasonIn,
    TabCountsOut,
    TimeOut,
    TypeIn,
    TypeOut,
    TypePatchIn,
    VersionIn,
    WorkOrderDetailOut,
    WorkOrderFilters,
    WorkOrderIn,
    WorkOrderOut,
    WorkOrderPatchIn,
)
from .queries import approvals as approval_queries
from .queries import candidates as candidate_queries
from .queries import orders as order_queries
from .queries import pickers
from .queries import pool as pool_queries
from .queries import types as type_queries
from .services import actions as order_actions
from .services import approvals as approval_services
from .services import locations as location_services
from .services import orders as order_services
from .services import pool as pool_services
from .services import types as type_services

router = Router()
CANDIDATES_SHOWN = 100  # the ranked candidates an API answer holds unless `limit` says otherwise (the phone's list)
types_router = Router(tags=["work-order types"])
orders_router = Router(tags=["work orders"])
approvals_router = Router(tags=["approvals"])


# --- work-order types --------------------------------------------------------------------------------

def _require_type_reader(actor):
    if not (permissions.has_perm(actor, "workorder.view")
            or permissions.has_perm(actor, "workorder_settings.manage")):
        raise PermissionDenied()


def _type(actor, type_id):
    _require_type_reader(actor)
    return permissions.get_visible_or_404(type_queries.all_types(), pk=type_id)


class TypeFilters(PageQuery):
    usable: bool = Field(False, description="true: only enabled types you may create orders of")


@types_router.get("", response={200: page_of(TypeOut), **ERRORS})
def list_types(request, filters: Query[TypeFilters]):
    """The company's work-order types in their order."""
    _require_type_reader(request.auth)
    types = type_queries.all_types()
    if filters.usable:
        types = types.filter(pk__in=type_queries.usable_types(request.auth).values("pk"))
    return paginate(types, filters)


@types_router.post("", response={201: TypeOut, **ERRORS})
@idempotent(TypeOut)
def create_type(request, payload: TypeIn):
    order_type = type_services.save_type(actor=request.auth, **payload.dict())
    return Status(201, _type(request.auth, order_type.pk))


@types_router.get("/{int:type_id}", response={200: TypeOut, **ERRORS})
def get_type(request, type_id: Id):
    return _type(request.auth, type_id)


@types_router.patch("/{int:type_id}", response={200: TypeOut, **ERRORS})
def update_type(request, type_id: Id, payload: TypePatchIn):
    """Change the fields you send; `flow` replaces the whole flow (missing nodes take their defaults)."""
    order_type = _type(request.auth, type_id)
    current = {"name": order_type.name, "color": order_type.color, "is_enabled": order_type.is_enabled,
               "team_ids": [t.pk for t in order_type.teams.all()],
               "component_ids": [c.pk for c in order_type.components.all()],
               "flow": flow.normalize(order_type.flow), "timeout_reminder": order_type.timeout_reminder,
               "receipt_options": order_type.receipt_options}
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    type_services.save_type(actor=request.auth, type=order_type, **{**current, **changes})
    return _type(request.auth, type_id)


# --- work orders ----------------------------------------------------------------------------------------

def _require_view(actor):
    permissions.require(actor, "workorder.view")


def _order(actor, order_id):
    _require_view(actor)
    return order_queries.get_work_order(actor, order_id)


def _filtered(request, filters, *, with_tab=True):
    _require_view(request.auth)
    custom = {}
    if filters.type_id is not None:
        order_type = type_queries.all_types().filter(pk=filters.type_id).first()
        if order_type is not None:
            schema = forms_engine.get_schema(order_type.form_target)
            custom = forms_engine.filters_from_params(schema, request.GET)
    elif any(name.startswith("cf_") for name in request.GET):
        raise ValidationFailed(details={"type_id": [_choose_type_message()]})
    statuses = [s.strip() for s in filters.status.split(",") if s.strip()] if filters.status else None
    return order_queries.filter_work_orders(
        request.auth, tab=filters.tab if with_tab else None, scope=filters.scope, type_id=filters.type_id,
        q=filters.q, assignee_id=filters.assignee_id, customer_id=filters.customer_id,
        product_id=filters.product_id, status=statuses, priority=filters.priority, fields=custom or None)


def _choose_type_message():
    from django.utils.translation import gettext

    return gettext("Choose a work-order type to filter by its fields.")


@orders_router.get("", response={200: page_of(WorkOrderOut), **ERRORS})
def list_work_orders(request, filters: Query[WorkOrderFilters]):
    """Work orders in your data scope, newest first. Custom fields filter as `cf_<key>[__op]=value`
    together with `type_id` (ops: exact, icontains, in, all, gte, lte, isnull)."""
    return paginate(_filtered(request, filters), filters)


@orders_router.get("/counts", response={200: TabCountsOut, **ERRORS})
def work_order_counts(request, filters: Query[WorkOrderFilters]):
    """The tab counts (待指派, 已指派 … 已取消) for the same filters, in one query."""
    return {"counts": order_queries.tab_counts(request.auth, _filtered(request, filters, with_tab=False))}


@orders_router.post("", response={201: WorkOrderOut, **ERRORS})
@idempotent(WorkOrderOut)
def create_work_order(request, payload: WorkOrderIn):
    data = payload.dict()
    order = order_services.create_work_order(
        actor=request.auth, order_type=data["order_type_id"], customer=data["customer_id"],
        contact=data["contact_id"], address=data["address_id"], product=data["product_id"],
        priority=data["priority"], service_type=data["service_type_id"],
        service_content=data["service_content_id"], planned_at=data["planned_at"],
        description=data["description"], attachments=data["attachments"], fields=data["fields"],
        collaborator_ids=data["collaborator_ids"], assignee=data["assignee_id"], dispatch=data["dispatch"],
        to_pool=data["to_pool"])
    return Status(201, order)


@orders_router.get("/{int:order_id}", response={200: WorkOrderDetailOut, **ERRORS})
def get_work_order(request, order_id: Id):
    return _order(request.auth, order_id)


PATCH_RENAMES = {"customer_id": "customer", "contact_id": "contact", "address_id": "address",
                 "product_id": "product", "service_type_id": "service_type",
                 "service_content_id": "service_content"}


@orders_router.patch("/{int:order_id}", response={200: WorkOrderDetailOut, **ERRORS})
def update_work_order(request, order_id: Id, payload: WorkOrderPatchIn):
    """Change the editable fields you send (null clears a field); `fields` merges into custom fields."""
    order = _order(request.auth, order_id)
    changes = payload.dict(exclude_unset=True)
    expected = changes.pop("expected_version", None)
    changes = {PATCH_RENAMES.get(key, key): value for key, value in changes.items()}
    order_services.update_work_order(actor=request.auth, order=order, expected_version=expected, **changes)
    return _order(request.auth, order_id)


def _target(actor, order_id):
    """The order an action applies to: the service locks it and answers NotFound outside the actor's
    scope, so only the permission to view work orders is checked here (reading the order first as well
    cost a query and a model per action)."""
    _require_view(actor)
    return order_id


def _after(request, order):
    """The order as the action left it: the service's copy, locked and written in this request, with its
    type, customer, assignee, product and receipt loaded (services.kernel.lock) — reading it again cost a query
    of five joined tables per action. Its service type and content come in one more query (joining them
    too made PostgreSQL plan the locking query three times longer). It is shown even when the actor has
    just lost sight of it (a reject)."""
    order_queries.load_service_options(order)
    return order


@orders_router.post("/{int:order_id}/assign", response={200: WorkOrderDetailOut, **ERRORS})
def assign(request, order_id: Id, payload: AssignIn):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.assign(actor=request.auth, order=order, assignee=payload.assignee_id,
                                           note=payload.note, expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/accept", response={200: WorkOrderDetailOut, **ERRORS})
def accept(request, order_id: Id, payload: VersionIn | None = None):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.accept(actor=request.auth, order=order, expected_version=_version(payload)))


@orders_router.post("/{int:order_id}/reject", response={200: WorkOrderDetailOut, **ERRORS})
def reject(request, order_id: Id, payload: ReasonIn):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.reject(actor=request.auth, order=order, reason=payload.reason,
                                           expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/transfer", response={200: WorkOrderDetailOut, **ERRORS})
def transfer(request, order_id: Id, payload: AssignIn):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.transfer(actor=request.auth, order=order, assignee=payload.assignee_id,
                                             note=payload.note, expected_version=payload.expected_version))


class PublishIn(VersionIn):
    note: MultilineStr = Field("", max_length=500)


@orders_router.post("/{int:order_id}/publish", response={200: WorkOrderDetailOut, **ERRORS})
def publish(request, order_id: Id, payload: PublishIn | None = None):
    """发布到工单池 (WOSET-P1): a 待指派 order (needs the assign permission), or an assigned one handed back
    by its assignee when WOSET-P6 allows. 409 when the order is in another status or changed."""
    order = _target(request.auth, order_id)
    payload = payload or PublishIn()
    return _after(request, pool_services.publish(actor=request.auth, order=order, note=payload.note,
                                                 expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/claim", response={200: WorkOrderDetailOut, **ERRORS})
def claim(request, order_id: Id, payload: VersionIn | None = None):
    """接单: you become the assignee at 已接受. Of concurrent claims exactly one wins; the others get 409
    `conflict` (该工单已被他人接走). 404 for an order outside your part of the pool (WOSET-P5); 400 past
    your daily cap (WOSET-P7)."""
    _require_view(request.auth)
    return _after(request, pool_services.claim(actor=request.auth, order=order_id,
                                               expected_version=_version(payload)))


@orders_router.post("/{int:order_id}/start", response={200: WorkOrderDetailOut, **ERRORS})
def start(request, order_id: Id, payload: PositionIn | None = None):
    order = _target(request.auth, order_id)
    payload = payload or PositionIn()
    return _after(request, order_actions.start(actor=request.auth, order=order, latitude=payload.latitude,
                                          longitude=payload.longitude, expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/pause", response={200: WorkOrderDetailOut, **ERRORS})
def pause(request, order_id: Id, payload: ReasonIn):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.pause(actor=request.auth, order=order, reason=payload.reason,
                                          expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/resume", response={200: WorkOrderDetailOut, **ERRORS})
def resume(request, order_id: Id, payload: VersionIn | None = None):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.resume(actor=request.auth, order=order, expected_version=_version(payload)))


@orders_router.post("/{int:order_id}/complete", response={200: WorkOrderDetailOut, **ERRORS})
def complete(request, order_id: Id, payload: CompleteIn):
    """Submit the receipt and complete the order (回执并完成); files are references from an upload."""
    order = _target(request.auth, order_id)
    signature = payload.signature.dict() if isinstance(payload.signature, FileRefIn) else payload.signature
    return _after(request, order_actions.complete(
        actor=request.auth, order=order, content=payload.content,
        attachments=[ref.dict() for ref in payload.attachments], signature=signature, fields=payload.fields,
        latitude=payload.latitude, longitude=payload.longitude, expected_version=payload.expected_version,
        **_receipt_lines(payload)))


def _receipt_lines(payload):
    """The lists as the services take them (strings for Decimals, as every surface sends them)."""
    def plain(lines):
        if lines is None:
            return None
        return [{key: (str(value) if isinstance(value, Decimal) else value)
                 for key, value in line.dict(exclude_none=True).items()} for line in lines]

    return {"parts": plain(payload.parts), "service_items": plain(payload.service_items),
            "old_parts": plain(payload.old_parts)}


@orders_router.post("/{int:order_id}/close", response={200: WorkOrderDetailOut, **ERRORS})
def close(request, order_id: Id, payload: CloseIn | None = None):
    order = _target(request.auth, order_id)
    payload = payload or CloseIn()
    return _after(request, order_actions.close(actor=request.auth, order=order, note=payload.note,
                                          expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/cancel", response={200: WorkOrderDetailOut, **ERRORS})
def cancel(request, order_id: Id, payload: ReasonIn):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.cancel(actor=request.auth, order=order, reason=payload.reason,
                                           expected_version=payload.expected_version))


@orders_router.post("/{int:order_id}/reopen", response={200: WorkOrderDetailOut, **ERRORS})
def reopen(request, order_id: Id, payload: ReasonIn):
    order = _target(request.auth, order_id)
    return _after(request, order_actions.reopen(actor=request.auth, order=order, reason=payload.reason,
                                           expected_version=payload.expected_version))


def _version(payload):
    return payload.expected_version if payload is not None else None


@orders_router.get("/{int:order_id}/timeline", response={200: page_of(ActivityOut), **ERRORS})
def order_timeline(request, order_id: Id, filters: Query[PageQuery]):
    """The order's timeline, newest first: who did what, the changed fields and the note."""
    return paginate(list(order_queries.timeline_of(_order(request.auth, order_id), limit=1000)), filters)


@orders_router.get("/{int:order_id}/notes", response={200: page_of(NoteOut), **ERRORS})
def list_notes(request, order_id: Id, filters: Query[PageQuery]):
    return paginate(order_queries.notes_of(_order(request.auth, order_id)), filters)


@orders_router.post("/{int:order_id}/notes", response={201: NoteOut, **ERRORS})
def add_note(request, order_id: Id, payload: NoteIn):
    """Add a note (备注); `sms_to_contact` also texts it to the order's contact."""
    order = _order(request.auth, order_id)
    note = order_services.add_note(actor=request.auth, order=order, content=payload.content,
                             attachments=[ref.dict() for ref in payload.attachments],
                             sms_to_contact=payload.sms_to_contact)
    return Status(201, note)


@orders_router.get("/{int:order_id}/approvals", response={200: page_of(ApprovalOut), **ERRORS})
def order_approvals(request, order_id: Id, filters: Query[PageQuery]):
    return paginate(order_queries.order_approvals(_order(request.auth, order_id)), filters)


@orders_router.get("/{int:order_id}/assignee-candidates", response={200: list[CandidateOut], **ERRORS})
def assignee_candidates(request, order_id: Id, q: str = ""):
    """People to assign or transfer to, with work status and today's done / open counts (MOB-13)."""
    order = _order(request.auth, order_id)
    return [{"id": c.user.pk, "name": c.user.name, "teams": c.teams,
             "work_status": c.work_status.name if c.work_status else None, "done_today": c.done_today,
             "open_count": c.open_count}
            for c in pickers.candidates_for_assignment(request.auth, order, search=q[:50])]


@orders_router.get("/{int:order_id}/candidates", response={200: list[RankedCandidateOut], **ERRORS})
def ranked_candidates(request, order_id: Id, q: Annotated[str, Field(max_length=50)] = "",
                      limit: Annotated[int, Field(ge=1, le=candidate_queries.MAX_CANDIDATES,
                                                  description="How many of the best to answer")] = CANDIDATES_SHOWN):
    """派单推荐: the people who could take the order, best first, each with the reasons (distance, load,
    skills, clash). Hidden work statuses (WOSET-D3), team rules (WOSET-D1, ACC-06) and the type's required
    skills filter; people on the hidden-position list (WOSET-D4) come without a distance. Every eligible person
    is ranked (up to 5,000); the answer holds the best `limit` (default 100, as the phone's picker shows; at
    most 500)."""
    order = _order(request.auth, order_id)
    return [{"user_id": c.user_id, "name": c.name, "score": c.score, "distance_km": c.distance_km,
             "distance_kind": c.distance_kind, "open_orders_today": c.open_orders_today,
             "open_orders_week": c.open_orders_week, "clashes": c.clashes, "work_status": c.work_status,
             "reasons": [str(r) for r in c.reasons]}
            for c in candidate_queries.ranked_candidates(request.auth, order, search=q, limit=limit)]


@orders_router.get("/{int:order_id}/time", response={200: TimeOut, **ERRORS})
def order_time(request, order_id: Id):
    """Time in each status and in total, pauses excluded (WO-32), in seconds."""
    return order_queries.time_in_statuses(_order(request.auth, order_id))


# --- approvals -------------------------------------------------------------------------------------------

@approvals_router.get("", response={200: page_of(ApprovalOut), **ERRORS})
def approvals_inbox(request, filters: Query[ApprovalFilters]):
    """Approvals you decide (待审批 / 已审批 / 已拒绝), or with `requested=true` those you asked for."""
    return paginate(approval_queries.approvals_inbox(request.auth, filters.state, requested=filters.requested), filters)


@approvals_router.get("/{int:approval_id}", response={200: ApprovalOut, **ERRORS})
def get_approval(request, approval_id: Id):
    return approval_queries.get_approval(request.auth, approval_id)


@approvals_router.post("/{int:approval_id}/approve", response={200: ApprovalOut, **ERRORS})
def approve(request, approval_id: Id, payload: DecisionIn | None = None):
    approval = approval_queries.get_approval(request.auth, approval_id)
    approval_services.approve(actor=request.auth, approval=approval, note=payload.note if payload else "")
    return approval_queries.get_approval(request.auth, approval_id)


@approvals_router.post("/{int:approval_id}/refuse", response={200: ApprovalOut, **ERRORS})
def refuse(request, approval_id: Id, payload: DecisionIn):
    approval = approval_queries.get_approval(request.auth, approval_id)
    approval_services.refuse(actor=request.auth, approval=approval, note=payload.note)
    return approval_queries.get_approval(request.auth, approval_id)


@approvals_router.post("/{int:approval_id}/withdraw", response={200: ApprovalOut, **ERRORS})
def withdraw(request, approval_id: Id):
    approval = approval_queries.get_approval(request.auth, approval_id)
    approval_services.withdraw(actor=request.auth, approval=approval)
    return approval_queries.get_approval(request.auth, approval_id)


pool_router = Router(tags=["work orders"])


@pool_router.get("", response={200: page_of(WorkOrderOut, "PoolPage"), **ERRORS})
def pool(request, query: Query[PageQuery]):
    """工单池: the pooled orders you may claim (with WOSET-P5 on, only those of your teams' customers and of
    customers without a service team), newest first."""
    _require_view(request.auth)
    return paginate(pool_queries.pool_list(request.auth), query)


class LocationIn(Schema):
    latitude: Latitude = Field(description="WGS-84 (what the phone's GPS reports), -90…90")
    longitude: Longitude = Field(description="WGS-84, -180…180")


class LocationOut(Schema):
    latitude: Decimal
    longitude: Decimal
    located_at: datetime


location_router = Router(tags=["work orders"])


@location_router.post("/location", response={200: LocationOut, **ERRORS})
def report_location(request, payload: LocationIn):
    """The caller's position (WGS-84), reported by the phone on opening the app and at each action: it places
    him on the dispatch map, ranks him as a candidate by distance and tells him of pool orders nearby while it
    is fresher than the company's `position_fresh_hours`. At most one report per
    `LOCATION_REPORT_MIN_SECONDS` (default 120): a sooner one answers 429 `throttled` with `Retry-After`
    and `details.retry_after` (seconds) and stores nothing. Out-of-range coordinates answer 400."""
    user = location_services.report_location(user=request.auth, latitude=payload.latitude,
                                              longitude=payload.longitude, throttle=True)
    return {"latitude": user.last_latitude, "longitude": user.last_longitude, "located_at": user.last_located_at}


router.add_router("/me", location_router)
router.add_router("/pool", pool_router)
router.add_router("/work-order-types", types_router)
router.add_router("/work-orders", orders_router)
router.add_router("/approvals", approvals_router)
router.add_router("", dispatch_rules_api.router)  # 自动派单 (issue 10): /dispatch-rules, /work-orders/{id}/auto-assign
