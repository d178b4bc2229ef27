"""The survey page a customer's SMS link opens, /s/<token> (no login; architecture §17's walls): the
company's name and service phone, the order's summary (number, type, finish time, engineer's name) and the
company's questions; one answer per link, until it expires. A malformed, forged or replaced token is a
plain 404 that names nothing; the page shows nothing of the customer beyond the order's summary."""

from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from shouhou.core.errors import DomainError, NotFound
from shouhou.core.tenancy import tenant_context

from . import answers, services
from .forms import AnswerForm


@csrf_protect
def survey_page(request, token):
    try:
        survey = services.find_survey(token)
    except NotFound:
        return _response(request, "visits/public_invalid.html", {
            "state": "invalid", "title": _("Service satisfaction survey"), "company_name": "", "service_phone": "",
            "order_number": ""}, status=404)
    with tenant_context(survey.tenant):
        state = services.survey_state(survey)
        context = _context(survey, state)
        if state != "open":
            return _response(request, "visits/public_invalid.html", context, status=200 if state == "answered" else 410)
        asked = answers.survey_questions()
        form = AnswerForm(request.POST or None, asked=asked)
        if request.method == "POST" and form.is_valid():
            try:
                services.submit_survey(token=token, answer=form.answer())
            except services.SurveyGone:
                return _response(request, "visits/public_invalid.html",
                                 _context(survey, services.survey_state(services.find_survey(token))), status=410)
            except DomainError as exc:
                form.add_answer_errors(exc)
            else:
                return _response(request, "visits/public_invalid.html", {**context, "state": "thanks"})
        return _response(request, "visits/public_survey.html", {**context, "form": form},
                         status=400 if request.method == "POST" else 200)


def _context(survey, state):
    order = survey.order
    return {"state": state, "company_name": survey.tenant.display_name, "service_phone": survey.tenant.phone,
            "order_number": order.number, "order_type": order.order_type.name,
            "finished_at": timezone.localtime(order.finished_at).strftime("%Y-%m-%d %H:%M") if order.finished_at else "",
            "engineer": order.assignee.name if order.assignee_id else "",
            "expires_at": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d %H:%M"),
            "title": _("Service satisfaction survey")}


def _response(request, template, context, status=200):
    """Rendered without the request (no console context processors on a public page), with its CSRF token."""
    context = {**context, "csrf_token": get_token(request)}
    response = HttpResponse(render_to_string(template, context), status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    # same-origin, not no-referrer: a form POST under no-referrer carries "Origin: null", which CSRF refuses;
    # the page links nowhere else, so the token in its address never leaves the site
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    return response
