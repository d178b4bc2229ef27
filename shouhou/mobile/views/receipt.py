"""工单回执 on the phone (MOB-17): content, camera photos, files, the customer's signature drawn on the
screen, the type's custom receipt fields; 暂存 keeps a draft, 回执并完成 completes the order.

WOSET-C1 (photos from the camera only): the photo input opens the camera (`capture`), mobile.js refuses
pictures that were not taken just now, and the file input takes documents only — checked here too.
WOSET-C2: 回执并完成 sends the phone's position; the backend flags an anomaly, it never blocks.
"""

import os

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import company_settings
from shouhou.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from shouhou.workorders import flow, policy
from shouhou.workorders.forms import receipt_form_class
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import receipts as receipt_services
from shouhou.workorders.views import receipt_lines as receipt_line_views

from .. import queries
from . import payments as payment_views
from .actions import detail_url, refusal_message
from .common import STALE_MESSAGE, get_order, mobile_view, store_files

CAMERA_MAX_AGE_MINUTES = 5  # a "camera" photo older than this came from the album
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif", ".bmp", ".tif", ".tiff"}


def _is_image(file):
    content_type = (getattr(file, "content_type", "") or "").lower()
    return content_type.startswith("image/") or os.path.splitext(file.name or "")[1].lower() in IMAGE_EXTENSIONS


def _attachments(request, draft, camera_only):
    """Kept draft files, then the new photos and files, stored through the backend's file helper."""
    files = request.FILES.getlist("files")
    if camera_only and any(_is_image(file) for file in files):
        raise ValidationFailed(details={"attachments": [
            _("Photos must be taken with the camera; add pictures with “Take a photo”.")]})
    keep = set(request.POST.getlist("attachments-keep"))
    kept = [ref for ref in (draft.attachments if draft else []) if ref.get("url") in keep]
    photos = store_files(request.user, request.FILES.getlist("photos"), field="attachments", images_only=True)
    return kept + photos + store_files(request.user, files, field="attachments")


def _signature(form, request, draft):
    drawn = form.cleaned_data.get("signature") or None
    if drawn is None and draft and draft.signature and not request.POST.get("signature-clear"):
        return draft.signature
    return drawn


def _save(request, order, form, draft, camera_only):
    values = {"content": form.cleaned_data.get("content") or "",
              "attachments": _attachments(request, draft, camera_only),
              "signature": _signature(form, request, draft), "fields": form.custom_values or {},
              **receipt_line_views.lines_from_post(request.POST)}
    if "draft" in request.POST:
        receipt_services.save_receipt_draft(actor=request.user, order=order, **values)
        return _("Receipt draft saved.")
    order_actions.complete(actor=request.user, order=order, latitude=request.POST.get("latitude") or None,
                      longitude=request.POST.get("longitude") or None,
                      expected_version=form.cleaned_data["expected_version"], **values)
    return _("The work order is complete.")


@mobile_view
@require_POST
def quote(request, pk):
    """The receipt's live repricing (receipt_lines.js), as on the console."""
    return receipt_line_views.quote_response(request, get_order(request, pk))


@mobile_view
def receipt(request, pk):
    order = get_order(request, pk)
    draft = queries.receipt_of(order)
    if draft is not None and not draft.is_draft:
        messages.info(request, _("The receipt has already been submitted."))
        return HttpResponseRedirect(detail_url(order))
    camera_only = bool(company_settings.get("workorder.photo_camera_only"))
    form_class = receipt_form_class(order.order_type, draft.fields if draft else None)
    form = form_class(request.POST or None, request.FILES or None,
                      initial={"expected_version": order.version, "content": draft.content if draft else ""})
    line_errors = None
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["expected_version"] != order.version:
                raise Conflict(STALE_MESSAGE)  # before any photo is stored
            done = _save(request, order, form, draft, camera_only)
        except NotFound:
            raise
        except Conflict as exc:
            messages.error(request, refusal_message(exc))
            return HttpResponseRedirect(detail_url(order))
        except DomainError as exc:
            line_errors, rest = receipt_line_views.split_errors(exc)
            if rest or not any(line_errors.values()):
                if isinstance(exc, ValidationFailed):
                    exc.details = rest
                form.add_domain_error(exc)
            else:
                form.add_error(None, _("Correct the parts and service items below."))
        else:
            messages.success(request, done)
            if "draft" not in request.POST:
                order.refresh_from_db()
                if payment_views.wants_payment(request.user, order):  # 收款: the amount and the QR code next
                    return HttpResponseRedirect(reverse("mobile:pay", args=[order.pk]))
            return HttpResponseRedirect(detail_url(order))
    actions = policy.allowed_actions(request.user, order)
    return render(request, "mobile/receipt.html", {
        **receipt_line_views.lines_context(request.user, order, draft,
                                           request.POST if request.method == "POST" else None, line_errors,
                                           reverse("mobile:receipt_quote", args=[order.pk])),
        "tab": "orders", "order": order, "form": form, "draft": draft, "camera_only": camera_only,
        "camera_max_age": CAMERA_MAX_AGE_MINUTES, "can_complete": "complete" in actions,
        "can_draft": order.assignee_id == request.user.pk and order.status in flow.WORKING_STATUSES,
        "options": order.order_type.receipt_options or {},
    }, status=400 if form.errors else 200)
