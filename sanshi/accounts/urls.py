from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, path

from sanshi.accounts import views

app_name = "accounts"

urlpatterns: list[URLPattern] = [
    path("2fa/", views.verify, name="verify"),
    path("2fa/backup/", views.verify_backup, name="verify_backup"),
    path("2fa/setup/", views.setup, name="setup"),
    path("2fa/backup-codes/", views.backup_codes_page, name="backup_codes"),
    path("2fa/replace/", views.replace, name="replace"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
