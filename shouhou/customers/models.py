"""Customers, their contacts and addresses (CUS-01…10); reminder rules live in `shouhou.reminders`."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms_engine.models import CustomFieldsMixin
from shouhou.core.models import TenantModel


class Customer(CustomFieldsMixin, TenantModel):
    """A company's customer. The default contact and address are copied onto the row (kept in step
    by the services) so lists, search and nearby queries need no joins."""

    form_target = "customer"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        POTENTIAL = "potential", _("Potential")
        INACTIVE = "inactive", _("Inactive")

    number = models.CharField(_("customer number"), max_length=30)
    name = models.CharField(_("customer name"), max_length=100)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    service_team = models.ForeignKey("accounts.Team", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="customers", verbose_name=_("service team"))
    owners = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="owned_customers",
                                    verbose_name=_("customer owners"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    # copies of the default contact and address
    contact_name = models.CharField(_("contact"), max_length=50, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    province_code = models.CharField(_("province code"), max_length=6, blank=True)
    city_code = models.CharField(_("city code"), max_length=6, blank=True)
    district_code = models.CharField(_("district code"), max_length=6, blank=True)
    address_detail = models.CharField(_("detailed address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="uniq_customer_number")]
        indexes = [
            models.Index(fields=["tenant", "-created_at"]),
            models.Index(fields=["tenant", "name"]),
            models.Index(fields=["tenant", "latitude", "longitude"]),
            models.Index(fields=["tenant", "province_code", "city_code"], name="customer_region_idx"),
            models.Index(fields=["tenant", "status", "-created_at"], name="customer_status_idx"),
            # the tag filter's choices walk the distinct tag lists through it (queries.tags_in_use)
            models.Index(fields=["tenant", "tags"], name="customer_tags_idx"),
        ]

    def __str__(self):
        return self.name

    @property
    def region(self):
        return " ".join(_region_parts(self.province, self.city, self.district))

    @property
    def full_address(self):
        return "".join([*_region_parts(self.province, self.city, self.district), self.address_detail])


def _region_parts(province, city, district):
    """Province, city, district without repeats: 上海市 is both the province and the city."""
    parts = []
    for part in (province, city, district):
        if part and part not in parts:
            parts.append(part)
    return parts


class Contact(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    position = models.CharField(_("position"), max_length=50, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    is_default = models.BooleanField(_("default contact"), default=False)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_default", "id"]

    def __str__(self):
        return f"{self.name} {self.phone}".strip()


class Address(TenantModel):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    # GB/T 2260 codes of the three parts (core.regions); empty where the name did not match (地区待修正)
    province_code = models.CharField(_("province code"), max_length=6, blank=True)
    city_code = models.CharField(_("city code"), max_length=6, blank=True)
    district_code = models.CharField(_("district code"), max_length=6, blank=True)
    detail = models.CharField(_("detailed address"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    is_default = models.BooleanField(_("default address"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "id"]

    def __str__(self):
        return "".join([*_region_parts(self.province, self.city, self.district), self.detail])

    @property
    def region_unmatched(self):
        return region_unmatched(self)


REGION_PARTS = ("province", "city", "district")


def region_unmatched(obj):
    """A part typed but without its code: the region needs fixing (地区待修正)."""
    return any(getattr(obj, part) and not getattr(obj, f"{part}_code") for part in REGION_PARTS)


def region_unmatched_q(prefix=""):
    """The same as a query condition (on Address, or on Customer's copies of the default address)."""
    condition = models.Q()
    for part in REGION_PARTS:
        condition |= ~models.Q(**{f"{prefix}{part}": ""}) & models.Q(**{f"{prefix}{part}_code": ""})
    return condition
