"""Users, teams, roles, work statuses and API tokens (ACC-01…09, SYS-11)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import Tenant, TenantModel
from shouhou.core.tenancy import require_tenant


class UserManager(BaseUserManager):
    """Unscoped: login has to find a user before any tenant is known. Reads of tenant data go
    through `accounts.queries`, which scope by tenant and data scope."""

    use_in_migrations = True

    def create_user(self, account, password=None, **extra):
        user = self.model(account=account, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def for_tenant(self):
        return self.get_queryset().filter(tenant=require_tenant())


class User(AbstractBaseUser):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Enabled")
        DISABLED = "disabled", _("Disabled")

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="users", editable=False)
    account = models.CharField(_("account"), max_length=150, unique=True)
    name = models.CharField(_("name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, unique=True, null=True, blank=True)
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    service_phone = models.CharField(_("service phone"), max_length=30, blank=True)
    job_title = models.CharField(_("job title"), max_length=50, blank=True)
    is_active = models.BooleanField(_("enabled"), default=True)
    is_tenant_owner = models.BooleanField(_("super administrator"), default=False)
    roles = models.ManyToManyField("Role", related_name="users", blank=True, verbose_name=_("roles"))
    work_status = models.ForeignKey("WorkStatus", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("work status"))
    skills = models.ManyToManyField("Skill", related_name="users", blank=True, verbose_name=_("skills"))
    language = models.CharField(_("language"), max_length=10, blank=True)
    failed_logins = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    last_located_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "account"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["id"]
        indexes = [models.Index(fields=["tenant", "is_active"])]

    def __str__(self):
        return self.name

    @property
    def status_label(self):
        return _("Enabled") if self.is_active else _("Disabled")

    @property
    def is_locked(self):
        return self.locked_until is not None and self.locked_until > timezone.now()


class Team(TenantModel):
    """A service team (团队); teams form a tree (新建子团队)."""

    name = models.CharField(_("team name"), max_length=50)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children", verbose_name=_("parent team"))
    leaders = models.ManyToManyField(User, related_name="led_teams", blank=True, verbose_name=_("team leaders"))
    members = models.ManyToManyField(User, related_name="teams", blank=True, verbose_name=_("members"))
    service_phone = models.CharField(_("service phone"), max_length=30, blank=True)
    area = models.CharField(_("area of responsibility"), max_length=200, blank=True)
    address = models.CharField(_("location"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "parent", "name"], name="uniq_team_name_in_parent")
        ]

    def __str__(self):
        return self.name

    @classmethod
    def descendant_ids(cls, root_ids):
        """root_ids plus every sub-team below them (one query per level)."""
        found, frontier = set(root_ids), set(root_ids)
        while frontier:
            frontier = set(cls.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
            found |= frontier
        return found

    def ancestors(self):
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))


class Role(TenantModel):
    """A set of permission codes plus a data scope per module (ACC-08, architecture §6)."""

    name = models.CharField(_("role name"), max_length=50)
    # 500: a system role's description names every module it works in (roles.describe), longer as modules land
    description = models.CharField(_("role description"), max_length=500, blank=True)
    system_key = models.CharField(max_length=30, blank=True, default="")
    permissions = models.JSONField(default=list, blank=True)
    scopes = models.JSONField(default=dict, blank=True)
    known_modules = models.JSONField(default=list, blank=True)
    sort_order = models.PositiveIntegerField(default=100)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ["sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="uniq_role_name"),
            models.UniqueConstraint(fields=["tenant", "system_key"], condition=~models.Q(system_key=""),
                                    name="uniq_role_system_key"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_system(self):
        return bool(self.system_key)


class WorkStatus(TenantModel):
    """A work status users pick (工作状态设置, SYS-11; ACC-05)."""

    name = models.CharField(_("name"), max_length=30)
    color = models.CharField(_("colour"), max_length=20, default="#52c41a")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("work status")
        verbose_name_plural = _("work statuses")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_work_status_name")]

    def __str__(self):
        return self.name


class Skill(TenantModel):
    """A skill or certificate of the company's list (技能, e.g. 空调维修, 高压电工证): people have skills,
    work-order types require them, and a person missing a required skill is not a candidate (issue 10)."""

    name = models.CharField(_("skill name"), max_length=30)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_skill_name")]

    def __str__(self):
        return self.name


class ApiToken(TenantModel):
    """A personal API token (Bearer). Only a hash is stored; the key is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=50, default="api")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        ordering = ["-created_at"]


class Session(AbstractBaseSession):
    """A console/phone session whose row also names its signed-in user (accounts.sessions): one statement
    then loads the session, the user, the company (with its grants_version) and the header's values."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             db_index=False)

    class Meta(AbstractBaseSession.Meta):
        db_table = "accounts_session"

    @classmethod
    def get_session_store_class(cls):
        from .sessions import SessionStore

        return SessionStore


class PasswordResetCode(models.Model):
    """One SMS code asked for on 忘记密码 (accounts.password_reset). A row is written for every accepted
    request, whether an account uses the number or not (`user` is then empty), so the rate limits and the
    answers are the same either way. Only the code's keyed hash is stored. Not a company's data: the user
    is not known yet when the code is asked for."""

    phone = models.CharField(max_length=20)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    code_hash = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "-created_at"]), models.Index(fields=["ip", "-created_at"])]

    def __str__(self):
        return f"{self.phone} {self.created_at:%Y-%m-%d %H:%M}"
