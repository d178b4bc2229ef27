"""The form schema model and the mixin that gives a model its custom-field values (architecture §7)."""

from django.conf import settings
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel


class FormSchema(TenantModel):
    """One configurable form of a company: the ordered field definitions of a target.

    `target` names what the form describes: "customer", "product", "workorder_type:<id>",
    "receipt:<id>", "component:<id>" … `fields` is the ordered list of field definitions;
    `retired_fields` keeps the definitions of removed fields so old values stay readable.
    `version` grows by one on every save (the designer sends it back to detect concurrent edits).
    """

    target = models.CharField(_("form"), max_length=100)
    version = models.PositiveIntegerField(_("version"), default=0)
    fields = models.JSONField(_("fields"), default=list, blank=True)
    retired_fields = models.JSONField(_("removed fields"), default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("last updated by"))

    class Meta:
        verbose_name = _("form schema")
        verbose_name_plural = _("form schemas")
        constraints = [models.UniqueConstraint(fields=["tenant", "target"], name="uniq_formschema_target")]

    def __str__(self):
        return self.target

    @cached_property
    def parsed(self):
        """The definitions as `FieldDef` objects (see `definitions.ParsedSchema`)."""
        from .definitions import ParsedSchema

        return ParsedSchema.from_model(self)

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("parsed", None)
        super().refresh_from_db(*args, **kwargs)


class CustomFieldsMixin(models.Model):
    """Custom-field values of a record, validated by the engine on every write.

    Models set `form_target` (or override `get_form_target()` when the form depends on the row, as
    work orders do by type). On PostgreSQL, index the column in a migration with
    `forms_engine.migration_ops.AddGinIndexIfPostgres(table, "fields", name)` so filters use it.
    """

    form_target = ""

    fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        abstract = True

    def get_form_target(self):
        return self.form_target
