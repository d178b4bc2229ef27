"""REST API of return visits: `GET /visits` (list), `GET /visits/satisfaction` (good/bad rates),
`POST /work-orders/{id}/visit` (人工回访 with answers), and the public survey `GET|POST /surveys/{token}`
(no authentication: the token is the key; read the questions, answer once).

An answer is `{level, scores: {<dimension>: 1–5}, tags, note}` with the company's levels ("good", "fair",
"bad"), dimensions and tags (满意度设置)."""

from datetime import datetime
from typing import Annotated, Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import permissions
from shouhou.core.api_types import ApiDatetime, Id, Version
from shouhou.core.api_utils import ERRORS, ErrorOut, PageQuery, page_of, paginate
from shouhou.core.errors import NotFound
from shouhou.core.tenancy import tenant_context
from shouhou.core.text_guard import MultilineStr
from shouhou.workorders.queries.orders import visible_work_orders

from . import answers, figures, queries, services
from .models import Visit

router = Router()
visits_router = Router(tags=["visits"])
surveys_router = Router(tags=["visits"])

Token = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
Score = Annotated[int, Field(ge=1, le=5)]


class AnswerIn(Schema):
    level: Literal["good", "fair", "bad"] | None = Field(None, description="满意 / 一般 / 不满意 (the company's words "
                                                                      "for them: GET /surveys/{token} or 满意度设置)")
    scores: dict[Annotated[str, Field(max_length=20)], Score] = Field(
        {}, description="A 1–5 rating for every rated dimension, by its name (服务态度, 服务效率, 服务质量 …)")
    tags: list[Annotated[str, Field(max_length=20)]] = Field([], max_length=answers.MAX_TAGS,
                                                             description="Quick tags of the company's list")
    note: MultilineStr = Field("", max_length=answers.MAX_NOTE)


class VisitIn(AnswerIn):
    expected_version: Version | None = Field(None, description="The order's version you saw (409 when it changed)")


class VisitOut(Schema):
    id: int
    order_id: int
    order_number: str = Field(alias="order.number")
    customer_id: int = Field(alias="order.customer_id")
    kind: Literal["manual", "auto"] = Field(description="manual: 人工回访; auto: the customer's SMS survey answer")
    level: str = Field(description='"good", "fair", "bad", or "" when the survey did not ask')
    level_label: str
    scores: dict[str, int]
    tags: list[str]
    note: str
    engineer_id: int | None = Field(description="The order's assignee when the answer came")
    visited_by_id: int | None
    created_at: datetime

    @staticmethod
    def resolve_level_label(obj):
        return answers.level_label(obj.level) if obj.level else ""


class VisitResultOut(Schema):
    order_id: int
    status: str = Field(description="The order's status after the visit (visited when the type's 回访 node is on)")
    awaiting_approval: bool = Field(description="The 回访 node takes an approval: the visit is stored once approved")
    visit: VisitOut | None


class VisitFilters(PageQuery):
    kind: Literal["manual", "auto"] | None = None
    order_id: Id | None = None
    customer_id: Id | None = None
    engineer_id: Id | None = None
    level: Literal["good", "fair", "bad"] | None = None


class FigureOut(Schema):
    key: int | str | None
    name: str
    total: int
    good: int
    fair: int
    bad: int
    good_rate: float = Field(description="good / total, 0–1")
    bad_rate: float = Field(description="bad / total, 0–1")


class FigureFilters(Schema):
    by: Literal["engineer", "team", "type", "day", "week", "month"] = "engineer"
    start: ApiDatetime | None = None
    end: ApiDatetime | None = None
    kind: Literal["manual", "auto"] | None = None


@visits_router.get("", response={200: page_of(VisitOut), **ERRORS})
def list_visits(request, filters: Query[VisitFilters]):
    """Visits of the orders you may see (newest first); needs visit.view."""
    permissions.require(request.auth, "visit.view")
    visits = queries.visible_visits(request.auth)
    for field in ("kind", "order_id", "engineer_id", "level"):
        value = getattr(filters, field)
        if value is not None:
            visits = visits.filter(**{field: value})
    if filters.customer_id is not None:
        visits = visits.filter(order__customer_id=filters.customer_id)
    return paginate(visits.order_by("-created_at", "-id"), filters)


@visits_router.get("/satisfaction", response={200: list[FigureOut], **ERRORS})
def satisfaction(request, filters: Query[FigureFilters]):
    """满意度: good and bad rates grouped by engineer, team, work-order type or period, within your
    work-order scope; needs visit.view."""
    permissions.require(request.auth, "visit.view")
    return figures.satisfaction(request.auth, by=filters.by, start=filters.start, end=filters.end, kind=filters.kind)


@router.post("/work-orders/{int:order_id}/visit", response={200: VisitResultOut, **ERRORS}, tags=["visits"])
def visit_order(request, order_id: Id, payload: VisitIn):
    """人工回访: record the answers. With the type's 回访 node on, this is the flow's action (the order must stand
    at the node's status; an approval rule stores a request first) and the order becomes 已回访; with it off
    the visit is recorded on a finished order. 409 when already visited or not finished."""
    order = visible_work_orders(request.auth).filter(pk=order_id).first()
    if order is None:
        raise NotFound()
    data = payload.dict()
    expected = data.pop("expected_version")
    order = services.record_visit(actor=request.auth, order=order, answer=data, expected_version=expected)
    visit = queries.visible_visits(request.auth).filter(order=order, kind=Visit.Kind.MANUAL).first()
    return {"order_id": order.pk, "status": order.status, "awaiting_approval": order.awaiting_approval,
            "visit": visit}


# --- the public survey ------------------------------------------------------------------------------------

class LevelOut(Schema):
    key: str
    label: str


class SurveyQuestionsOut(Schema):
    level: list[LevelOut] | None = Field(description="The levels to choose from; null when not asked")
    dimensions: list[str] | None = Field(description="Rate each 1–5; null when not asked")
    positive_tags: list[str] | None
    negative_tags: list[str] | None
    note: bool


class SurveyOrderOut(Schema):
    number: str
    order_type: str
    finished_at: datetime | None
    engineer: str


class SurveyOut(Schema):
    state: Literal["open", "answered", "expired"]
    company: str
    service_phone: str
    expires_at: datetime
    order: SurveyOrderOut
    questions: SurveyQuestionsOut


def _survey_answer(survey):
    order = survey.order
    asked = answers.survey_questions()
    positive, negative = answers.tags()
    return {"state": services.survey_state(survey), "company": survey.tenant.display_name,
            "service_phone": survey.tenant.phone, "expires_at": survey.expires_at,
            "order": {"number": order.number, "order_type": order.order_type.name, "finished_at": order.finished_at,
                      "engineer": order.assignee.name if order.assignee_id else ""},
            "questions": {"level": [{"key": k, "label": v} for k, v in answers.levels()] if "level" in asked else None,
                          "dimensions": answers.dimensions() if "scores" in asked else None,
                          "positive_tags": positive if "tags" in asked else None,
                          "negative_tags": negative if "tags" in asked else None,
                          "note": "note" in asked}}


@surveys_router.get("/{token}", auth=None, response={200: SurveyOut, **ERRORS})
def get_survey(request, token: Token):
    """Public (the token is the key): the survey's state, the company, the order's summary and the questions.
    404 for an unknown, forged or replaced token."""
    survey = services.find_survey(token)
    with tenant_context(survey.tenant):
        return _survey_answer(survey)


class SurveyDoneOut(Schema):
    state: Literal["answered"]
    level: str
    scores: dict[str, int]
    tags: list[str]
    note: str


@surveys_router.post("/{token}", auth=None, response={201: SurveyDoneOut, 410: ErrorOut, **ERRORS})
def answer_survey(request, token: Token, payload: AnswerIn):
    """Public: answer once. 400 for an answer outside the company's questions, levels, dimensions or tags;
    410 `survey_closed` once answered or expired; 404 for an unknown token."""
    visit = services.submit_survey(token=token, answer=payload.dict(exclude_unset=True))
    return Status(201, {"state": "answered", "level": visit.level, "scores": visit.scores, "tags": visit.tags,
                        "note": visit.note})


router.add_router("/visits", visits_router)
router.add_router("/surveys", surveys_router)
