"""Skills (技能, issue 10): the company's list of skills and certificates (空调维修, 高压电工证 …), the skills
of each person, and — in the work-order app — the skills a work-order type requires. A person missing a
required skill is not a dispatch candidate (workorders/queries/candidates.py).

Reads: `skills()`; writes: `save_skill`, `delete_skill`, `move_skill`, `set_user_skills` (lock → check →
write → log/timeline)."""

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from shouhou.core import clean, outbox, permissions, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import NotFound, ValidationFailed
from shouhou.core.validators import control_character_message, find_control_character

from .models import Skill, User


def skills():
    """The company's skills in their set order."""
    return Skill.objects.all()


def skills_with_counts():
    return Skill.objects.all().annotate(user_count=Count("users", distinct=True))


def skill_ids_of(user):
    return list(user.skills.values_list("pk", flat=True)) if user is not None and user.pk else []


def resolve_skills(ids, key="skill_ids"):
    """The company's skills with these ids; an unknown or another company's id is a field error."""
    try:
        wanted = {int(i) for i in ids or []}
    except (TypeError, ValueError):
        raise ValidationFailed(details={key: [_("Choose skills from the list.")]}) from None
    found = list(Skill.objects.filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise ValidationFailed(details={key: [_("Choose skills from the list.")]})
    return found


def _clean_name(name, exclude_pk=None):
    errors = {}
    name = clean.text(name, Skill._meta.get_field("name").max_length, "name", errors, required=True)
    char = None if errors else find_control_character(name)
    if char is not None:
        errors["name"] = [control_character_message(char)]
    if not errors and Skill.objects.filter(name=name).exclude(pk=exclude_pk).exists():
        errors["name"] = [_("A skill with this name already exists.")]
    clean.raise_if(errors)
    return name


@transaction.atomic
def save_skill(*, actor, skill=None, name, request=None):
    """Add a skill (skill None) or rename one."""
    permissions.require(actor, "system.settings")
    if skill is not None:
        skill = Skill.objects.select_for_update().filter(pk=skill.pk).first()
        if skill is None:
            raise NotFound()
    name = _clean_name(name, exclude_pk=getattr(skill, "pk", None))
    if skill is None:
        last = Skill.objects.aggregate(last=Max("sort_order"))["last"]
        skill = Skill.objects.create(name=name, sort_order=0 if last is None else last + 1)
        log(SystemLog.Kind.SETTINGS, user=actor, request=request, action=_("Added skill %(name)s") % {"name": name},
            detail={"skill": skill.pk})
        outbox.emit("skill.created", skill_id=skill.pk, actor_id=getattr(actor, "pk", None))
    elif name != skill.name:
        log(SystemLog.Kind.SETTINGS, user=actor, request=request,
            action=_("Renamed skill %(old)s to %(new)s") % {"old": skill.name, "new": name}, detail={"skill": skill.pk})
        skill.name = name
        skill.save(update_fields=["name", "updated_at"])
    return skill


@transaction.atomic
def delete_skill(*, actor, skill, request=None):
    """People lose the skill and types stop requiring it."""
    permissions.require(actor, "system.settings")
    skill = Skill.objects.select_for_update().filter(pk=skill.pk).first()
    if skill is None:
        raise NotFound()
    log(SystemLog.Kind.DELETE, user=actor, request=request, action=_("Deleted skill %(name)s") % {"name": skill.name},
        detail={"object": "skill", "id": skill.pk, "name": skill.name})
    skill.delete()


@transaction.atomic
def move_skill(*, actor, skill, offset, request=None):
    """One place up (offset -1) or down (+1)."""
    permissions.require(actor, "system.settings")
    ordered = list(Skill.objects.select_for_update().order_by("sort_order", "pk"))
    index = next((i for i, s in enumerate(ordered) if s.pk == skill.pk), None)
    if index is None:
        raise NotFound()
    target = index + (-1 if offset < 0 else 1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            if item.sort_order != position:
                item.sort_order = position
                item.save(update_fields=["sort_order", "updated_at"])


@transaction.atomic
def set_user_skills(*, actor, user, skill_ids, request=None):
    """Replace a person's skills (account.edit, within the actor's scope)."""
    from .services import _lock_user

    permissions.require(actor, "account.edit")
    user = _lock_user(actor, user)
    found = resolve_skills(skill_ids)
    before = sorted(s.name for s in user.skills.all())
    after = sorted(s.name for s in found)
    if before != after:
        user.skills.set(found)
        timeline.record(actor=actor, obj=user, verb="updated", summary=_("Edited the account"),
                        changes=[{"field": "skills", "label": str(User._meta.get_field("skills").verbose_name),
                                  "old": "、".join(before), "new": "、".join(after)}])
    return user
