"""The console kit's generic pages: list, record, edit and delete, configured per model by declaration
(the idea of NetBox's generic views). A module's simple pages are subclasses naming their pieces:

    class TeamEdit(ObjectEditView):
        permission = "team.manage"
        template = "accounts/team_form.html"
        form_class = TeamForm

        def get_object(self, request, pk):          # through the module's queries (actor's scope)
            return _team(request, pk)

        def form_kwargs(self, request, obj):
            return {"actor": request.user, "team": obj}

        def save(self, request, form, obj):         # one service call
            return services.save_team(actor=request.user, team=obj, **form.cleaned_data)

    urlpatterns = [path("teams/<int:pk>/edit/", TeamEdit.as_view(), name="team_edit")]

Short lists shown whole on one page (types, components, service options, in their set order) are an
`ObjectTableView`; a form that sits on such a page (an add row, a rename row) is an `ObjectEditView` naming
that `page`; one-click changes (enable, move) are an `ObjectActionView`.

Every page requires a signed-in user and, first of all, `permission` (a PermissionDenied is a 403 page,
an object outside the actor's scope a 404 — DomainErrorMiddleware answers both, core/http.py). Reads go
through the module's query functions and writes through one service function, as everywhere else; a
service's refusal goes back onto the form (`show_error`) and changes nothing. Pages that do more (the
work-order detail, the designer) keep their own views and use the kit's pieces (core/dialogs.py,
core/forms.py, core/kit/ templates).
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views import View

from .dialogs import finished, render_modal, show_error
from .errors import DomainError
from .http import back
from .lists import render_list
from .permissions import require


class ConsoleView(LoginRequiredMixin, View):
    """Signed in, then `permission` (a permission code, or None when the object lookup checks it)."""

    permission = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.permission:
            require(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


class ObjectListView(ConsoleView):
    """A standard list (core/lists.py): `list_class` declares its columns, filters and queryset."""

    list_class = None

    def get(self, request):
        return render_list(request, self.list_class)


class ObjectTableView(ConsoleView):
    """A short list shown whole, in its set order (no paging, search or column chooser): `template` with
    `get_context(request)`. The keyword arguments of `get_context` are the forms of the page (an add row, a
    row's rename form), which an `ObjectEditView` whose `page` this is hands in bound, with its errors."""

    template = None

    def get_context(self, request, **forms):
        return {}

    def get(self, request):
        return render(request, self.template, self.get_context(request))


class ObjectView(ConsoleView):
    """A record's page: `get_object` (within the actor's scope), then `template` with `get_context`."""

    template = None

    def get_object(self, request, **kwargs):
        raise NotImplementedError

    def get_context(self, request, obj):
        return {}

    def get(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        return render(request, self.template, self.get_context(request, obj))


class ObjectEditView(ConsoleView):
    """Create (no object) or edit: GET shows `form_class`, POST validates it and calls `save` (one
    service call); a refusal lands on the form, a success flashes `success_message` and goes to
    `success_url`. With `modal = True` the form is a dialog (core/kit/_modal.html) answered by
    `render_modal`/`finished`.

    With `page` (an ObjectTableView) the form sits on that page: POST only, bound even to an empty POST, and
    a refusal renders the page again with the form (`page_forms` says which of the page's forms it is)."""

    template = None
    form_class = None
    modal = False
    page = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.page is not None:
            cls.http_method_names = ["post"]
            cls.template = cls.template or cls.page.template

    def get_object(self, request, **kwargs):
        return None

    def form_kwargs(self, request, obj):
        return {}

    def get_form(self, request, obj):
        data = request.POST if self.page is not None else request.POST or None
        return self.form_class(data, **self.form_kwargs(request, obj))

    def save(self, request, form, obj):
        raise NotImplementedError

    def success_message(self, request, form, saved, created):
        return None

    def success_url(self, request, saved, created):
        return None  # None: back to where the user came from (or, for a dialog, reload the page)

    def page_forms(self, request, form, obj):
        """With `page`: the keyword arguments of the page's `get_context` that carry this bound form."""
        raise NotImplementedError

    def get_context(self, request, form, obj):
        if self.page is not None:
            return self.page().get_context(request, **self.page_forms(request, form, obj))
        return {"form": form}

    def get(self, request, **kwargs):
        return self.edit(request, self.get_object(request, **kwargs))

    def post(self, request, **kwargs):
        return self.edit(request, self.get_object(request, **kwargs))

    def edit(self, request, obj):
        form = self.get_form(request, obj)
        if form.is_bound and form.is_valid():
            try:
                saved = self.save(request, form, obj)
            except DomainError as exc:
                show_error(form, exc)
            else:
                return self.saved(request, form, saved, created=obj is None)
        context = self.get_context(request, form, obj)
        status = 400 if form.errors else 200
        if self.modal:
            return render_modal(request, self.template, context, status=status)
        return render(request, self.template, context, status=status)

    def saved(self, request, form, saved, *, created):
        message = self.success_message(request, form, saved, created)
        if message:
            messages.success(request, message)
        return finished(request, self.success_url(request, saved, created))


class ObjectDeleteView(ConsoleView):
    """POST only: `delete` (one service call) the object from `get_object`; a success flashes
    `success_message` and goes to `success_url`. A refusal goes the one error path (core/http.py), or,
    when `failure_url` names a page and it is not a 403/404, is flashed there."""

    http_method_names = ["post"]

    def get_object(self, request, **kwargs):
        raise NotImplementedError

    def delete(self, request, obj):
        raise NotImplementedError

    def success_message(self, request, obj):
        return None

    def success_url(self, request, obj):
        raise NotImplementedError

    def failure_url(self, request, obj):
        return None  # None: the one error path answers (the message flashed, back to the page)

    def post(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        try:
            self.delete(request, obj)
        except DomainError as exc:
            failure_url = self.failure_url(request, obj)
            if exc.status in (403, 404) or failure_url is None:
                raise
            messages.error(request, str(exc.message))
            return HttpResponseRedirect(failure_url)
        message = self.success_message(request, obj)
        if message:
            messages.success(request, message)
        return HttpResponseRedirect(self.success_url(request, obj))


class ObjectActionView(ConsoleView):
    """POST only: one service call (`act`) on the object from `get_object`, such as enable/disable or move
    up/down; a success flashes `success_message` and goes back to the page the user came from (a safe `next`
    or the referring page), else to `success_url`. A refusal goes the one error path (core/http.py)."""

    http_method_names = ["post"]

    def get_object(self, request, **kwargs):
        raise NotImplementedError

    def act(self, request, obj):
        raise NotImplementedError

    def success_message(self, request, obj):
        return None

    def success_url(self, request, obj):
        raise NotImplementedError

    def post(self, request, **kwargs):
        obj = self.get_object(request, **kwargs)
        self.act(request, obj)
        message = self.success_message(request, obj)
        if message:
            messages.success(request, message)
        return back(request, self.success_url(request, obj))
