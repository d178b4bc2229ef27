"""Sign-in, sign-out and the user's own settings (ACC-05)."""

from django.contrib import messages
from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shouhou.core import timeline
from shouhou.core.audit import client_ip
from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.subscription import allowed_when_expired
from shouhou.core.views import safe_next

from . import password_reset, services


def sign_in(request, username, password):
    """Check the credentials (throttling and the login log are the service's), then start the session in
    the user's language. The console's and the phone's login pages both sign in here."""
    user = services.login(request=request, username=username, password=password)
    django_login(request, user, backend="shouhou.accounts.backends.PhoneOrEmailBackend")
    if user.language:
        request.session["_language"] = user.language
    return user


def attempt_login(request):
    """A posted login form: (signed in, the error to show, the username typed); a GET is (False, "", "")."""
    if request.method != "POST":
        return False, "", ""
    username = request.POST.get("username", "").strip()
    try:
        sign_in(request, username, request.POST.get("password", ""))
    except DomainError as exc:
        return False, exc.message, username
    return True, "", username


def login_view(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    signed_in, error, username = attempt_login(request)
    if signed_in:
        return redirect(safe_next(request, "/"))
    return render(request, "accounts/login.html", {"error": error, "username": username,
                                                   "next": request.GET.get("next", "")})


RESET_PHONE_KEY = "password_reset_phone"


def forgot_password(request):
    """忘记密码, step 1: the phone number. The answer is the same whether an account uses it or not."""
    error, phone, status = "", "", 200
    if request.method == "POST":
        phone = request.POST.get("phone", "").strip()[:30]
        try:
            password_reset.request_code(phone=phone, ip=client_ip(request))
        except ValidationFailed as exc:
            error, status = exc.details["phone"][0], 400
        except password_reset.TooManyCodes as exc:
            error, status = exc.message, 429
        else:
            request.session[RESET_PHONE_KEY] = password_reset.clean_phone(phone)
            messages.info(request, _("If an account uses this number, a code has been sent to it by SMS."))
            return redirect("accounts:password_reset")
    return render(request, "accounts/password_forgot.html", {"error": error, "phone": phone}, status=status)


def reset_password(request):
    """忘记密码, step 2: the code, the new password twice. Success signs the user out everywhere."""
    errors, phone = {}, request.session.get(RESET_PHONE_KEY, "")
    if request.method == "POST":
        phone = request.POST.get("phone", "").strip()[:30]
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            errors = {"new_password2": [_("The two passwords do not match.")]}
        else:
            try:
                password_reset.reset_password(phone=phone, code=request.POST.get("code", ""), new_password=new,
                                              request=request)
            except ValidationFailed as exc:
                errors = exc.details
            else:
                if request.user.is_authenticated:
                    django_logout(request)
                request.session.pop(RESET_PHONE_KEY, None)
                messages.success(request, _("Your password has been reset. Log in with the new password."))
                return redirect("accounts:login")
    return render(request, "accounts/password_reset.html", {"errors": errors, "phone": phone},
                  status=400 if errors else 200)


@require_POST
@allowed_when_expired
def logout_view(request):
    django_logout(request)
    return redirect("accounts:login")


@login_required
def profile(request):
    user = request.user
    return render(request, "accounts/profile.html", {"profile_user": user, "entries": timeline.entries_for(user, 50)})


@login_required
@allowed_when_expired
def change_password(request):
    errors = {}
    if request.method == "POST":
        new = request.POST.get("new_password", "")
        if new != request.POST.get("new_password2", ""):
            errors = {"new_password2": [_("The two passwords do not match.")]}
        else:
            try:
                services.change_own_password(user=request.user, old_password=request.POST.get("old_password", ""),
                                             new_password=new)
            except ValidationFailed as exc:
                errors = exc.details
                if "password" in errors:
                    errors["new_password"] = errors.pop("password")
            else:
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password has been changed."))
                return redirect("accounts:profile")
    return render(request, "accounts/change_password.html", {"errors": errors})


@login_required
@require_POST
@allowed_when_expired
def my_work_status(request):
    try:
        services.set_work_status(user=request.user, status_id=request.POST.get("status") or None)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Work status updated."))
    return redirect(safe_next(request, request.META.get("HTTP_REFERER") or "/"))
