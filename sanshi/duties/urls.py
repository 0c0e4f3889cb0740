from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.duties import views

app_name = "duties"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="start"),
    path("orgs/<int:org_id>/", views.federation, name="federation"),
    path("orgs/<int:org_id>/rules/", views.rules, name="rules"),
    path("orgs/<int:org_id>/export.xlsx", views.export, name="export"),
    path("orgs/<int:org_id>/members/<int:person_id>/", views.report, name="report"),
    path("orgs/<int:org_id>/members/<int:person_id>/evaluate/", views.evaluate, name="evaluate"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/<int:pk>/", views.training, name="training"),
    path("trainings/<int:pk>/attendance/", views.attendance, name="attendance"),
]
