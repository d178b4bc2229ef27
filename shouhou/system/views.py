from django.utils.translation import gettext as _
from django.contrib.auth import login as django_login
from django.shortcuts import redirect, render

from shouhou.core.errors import DomainError

from . import services


def signup(request):
    """Trial sign-up (GEN-02): company + super administrator, then straight into the console."""
    if request.user.is_authenticated:
        return redirect("core:home")
    errors, values = {}, {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "").strip() for k in
                  ("name", "short_name", "slug", "contact_phone", "admin_name", "admin_email")}
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            errors = {"password2": [_("The two passwords do not match.")]}
        else:
            try:
                _tenant, owner = services.sign_up(**values, admin_password=password, request=request)
            except DomainError as exc:
                errors = exc.details or {"__all__": [exc.message]}
            else:
                django_login(request, owner, backend="shouhou.accounts.backends.PhoneOrEmailBackend")
                return redirect("core:home")
    return render(request, "system/signup.html", {"errors": errors, "values": values})
