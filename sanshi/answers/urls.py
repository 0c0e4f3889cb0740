from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.answers import views

app_name = "answers"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.answers_home, name="answers_home"),
    path("suggest/", views.suggest, name="suggest"),
    path("<int:pk>/", views.answer, name="answer"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/retire/", views.retire, name="retire"),
]
