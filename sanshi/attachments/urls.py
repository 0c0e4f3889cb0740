from __future__ import annotations

from django.urls import URLPattern, path

from sanshi.attachments import views

app_name = "attachments"

urlpatterns: list[URLPattern] = [
    path("c/<int:pk>/files/", views.upload, name="upload"),
    path("c/<int:pk>/files/<int:attachment_id>/", views.download, name="download"),
    path("c/<int:pk>/files/<int:attachment_id>/thumb/", views.thumbnail, name="thumbnail"),
]
