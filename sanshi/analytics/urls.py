from __future__ import annotations

from django.urls import path

from sanshi.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report.<str:fmt>", views.report, name="report"),
]
