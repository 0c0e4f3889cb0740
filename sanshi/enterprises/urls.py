from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.enterprises import views

app_name = "enterprises"

urlpatterns: list[URLPattern | URLResolver] = [
    path("request/", views.request_form, name="request"),
    path("directory/", views.directory, name="directory"),
    path("staff/", views.staff_home, name="coverage"),
    path("staff/districts/<int:pk>/", views.district, name="district"),
    path("staff/districts/<int:pk>/enterprises/", views.district_list, name="district_list"),
    path(
        "staff/districts/<int:pk>/entrepreneurs/",
        views.district_entrepreneur,
        name="district_entrepreneur",
    ),
    path("staff/enterprises/<int:pk>/federation/", views.listed_link, name="listed_link"),
    path(
        "staff/entrepreneurs/<int:pk>/withdraw/",
        views.entrepreneur_withdraw,
        name="entrepreneur_withdraw",
    ),
]
