"""Products, product types, templates and QR codes (PRD-01…11)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms_engine.models import CustomFieldsMixin
from shouhou.core.models import TenantModel


def new_qr_token():
    return secrets.token_urlsafe(18)  # 24 URL-safe characters, 144 bits: unguessable


class ProductType(TenantModel):
    name = models.CharField(_("name"), max_length=50)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("product type")
        verbose_name_plural = _("product types")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_product_type_name")]

    def __str__(self):
        return self.name


class ProductTemplate(CustomFieldsMixin, TenantModel):
    """产品模板 (PRD-07): a product to copy from (PRD-03)."""

    form_target = "product"

    name = models.CharField(_("product name"), max_length=100)
    number = models.CharField(_("product number"), max_length=50)
    product_type = models.ForeignKey(ProductType, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("product type"))
    warranty_months = models.PositiveIntegerField(_("warranty (months)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("product template")
        verbose_name_plural = _("product templates")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_product_template_number")]

    def __str__(self):
        return self.name


class Product(CustomFieldsMixin, TenantModel):
    form_target = "product"

    name = models.CharField(_("product name"), max_length=100)
    number = models.CharField(_("product number"), max_length=50)
    serial_number = models.CharField(_("serial number"), max_length=80, blank=True, db_index=True)
    product_type = models.ForeignKey(ProductType, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="products", verbose_name=_("product type"))
    customer = models.ForeignKey("customers.Customer", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="products", verbose_name=_("customer"))
    template = models.ForeignKey(ProductTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="products", verbose_name=_("template"))
    purchase_date = models.DateField(_("purchase date"), null=True, blank=True)
    install_date = models.DateField(_("installation date"), null=True, blank=True)
    warranty_end = models.DateField(_("warranty end date"), null=True, blank=True, db_index=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    qr_token = models.CharField(max_length=40, unique=True, default=new_qr_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_product_number")]
        indexes = [models.Index(fields=["tenant", "-created_at"]), models.Index(fields=["tenant", "name"])]

    def __str__(self):
        return f"{self.name}（{self.number}）"

    @property
    def in_warranty(self):
        """True/False when the warranty end date is known, None otherwise."""
        if self.warranty_end is None:
            return None
        return self.warranty_end >= timezone.localdate()


class RevokedQrToken(TenantModel):
    """A QR token replaced by regeneration: scanning it says "invalid" instead of "unknown"."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="revoked_tokens")
    token = models.CharField(max_length=40, unique=True)

    class Meta:
        verbose_name = _("revoked QR code")
