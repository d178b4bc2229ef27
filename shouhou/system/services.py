"""Company-level writes: sign-up, company info, settings, and the system log."""

import re
from datetime import timedelta

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import NotFound, PermissionDenied, ValidationFailed
from shouhou.core.models import Tenant
from shouhou.core.permissions import require
from shouhou.core.tenancy import require_tenant, tenant_context

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")
RESERVED_SLUGS = {"admin", "api", "static", "media", "www", "app", "m", "p", "q", "s", "demo-new"}




def validate_slug(slug):
    slug = (slug or "").strip().lower()
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise ValidationFailed(details={"slug": [_("Use 3–40 lowercase letters, digits or hyphens.")]})
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationFailed(details={"slug": [_("This company code is already taken.")]})
    return slug


@transaction.atomic
def sign_up(*, name, short_name, slug, contact_phone, admin_name, admin_password, admin_email="", request=None):
    """Trial sign-up (GEN-02): a company, its defaults, and its super administrator."""
    from shouhou.accounts import services as account_services

    cleaned = _clean_company_values({"name": name, "short_name": short_name, "phone": contact_phone})
    name, short_name = cleaned["name"], cleaned["short_name"]
    slug = validate_slug(slug or slugify(short_name))
    now = timezone.now()
    tenant = Tenant.objects.create(
        name=name, short_name=short_name, slug=slug, phone=contact_phone,
        plan=Tenant.Plan.TRIAL, seat_limit=django_settings.TRIAL_SEATS, sms_limit=django_settings.TRIAL_SMS,
        storage_limit_mb=django_settings.TRIAL_STORAGE_MB, starts_at=now,
        expires_at=now + timedelta(days=django_settings.TRIAL_DAYS),
    )
    with tenant_context(tenant):
        account_services.install_tenant_defaults(tenant)
        owner = account_services.create_owner(
            tenant=tenant, name=admin_name or name, phone=contact_phone, email=admin_email,
            password=admin_password,
        )
    return tenant, owner


@transaction.atomic
def make_demo_company(tenant):
    """The demo company (`seed_demo`): it never expires, and it never texts its made-up customers through
    a real SMS gateway (messaging.sms.gateway). Platform operation: no actor."""
    Tenant.objects.filter(pk=tenant.pk).update(is_demo=True, expires_at=None)
    tenant.is_demo, tenant.expires_at = True, None
    return tenant


@transaction.atomic
def extend_company(*, slug, until):
    """Operator (`manage.py extend_company`): the company may write again until `until` (an aware datetime;
    None: no expiry). Platform operation: no actor; recorded in the company's settings-change log."""
    tenant = Tenant.objects.select_for_update().filter(slug=slug).first()
    if tenant is None:
        raise NotFound(_("No company has the code %(slug)s.") % {"slug": slug})
    if until is not None and until <= timezone.now():
        raise ValidationFailed(details={"until": [_("Choose a time in the future.")]})
    before = tenant.expires_at
    Tenant.objects.filter(pk=tenant.pk).update(expires_at=until)
    tenant.expires_at = until
    log(SystemLog.Kind.SETTINGS, tenant=tenant, action=_("Extended the subscription"),
        detail={"changes": {"expires_at": [_iso(before), _iso(until)]}})
    return tenant


def _iso(moment):
    return moment.isoformat() if moment is not None else ""


COMPANY_FIELDS = ["name", "short_name", "email", "phone", "address", "profile", "show_short_name"]


@transaction.atomic
def update_company(*, actor, request=None, **values):
    """Company info (SYS-07)."""
    require(actor, "system.settings")
    tenant = Tenant.objects.select_for_update().get(pk=require_tenant().pk)
    values = _clean_company_values(values)
    changes = {}
    for field in COMPANY_FIELDS:
        if field in values and getattr(tenant, field) != values[field]:
            changes[field] = [str(getattr(tenant, field)), str(values[field])]
            setattr(tenant, field, values[field])
    tenant.save()
    for field in changes:  # the request's tenant object shows the new values too
        setattr(require_tenant(), field, getattr(tenant, field))
    if changes:
        log(SystemLog.Kind.SETTINGS, user=actor, action=_("Changed company information"), request=request,
            detail={"changes": changes})
    return tenant


def _clean_company_values(values):
    """Only the fields given are changed (partial update); those given must be valid."""
    cleaned, errors = {}, {}
    for field in COMPANY_FIELDS:
        if field not in values:
            continue
        value = values[field]
        cleaned[field] = bool(value) if field == "show_short_name" else (value or "").strip()
    for field, value in cleaned.items():
        limit = Tenant._meta.get_field(field).max_length
        if limit and len(value) > limit:
            errors[field] = [_("Enter at most %(limit)s characters.") % {"limit": limit}]
    for field in ("name", "short_name"):
        if field in cleaned and not cleaned[field]:
            errors[field] = [_("This field is required.")]
    if cleaned.get("email"):
        try:
            validate_email(cleaned["email"])
        except DjangoValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def ensure_owner_or_admin(actor):
    if not (actor.is_tenant_owner or actor.roles.filter(system_key="admin").exists()):
        raise PermissionDenied()
