from django.urls import path

from . import views_auth

app_name = "accounts"
urlpatterns = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("me/", views_auth.profile, name="profile"),
    path("me/password/", views_auth.change_password, name="change_password"),
    path("me/work-status/", views_auth.my_work_status, name="my_work_status"),
]
