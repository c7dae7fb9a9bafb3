from django.urls import path

from . import views, views_admin, views_tokens

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views_admin.password_change, name="password_change"),
    # sysadmin: user accounts
    path("users/", views_admin.user_list, name="user_list"),
    path("users/new/", views_admin.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views_admin.user_edit, name="user_edit"),
    path("users/<int:pk>/active/", views_admin.user_toggle_active, name="user_toggle_active"),
    path("users/<int:pk>/unlock/", views_admin.user_unlock, name="user_unlock"),
    path("users/<int:pk>/password/", views_admin.user_reset_password, name="user_reset_password"),
    # secadmin: roles and scope grants
    path("grants/", views_admin.grant_list, name="grant_list"),
    path("users/<int:pk>/role/", views_admin.user_role, name="user_role"),
    path("users/<int:user_id>/grants/new/", views_admin.grant_create, name="grant_create"),
    path("grants/<int:pk>/delete/", views_admin.grant_delete, name="grant_delete"),
    path("tokens/", views_tokens.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", views_tokens.token_revoke_view, name="token_revoke"),
]
