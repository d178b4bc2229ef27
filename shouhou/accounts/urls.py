from django.urls import path

from shouhou.core.importer import import_urls

from . import views, views_auth, views_roles, views_skills, views_teams
from .importers import UserImporter

app_name = "accounts"
urlpatterns = [
    path("login/", views_auth.login_view, name="login"),
    path("logout/", views_auth.logout_view, name="logout"),
    path("password/forgot/", views_auth.forgot_password, name="password_forgot"),
    path("password/reset/", views_auth.reset_password, name="password_reset"),
    path("me/", views_auth.profile, name="profile"),
    path("me/password/", views_auth.change_password, name="change_password"),
    path("me/work-status/", views_auth.my_work_status, name="my_work_status"),
    # accounts
    path("users/", views.user_list, name="users"),
    # skills (issue 10)
    path("skills/", views_skills.SkillsView.as_view(), name="skills"),
    path("skills/add/", views_skills.SkillAddView.as_view(), name="skill_add"),
    path("skills/<int:pk>/edit/", views_skills.SkillEditView.as_view(), name="skill_edit"),
    path("skills/<int:pk>/delete/", views_skills.SkillDeleteView.as_view(), name="skill_delete"),
    path("skills/<int:pk>/move/", views_skills.SkillMoveView.as_view(), name="skill_move"),
    path("users/unassigned/", views.unassigned_users, name="users_unassigned"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_detail, name="user_detail"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("users/bulk/roles/", views.bulk_roles, name="bulk_roles"),
    path("users/bulk/teams/", views.bulk_teams, name="bulk_teams"),
    path("users/bulk/enable/", views.bulk_enable, name="bulk_enable"),
    path("users/bulk/disable/", views.bulk_disable, name="bulk_disable"),
    path("users/bulk/delete/", views.bulk_delete, name="bulk_delete"),
    path("users/activity-export/", views.user_activity_export, name="user_activity_export"),
    *import_urls(UserImporter, "users/import/", "users_import"),
    # teams
    path("teams/", views_teams.TeamListView.as_view(), name="teams"),
    path("teams/settings/", views_teams.team_settings, name="team_settings"),
    path("teams/new/", views_teams.TeamEditView.as_view(), name="team_create"),
    path("teams/<int:pk>/", views_teams.TeamView.as_view(), name="team_detail"),
    path("teams/<int:pk>/edit/", views_teams.TeamEditView.as_view(), name="team_edit"),
    path("teams/<int:pk>/delete/", views_teams.TeamDeleteView.as_view(), name="team_delete"),
    path("teams/<int:pk>/members/", views_teams.team_add_members, name="team_add_members"),
    path("teams/<int:pk>/members/<int:user_id>/remove/", views_teams.team_remove_member, name="team_remove_member"),
    # roles
    path("roles/", views_roles.RoleListView.as_view(), name="roles"),
    path("roles/new/", views_roles.RoleEditView.as_view(), name="role_create"),
    path("roles/<int:pk>/", views_roles.role_permissions, name="role_permissions"),
    path("roles/<int:pk>/edit/", views_roles.RoleEditView.as_view(), name="role_edit"),
    path("roles/<int:pk>/delete/", views_roles.RoleDeleteView.as_view(), name="role_delete"),
    path("roles/<int:pk>/reset/", views_roles.role_reset, name="role_reset"),
    path("roles/<int:pk>/members/", views_roles.role_members, name="role_members"),
    path("roles/<int:pk>/members/add/", views_roles.role_add_members, name="role_add_members"),
    path("roles/<int:pk>/members/<int:user_id>/remove/", views_roles.role_remove_member,
         name="role_remove_member"),
]
