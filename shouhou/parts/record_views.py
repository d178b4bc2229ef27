"""The add/edit dialog and the delete button of a parts record (warehouse, service item, pricing rule,
part), declared once on the kit's generic views: each record names its query, its services, its form,
its routes and its messages, and the views below do the rest."""

from django.urls import reverse

from shouhou.core.generic_views import ObjectDeleteView, ObjectEditView
from shouhou.core.permissions import require

from . import queries, services


class RecordEditView(ObjectEditView):
    """New (`<route>_create`) or edit (`<route>_edit`) in a dialog.

    Declare: `form_class` (with `initial_for(record)`), `lookup` (a `queries` function name: actor, pk),
    `create` / `update` (`services` function names; update takes the record as `argument`), `route`,
    `saved_message` (a message with %(name)s) and `titles` (new, edit); `create_permission` / `edit_permission`
    when creating and editing need more than `permission`; `form_extra(request)` for the form's other
    arguments."""

    template = "parts/_form_modal.html"
    modal = True
    create_permission = edit_permission = None
    lookup = create = update = argument = route = ""
    saved_message = ""
    titles = ("", "")

    def get_object(self, request, pk=None):
        needed = self.create_permission if pk is None else self.edit_permission
        if needed:
            require(request.user, needed)
        return getattr(queries, self.lookup)(request.user, pk) if pk is not None else None

    def form_extra(self, request):
        return {}

    def form_kwargs(self, request, record):
        return {"initial": self.form_class.initial_for(record) if record else None, **self.form_extra(request)}

    def save(self, request, form, record):
        if record is None:
            return getattr(services, self.create)(actor=request.user, request=request, **form.cleaned_data)
        return getattr(services, self.update)(actor=request.user, request=request, **{self.argument: record},
                                              **form.cleaned_data)

    def success_message(self, request, form, record, created):
        return self.saved_message % {"name": record.name}

    def get_context(self, request, form, record):
        action = (reverse(f"{self.route}_edit", args=[record.pk]) if record
                  else reverse(f"{self.route}_create"))
        return {"form": form, "action": action, "title": self.titles[1] if record else self.titles[0]}


class RecordDeleteView(ObjectDeleteView):
    """Delete one record. Declare `permission`, `lookup`, `remove` (a `services` function name taking the
    record as `argument`), `deleted_message` (a message with %(name)s) and `back` (the list's route); a refusal
    is flashed on the list."""

    lookup = remove = argument = back = ""
    deleted_message = ""

    def get_object(self, request, pk):
        return getattr(queries, self.lookup)(request.user, pk)

    def delete(self, request, record):
        getattr(services, self.remove)(actor=request.user, request=request, **{self.argument: record})

    def success_message(self, request, record):
        return self.deleted_message % {"name": record.name}

    def success_url(self, request, record):
        return reverse(self.back)

    def failure_url(self, request, record):
        return reverse(self.back)
