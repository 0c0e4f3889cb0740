from __future__ import annotations

from django.urls import URLPattern, path

from sanshi.messaging import views

urlpatterns: list[URLPattern] = [
    path("track/<str:code>/stop/", views.stop, name="messaging-stop"),
    path(
        "console/c/<int:pk>/safe-contact/", views.record_safe_contact, name="messaging-safe-contact"
    ),
]
