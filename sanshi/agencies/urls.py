from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.agencies import views

app_name = "agencies"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.projects, name="projects"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/activities/", views.project_activity, name="project_activity"),
    path("projects/<int:pk>/concerns/", views.project_link, name="project_link"),
]
