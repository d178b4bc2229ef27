"""Console pages of one customer (CUS-03…05, CUS-09): detail with its tabs, the create/edit form,
notes, contacts, addresses, nearby customers, and the small JSON helpers the pages use
(解析坐标 geocoding, the customer picker of reference fields)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import forms_engine, object_actions, object_tabs, timeline
from shouhou.core.dialogs import finished, permitted_url, render_modal, show_error, url_or_empty
from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.geo import GeocodingError, geocoder, navigation_url
from shouhou.core.permissions import has_perm, require

from . import contact_services, policy, queries, services
from .forms import AddressForm, ContactForm, NoteForm, customer_form_class
from .models import Address, Contact
from .views import REMINDER_BATCH_URL, status_badge

NEARBY_CHOICES = (1, 3, 5, 10, 20, 50)
NEARBY_DEFAULT = 5
TAB_ROWS = 50


def _customer(request, pk):
    return queries.get_customer(request.user, pk)


def _km(request):
    try:
        km = float(request.GET.get("km", NEARBY_DEFAULT))
    except ValueError:
        km = NEARBY_DEFAULT
    return min(max(km, 0.1), queries.MAX_NEARBY_KM)


def _quick_links(actor, customer):
    """Quick-create buttons of modules that provide a create page (CUS-03), shown only to a user whose
    role may create there (issue 15: no button that answers 403)."""
    links = []
    for name, perm, label, icon in (("workorders:create", "workorder.create", _("Work order"), "bi-clipboard-plus"),
                                    ("products:create", "product.create", _("Product"), "bi-box")):
        url = url_or_empty(name)
        if url and has_perm(actor, perm):
            links.append({"url": f"{url}?customer={customer.pk}", "label": label, "icon": icon})
    return links + object_actions.actions_for("customer", actor, customer)


def _related(actor, queryset, url_name, perm):
    """{"count", "rows": [(record, detail url or "")]} of another app's records, newest first; linked only
    for a user whose role may open their pages (`perm`)."""
    if queryset is None:
        return None
    rows = list(queryset.order_by("-created_at", "-pk")[:TAB_ROWS])
    linked = bool(rows) and bool(permitted_url(actor, perm, url_name, rows[0].pk))
    return {"count": queryset.count(),
            "rows": [(row, reverse(url_name, args=[row.pk]) if linked else "") for row in rows]}


@login_required
def customer_detail(request, pk):
    customer = _customer(request, pk)
    actor = request.user
    schema = services.schema()
    entries = list(timeline.entries_for(customer, 200))
    km = _km(request)
    nearby = queries.nearby_of(actor, customer, km)
    reminder_url = url_or_empty(REMINDER_BATCH_URL)
    reminders_tab = object_tabs.url("customer", "reminders", actor, customer)
    visits_tab = object_tabs.url("customer", "visits", actor, customer)  # 回访 (CUS-12), by the visits module
    return render(request, "customers/detail.html", {
        "customer": customer,
        "status_badge": status_badge(customer),
        "owners": list(customer.owners.all()),
        "custom_values": forms_engine.display_values(schema, customer.fields),
        "contacts": list(queries.contacts_of(customer)),
        "addresses": list(queries.addresses_of(customer)),
        "entries": entries,
        "products": _related(actor, object_tabs.rows("customer", "products", actor, customer), "products:detail",
                             "product.view"),
        "work_orders": _related(actor, object_tabs.rows("customer", "workorders", actor, customer),
                                "workorders:detail", "workorder.view"),
        "nearby": nearby, "km": km, "km_choices": NEARBY_CHOICES,
        "navigation_url": navigation_url(latitude=customer.latitude, longitude=customer.longitude,
                                         address=customer.full_address) if customer.full_address else "",
        "note_form": NoteForm(),
        "quick_links": _quick_links(actor, customer),
        "reminder_url": f"{reminder_url}?ids={customer.pk}" if reminder_url else "",
        "parts_tab": object_tabs.url("customer", "parts_used", actor, customer),
        "reminders_tab": {"url": reminders_tab, "count": object_tabs.count("customer", "reminders", customer)} if reminders_tab else None,
        "visits_tab": {"url": visits_tab, "count": object_tabs.count("customer", "visits", customer)} if visits_tab else None,
        "can": policy.can(actor, customer, "edit", "delete", "remind", "sms"),
    })


@login_required
def customer_nearby(request, pk):
    """The 周边客户 tab: customers within ?km= of this one, nearest first."""
    customer = _customer(request, pk)
    km = _km(request)
    context = {"customer": customer, "nearby": queries.nearby_of(request.user, customer, km), "km": km,
               "km_choices": NEARBY_CHOICES}
    if request.htmx:
        return render(request, "customers/_nearby.html", context)
    return redirect(reverse("customers:detail", args=[customer.pk]) + f"?km={km:g}#nearby")


# --- create and edit --------------------------------------------------------------------------------------

def _form_page(request, form, customer=None):
    title = _("Edit customer") if customer else _("New customer")
    return render(request, "customers/form.html", {
        "form": form, "customer": customer, "title": title,
        "custom_names": set(form.custom_field_names()),
        "back_url": reverse("customers:detail", args=[customer.pk]) if customer else reverse("customers:list"),
    }, status=400 if form.errors else 200)


@login_required
def customer_create(request):
    require(request.user, "customer.create")
    form_class = customer_form_class()
    form = form_class(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.create_customer(actor=request.user, request=request, **form.create_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Customer %(name)s created.") % {"name": customer.name})
            return redirect("customers:detail", customer.pk)
    return _form_page(request, form)


@login_required
def customer_edit(request, pk):
    require(request.user, "customer.edit")
    customer = _customer(request, pk)
    form_class = customer_form_class(customer)
    form = form_class(request.POST or None, request.FILES or None, actor=request.user, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_customer(actor=request.user, customer=customer, request=request, **form.update_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Customer %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return redirect("customers:detail", customer.pk)
    return _form_page(request, form, customer)


@login_required
@require_POST
def customer_delete(request, pk):
    customer = _customer(request, pk)
    services.delete_customer(actor=request.user, customer=customer, request=request)
    messages.success(request, _("Customer %(name)s deleted.") % {"name": customer.name})
    return redirect("customers:list")


# --- notes (CUS-04) --------------------------------------------------------------------------------------

@login_required
@require_POST
def note_create(request, pk):
    customer = _customer(request, pk)
    form = NoteForm(request.POST, request.FILES)
    target = reverse("customers:detail", args=[customer.pk]) + "#activity"
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(target)
    try:
        services.add_note(actor=request.user, customer=customer, content=form.cleaned_data["content"],
                          files=form.cleaned_data["files"])
    except ValidationFailed as exc:
        messages.error(request, " ".join(str(m) for items in exc.details.values() for m in items) or exc.message)
    else:
        messages.success(request, _("Note added."))
    return redirect(target)


# --- contacts and addresses (CUS-05) ---------------------------------------------------------------------

def _child(model, customer, child_id):
    record = model.objects.filter(customer=customer, pk=child_id).first()
    if record is None:
        raise Http404()
    return record


def _detail_tab(customer, tab):
    return reverse("customers:detail", args=[customer.pk]) + f"#{tab}"


def _child_form(request, customer, *, form, template, title, action, save, done_message, tab):
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, done_message)
            return finished(request, _detail_tab(customer, tab))
    return render_modal(request, template, {"form": form, "customer": customer, "title": title, "action": action},
                        status=400 if form.errors else 200)


@login_required
def contact_create(request, pk):
    require(request.user, "customer.edit")
    customer = _customer(request, pk)
    form = ContactForm(request.POST or None)
    return _child_form(
        request, customer, form=form, template="customers/_contact_form.html", title=_("New contact"),
        action=reverse("customers:contact_create", args=[customer.pk]), tab="contacts",
        done_message=_("Contact added."),
        save=lambda: contact_services.add_contact(actor=request.user, customer=customer, **form.cleaned_data))


@login_required
def contact_edit(request, pk, contact_id):
    require(request.user, "customer.edit")
    customer = _customer(request, pk)
    contact = _child(Contact, customer, contact_id)
    form = ContactForm(request.POST or None, contact=contact)
    return _child_form(
        request, customer, form=form, template="customers/_contact_form.html", title=_("Edit contact"),
        action=reverse("customers:contact_edit", args=[customer.pk, contact.pk]), tab="contacts",
        done_message=_("Contact saved."),
        save=lambda: contact_services.update_contact(actor=request.user, contact=contact,
                                                     **form.cleaned_data))


@login_required
@require_POST
def contact_delete(request, pk, contact_id):
    customer = _customer(request, pk)
    contact_services.delete_contact(actor=request.user, contact=_child(Contact, customer, contact_id))
    messages.success(request, _("Contact deleted."))
    return redirect(_detail_tab(customer, "contacts"))


@login_required
@require_POST
def contact_default(request, pk, contact_id):
    customer = _customer(request, pk)
    contact_services.update_contact(actor=request.user, contact=_child(Contact, customer, contact_id),
                                    is_default=True)
    messages.success(request, _("Default contact changed."))
    return redirect(_detail_tab(customer, "contacts"))


@login_required
def address_create(request, pk):
    require(request.user, "customer.edit")
    customer = _customer(request, pk)
    form = AddressForm(request.POST or None)
    return _child_form(
        request, customer, form=form, template="customers/_address_form.html", title=_("New address"),
        action=reverse("customers:address_create", args=[customer.pk]), tab="addresses",
        done_message=_("Address added."),
        save=lambda: contact_services.add_address(actor=request.user, customer=customer,
                                                  **form.service_values()))


@login_required
def address_edit(request, pk, address_id):
    require(request.user, "customer.edit")
    customer = _customer(request, pk)
    address = _child(Address, customer, address_id)
    form = AddressForm(request.POST or None, address=address)
    return _child_form(
        request, customer, form=form, template="customers/_address_form.html", title=_("Edit address"),
        action=reverse("customers:address_edit", args=[customer.pk, address.pk]), tab="addresses",
        done_message=_("Address saved."),
        save=lambda: contact_services.update_address(actor=request.user, address=address,
                                                     **form.service_values()))


@login_required
@require_POST
def address_delete(request, pk, address_id):
    customer = _customer(request, pk)
    contact_services.delete_address(actor=request.user, address=_child(Address, customer, address_id))
    messages.success(request, _("Address deleted."))
    return redirect(_detail_tab(customer, "addresses"))


@login_required
@require_POST
def address_default(request, pk, address_id):
    customer = _customer(request, pk)
    contact_services.update_address(actor=request.user, address=_child(Address, customer, address_id),
                                    is_default=True, geocode=False)
    messages.success(request, _("Default address changed."))
    return redirect(_detail_tab(customer, "addresses"))


# --- JSON helpers of the pages ---------------------------------------------------------------------------

@login_required
def geocode(request):
    """解析坐标: the coordinates of an address (?province=&city=&district=&detail=) from the maps adapter."""
    if not (has_perm(request.user, "customer.create") or has_perm(request.user, "customer.edit")):
        return JsonResponse({"message": _("You do not have permission to do this.")}, status=403)
    parts = {part: request.GET.get(part, "").strip()[:200] for part in services.ADDRESS_PARTS}
    if not services.has_address(parts):
        return JsonResponse({"message": _("Enter at least a province, a city or a detailed address.")}, status=400)
    try:
        found = geocoder().geocode(**parts)
    except GeocodingError:
        return JsonResponse({"message": _("The address could not be located; check it or enter the coordinates.")},
                            status=400)
    return JsonResponse({"latitude": str(found.latitude), "longitude": str(found.longitude),
                         "precision": found.precision})


@login_required
def pick(request):
    """The picker of "customer" reference fields: visible customers matching ?q= (name, phone, number)."""
    if not has_perm(request.user, "customer.view"):
        return JsonResponse({"results": []})
    text = request.GET.get("q", "").strip()[:100]
    rows = queries.visible_customers(request.user).filter(queries.search_condition(text)).order_by("name", "pk")
    return JsonResponse({"results": [{"id": customer.pk, "label": customer.name, "number": customer.number}
                                     for customer in rows[:20]]})
