"""REST API of recurring plans (计划任务): /api/v1/plans CRUD, POST …/{id}/pause, …/resume, …/generate.

A plan's body: {name, order_type_id, customer_id, product_id, fields, recurrence: {freq, interval, weekdays,
day_of_month}, start_date, end_date, count, days_ahead, dispatch: {mode, assignee_id}}.
"""

from datetime import date, datetime, time
from typing import Any, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core.api_types import ApiDate, Id, NonBlank, Version
from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate
from shouhou.core.text_guard import MultilineStr
from shouhou.workorders.models import Priority

from . import queries, services
from .models import Plan

router = Router()
plans_router = Router(tags=["plans"])


class RecurrenceSchema(Schema):
    freq: Literal["daily", "weekly", "monthly"]
    interval: int = Field(1, ge=1, le=services.MAX_INTERVAL, description="every N days / weeks / months")
    weekdays: list[int] = Field([], max_length=7, description="weekly: 0 = Monday … 6 = Sunday (none: the "
                                "start date's weekday)")
    day_of_month: int | None = Field(None, ge=1, le=31, description="monthly: the day (none: the start date's "
                                     "day); past a month's end it is that month's last day")


class DispatchSchema(Schema):
    mode: Literal["assignee", "pool", "auto"] = "assignee"
    assignee_id: Id | None = Field(None, description='required when mode is "assignee"')


class RefOut(Schema):
    id: int
    name: str


class PlanOut(Schema):
    id: int
    name: str
    order_type: RefOut
    customer: RefOut
    product: RefOut | None
    priority: str
    description: str
    fields: dict[str, Any]
    recurrence: RecurrenceSchema
    start_date: date
    end_date: date | None
    count: int | None
    days_ahead: int
    planned_time: str = Field(description="HH:MM, the orders' planned time of day (company time zone)")
    dispatch: DispatchSchema
    is_paused: bool
    created_count: int = Field(description="已创建工单: orders the plan has created")
    next_date: date | None = Field(description="the next occurrence's planned date")
    next_create_date: date | None = Field(description="下次创建时间: the day its order is created (none when "
                                          "paused or finished)")
    version: int

    @staticmethod
    def resolve_planned_time(obj):
        return obj.planned_time.strftime("%H:%M")

    @staticmethod
    def resolve_recurrence(obj):
        return {"freq": obj.freq, "interval": obj.interval, "weekdays": obj.weekdays,
                "day_of_month": obj.day_of_month}

    @staticmethod
    def resolve_dispatch(obj):
        return {"mode": obj.dispatch_mode, "assignee_id": obj.assignee_id}


class PlanIn(Schema):
    name: NonBlank = Field(max_length=100)
    order_type_id: Id
    customer_id: Id
    product_id: Id | None = None
    priority: Literal[tuple(Priority.values)] = Priority.NORMAL
    description: MultilineStr = Field("", max_length=2000)
    fields: dict[str, Any] = {}
    recurrence: RecurrenceSchema
    start_date: ApiDate
    end_date: ApiDate | None = None
    count: int | None = Field(None, ge=1, le=services.MAX_COUNT, description="occurrences in all (or end_date)")
    days_ahead: int = Field(0, ge=0, le=services.MAX_DAYS_AHEAD,
                            description="orders are created this many days before their planned date")
    planned_time: time = Field(time(9, 0), description="HH:MM, the time of day of the orders' planned time "
                               "in the company's time zone (default 09:00)")
    dispatch: DispatchSchema


class PlanPatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=100)
    order_type_id: Id | None = None
    customer_id: Id | None = None
    product_id: Id | None = None
    priority: Literal[tuple(Priority.values)] | None = None
    description: MultilineStr | None = Field(None, max_length=2000)
    fields: dict[str, Any] | None = None
    recurrence: RecurrenceSchema | None = None
    start_date: ApiDate | None = None
    end_date: ApiDate | None = None
    count: int | None = Field(None, ge=1, le=services.MAX_COUNT)
    days_ahead: int | None = Field(None, ge=0, le=services.MAX_DAYS_AHEAD)
    planned_time: time | None = Field(None, description="HH:MM (company time zone)")
    dispatch: DispatchSchema | None = None
    expected_version: Version | None = Field(None, description="409 if the plan changed since you read it")


class VersionIn(Schema):
    expected_version: Version | None = Field(None, description="409 if the plan changed since you read it")


class GeneratedOut(Schema):
    id: int
    number: str
    planned_at: datetime | None
    status: str


class PlanFilters(PageQuery):
    search: NonBlank | None = Field(None, max_length=100, description="名称 / 客户 / 产品")


def _service_values(data):
    """The API body's shape turned into the service's keyword arguments (only the keys sent)."""
    values = {}
    for key, target in (("name", "name"), ("order_type_id", "order_type"), ("customer_id", "customer"),
                        ("product_id", "product"), ("priority", "priority"), ("description", "description"),
                        ("fields", "fields"), ("start_date", "start_date"), ("end_date", "end_date"),
                        ("count", "count"), ("days_ahead", "days_ahead"), ("planned_time", "planned_time")):
        if key in data:
            values[target] = data[key]
    if data.get("recurrence") is not None:
        values.update(data["recurrence"])
    if data.get("dispatch") is not None:
        values["dispatch_mode"] = data["dispatch"].get("mode") or Plan.Dispatch.ASSIGNEE
        values["assignee"] = data["dispatch"].get("assignee_id")
    return values


@plans_router.get("", response={200: page_of(PlanOut), **ERRORS})
def list_plans(request, filters: Query[PlanFilters]):
    services._require(request.auth)
    return paginate(queries.list_plans(request.auth, search=filters.search or ""), filters)


@plans_router.post("", response={201: PlanOut, **ERRORS})
@idempotent(PlanOut)
def create_plan(request, payload: PlanIn):
    plan = services.create_plan(actor=request.auth, **_service_values(payload.dict()))
    return Status(201, queries.get_plan(request.auth, plan.pk))


@plans_router.get("/{int:plan_id}", response={200: PlanOut, **ERRORS})
def get_plan(request, plan_id: Id):
    return queries.get_plan(request.auth, plan_id)


@plans_router.patch("/{int:plan_id}", response={200: PlanOut, **ERRORS})
def update_plan(request, plan_id: Id, payload: PlanPatchIn):
    """Change the values you send; `recurrence` and `dispatch` replace the whole object."""
    data = payload.dict(exclude_unset=True)
    version = data.pop("expected_version", None)
    plan = queries.get_plan(request.auth, plan_id)
    services.update_plan(actor=request.auth, plan=plan, expected_version=version, **_service_values(data))
    return queries.get_plan(request.auth, plan_id)


@plans_router.delete("/{int:plan_id}", response={204: None, **ERRORS})
def delete_plan(request, plan_id: Id):
    """The plan goes; the orders it created stay."""
    services.delete_plan(actor=request.auth, plan=queries.get_plan(request.auth, plan_id))
    return Status(204, None)


@plans_router.post("/{int:plan_id}/pause", response={200: PlanOut, **ERRORS})
def pause_plan(request, plan_id: Id, payload: VersionIn | None = None):
    plan = queries.get_plan(request.auth, plan_id)
    services.pause_plan(actor=request.auth, plan=plan, expected_version=payload and payload.expected_version)
    return queries.get_plan(request.auth, plan_id)


@plans_router.post("/{int:plan_id}/resume", response={200: PlanOut, **ERRORS})
def resume_plan(request, plan_id: Id, payload: VersionIn | None = None):
    """Resume from today (occurrences that fell while paused are not created)."""
    plan = queries.get_plan(request.auth, plan_id)
    services.resume_plan(actor=request.auth, plan=plan, expected_version=payload and payload.expected_version)
    return queries.get_plan(request.auth, plan_id)


@plans_router.post("/{int:plan_id}/generate", response={200: list[GeneratedOut], **ERRORS})
def generate(request, plan_id: Id):
    """立即生成: create the orders of every due occurrence (up to days_ahead from today) not yet created and
    answer them; a second call answers [] for the same occurrences. 409 when the plan is paused."""
    plan = queries.get_plan(request.auth, plan_id)
    return services.generate(actor=request.auth, plan=plan)


router.add_router("/plans", plans_router)
