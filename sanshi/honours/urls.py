from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sanshi.honours import views

app_name = "honours"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.roll, name="roll"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("studios/<int:place_id>/", views.studio, name="studio"),
    path("staff/", views.staff, name="staff"),
    path("staff/nominations/<int:pk>/<str:step>/", views.nomination_step, name="nomination_step"),
    path("staff/cases/", views.case_new, name="case_new"),
    path("staff/cases/<int:pk>/<str:step>/", views.case_step, name="case_step"),
    path("staff/studios/<int:place_id>/", views.staff_studio, name="staff_studio"),
    path(
        "staff/studios/<int:place_id>/team/", views.staff_studio_member, name="staff_studio_member"
    ),
    path(
        "staff/studios/<int:place_id>/team/<int:pk>/remove/",
        views.staff_studio_member_remove,
        name="staff_studio_member_remove",
    ),
    path("staff/studios/<int:place_id>/works/", views.staff_studio_work, name="staff_studio_work"),
    path(
        "staff/studios/<int:place_id>/works/<int:pk>/remove/",
        views.staff_studio_work_remove,
        name="staff_studio_work_remove",
    ),
]
