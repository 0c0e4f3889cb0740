from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.network import views

app_name = "network"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("households/new/", views.household_new, name="household_new"),
    path("households/<int:pk>/", views.household, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/close/", views.household_close, name="household_close"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/concern/", views.visit_raise, name="visit_raise"),
]
